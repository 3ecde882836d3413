from django import forms
from django.utils.translation import gettext_lazy as _

from zone.spreadsheet import is_valid_source


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


class MembershipImportForm(forms.Form):
    """The official list to load, and optionally the web address it was published at. What is
    in the file is read by ``zone.spreadsheet``."""

    file = forms.FileField(
        label=_("Il foglio «Elenco Comuni per Zona omogenea»"),
        widget=forms.FileInput(
            attrs={
                "class": "form-control",
                "accept": ".ods,.csv,application/vnd.oasis.opendocument.spreadsheet,text/csv",
            }
        ),
        error_messages={
            "required": _("Scegli il file da caricare."),
            "empty": _("Il file è vuoto."),
            "invalid": _("Scegli un file ODS o CSV."),
        },
    )
    source_url = forms.CharField(
        label=_("Indirizzo web dove è pubblicato (facoltativo)"),
        required=False,
        max_length=500,
        help_text=_(
            "Lo registriamo come fonte di ogni comune del file che non ha una sua colonna "
            "«fonte». Se lo lasci vuoto, la fonte è la pagina ufficiale delle zone omogenee."
        ),
        widget=forms.URLInput(attrs={"class": "form-control", "inputmode": "url"}),
        error_messages={"max_length": _("L'indirizzo è troppo lungo: al massimo 500 caratteri.")},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = _(
            "Un file ODS, o un CSV esportato dal foglio, al massimo %(max)s MB. Servono una "
            "colonna della zona («zona», «numero zona» o «nome zona») e una del comune "
            "(«comune» e/o «codice ISTAT»)."
        ) % {"max": max_bytes // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Il file è troppo grande: al massimo %(max)s MB.")
                % {"max": self.max_bytes // (1024 * 1024)},
                code="too_big",
            )
        return upload

    def clean_source_url(self):
        value = self.cleaned_data["source_url"].strip()
        if value and not is_valid_source(value):
            raise forms.ValidationError(
                _("Scrivi un indirizzo web completo, che inizia con https:// o http://."),
                code="invalid",
            )
        return value
