from django import forms
from django.utils.translation import gettext_lazy as _

from matrice.filters import SearchField, SearchInput
from patto.search.queries import KINDS


class SearchForm(forms.Form):
    """The search's state, all of it in the address: the text, the kind of results and the
    programme. An unknown kind or programme is left out with a note, not refused."""

    q = SearchField(
        label=_("Parole da cercare"),
        required=False,
        widget=SearchInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    tipo = forms.ChoiceField(
        label=_("Tipo di risultato"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    programma = forms.ChoiceField(
        label=_("Programma"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [("", _("Tutti")), *((k.slug, k.label) for k in KINDS)]
        self.fields["programma"].choices = [
            ("", _("Tutti i programmi")),
            *((slug, title) for _pk, slug, title in programmes),
        ]
