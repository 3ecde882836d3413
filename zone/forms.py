from django import forms
from django.utils.translation import gettext_lazy as _


class MunicipalitySearchForm(forms.Form):
    """ "In quale zona è il mio comune?": a comune's name, whole or in part."""

    q = forms.CharField(
        label=_("Nome del comune"),
        required=False,
        max_length=100,
        help_text=_("Anche solo l'inizio del nome; maiuscole e accenti non contano."),
        widget=forms.SearchInput(
            attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
