"""The redazione's forms on plan content. They only read and type the input: every rule
(unique code in the version, end not before start, resources not negative, choices of this
version) is checked by the services in ``matrice.services``, whose errors the views put back on
the form's fields."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from matrice import spreadsheets, staff_queries
from matrice.models import ActionArea, Policy, Target, Tool
from patto.core.numbers import format_amount
from patto.core.staff_forms import Amount, PickerSelectMultiple, ServiceErrorsMixin
from tavoli.models import ThematicTable
from zone.models import Zone

MARKDOWN_HELP = _(
    "Puoi scrivere **grassetto** e *corsivo*, fare un elenco iniziando le righe con il "
    "trattino e un link come [testo](https://…)."
)


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _area(rows=4):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {getattr(obj, 'title', None) or obj.name}"


class ProposingSelect(forms.Select):
    """The choice of an item's parent (an area's policy, an action's area). ``proposals`` maps
    each parent's primary key to the code proposed for a new item under it: each option carries
    it (``data-next-code``), and static/js/staff.js puts it in the code field when the person
    chooses another parent and has not typed a code of their own."""

    proposals: dict = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        code = self.proposals.get(getattr(value, "value", value))
        if code:
            option["attrs"]["data-next-code"] = code
        return option


class VersionMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes, or with ``widget=PickerSelectMultiple`` a searchable picker for long lists."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def label_from_instance(self, obj):
        code = getattr(obj, "code", None)
        return f"{code} – {obj}" if code else str(obj)


def comparable(field, value):
    """``value`` of ``field`` in a form that can be compared with ``==``."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return {getattr(v, "pk", v) for v in value or ()}
    if isinstance(field, forms.ModelChoiceField):
        return getattr(value, "pk", value)
    return "" if value is None else value


def shown(field, value) -> str:
    """A ``comparable`` value of ``field`` as a person reads it."""
    if isinstance(field, forms.ModelChoiceField):  # also the multiple one
        labels = {obj.pk: field.label_from_instance(obj) for obj in field.queryset}
        pks = value if isinstance(value, set) else ({value} if value else set())
        return ", ".join(sorted(labels.get(pk, "?") for pk in pks)) or "–"
    if hasattr(value, "isoformat"):
        return date_format(value, "j E Y")
    if isinstance(value, Decimal):  # an amount, as the field reads it back: «150.000,50»
        return format_amount(value)
    return str(value) if value not in ("", None) else "–"


class ContentForm(ServiceErrorsMixin, forms.Form):
    """A form on one item of ``version``. Editing an existing ``item`` adds the hidden
    ``revision`` the form was opened at (optimistic locking)."""

    # the texts the site renders as Markdown: a conflict shows them rendered, not as markup
    markdown_fields = ("description",)

    def __init__(self, *args, version, item=None, **kwargs):
        self.version = version
        self.item = item
        if item is not None:
            kwargs.setdefault("initial", self.initial_from(item))
        super().__init__(*args, **kwargs)
        self.setup_choices(version)
        if item is not None:
            self.fields["revision"] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=1,
                error_messages={
                    "required": _("Il modulo è incompleto: ricarica la pagina."),
                    "invalid": _("Il modulo non è valido: ricarica la pagina."),
                },
            )

    def setup_choices(self, version):
        """Limit the choice fields to ``version`` (its catalogues, its areas…)."""

    def initial_from(self, item) -> dict:
        initial = {"revision": item.revision}
        for name in self.base_fields:
            value = getattr(item, name)
            if hasattr(value, "all"):  # many-to-many
                value = [obj.pk for obj in value.all()]
            elif hasattr(value, "pk"):
                value = value.pk
            initial[name] = value
        return initial

    @property
    def has_field_errors(self) -> bool:
        """Some visible field has an error (shown next to it)."""
        return any(field.errors for field in self.visible_fields())

    def service_kwargs(self) -> dict:
        """The cleaned values, as keyword arguments of the service (without the revision)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}

    def conflict_rows(self, exc) -> list[dict]:
        """The fields where the values just sent differ from the ones stored now."""
        stored = self.initial_from(exc.current)
        rows = []
        for name, field in self.fields.items():
            if name == "revision" or name not in self.cleaned_data:
                continue
            mine = comparable(field, self.cleaned_data[name])
            theirs = comparable(field, stored.get(name))
            if isinstance(mine, str) and isinstance(theirs, str):
                mine = mine.replace("\r\n", "\n").strip()
                theirs = theirs.replace("\r\n", "\n").strip()
            if mine != theirs:
                rows.append(
                    {
                        "label": field.label,
                        "mine": shown(field, mine),
                        "theirs": shown(field, theirs),
                        "markdown": name in self.markdown_fields,
                    }
                )
        return rows


class PolicyForm(ContentForm):
    code = forms.CharField(
        label=_("Codice"),
        max_length=20,
        widget=_text(),
        help_text=_("Il numero della politica nel piano, ad esempio 1 o 2."),
    )
    title = forms.CharField(label=_("Titolo"), max_length=200, widget=_text())
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=_area(6), help_text=MARKDOWN_HELP
    )


class AreaForm(ContentForm):
    policy = VersionChoiceField(
        label=_("Politica"),
        queryset=Policy.objects.none(),
        empty_label=None,
        widget=ProposingSelect(attrs={"class": "form-select"}),
    )
    code = forms.CharField(
        label=_("Codice"),
        max_length=20,
        widget=_text(),
        help_text=_("Ad esempio 1.2: il numero della politica, poi quello dell'ambito."),
    )
    title = forms.CharField(label=_("Titolo"), max_length=300, widget=_text())
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=_area(6), help_text=MARKDOWN_HELP
    )

    def setup_choices(self, version):
        self.fields["policy"].queryset = Policy.objects.filter(version=version).order_by(
            "position", "code"
        )


class ActionForm(ContentForm):
    title = forms.CharField(label=_("Titolo"), max_length=300, widget=_text())
    code = forms.CharField(
        label=_("Codice"),
        max_length=20,
        widget=_text(),
        help_text=_("Ad esempio 1.2.3: il codice dell'ambito, poi il numero dell'azione."),
    )
    area = VersionChoiceField(
        label=_("Ambito d'azione"),
        queryset=ActionArea.objects.none(),
        empty_label=_("– scegli l'ambito –"),
        widget=ProposingSelect(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=_area(8), help_text=MARKDOWN_HELP
    )
    tools = VersionMultipleChoiceField(
        label=_("Strumenti"),
        queryset=Tool.objects.none(),
        required=False,
        widget=PickerSelectMultiple,
        help_text=_("Dal catalogo degli strumenti di questa versione."),
    )
    targets = VersionMultipleChoiceField(
        label=_("Destinatari"),
        queryset=Target.objects.none(),
        required=False,
        widget=PickerSelectMultiple,
        help_text=_("Dal catalogo dei destinatari di questa versione."),
    )
    zones = VersionMultipleChoiceField(
        label=_("Zone omogenee"),
        queryset=Zone.objects.none(),
        required=False,
        help_text=_("Nessuna zona scelta: l'azione vale per tutto il territorio."),
    )
    tables = VersionMultipleChoiceField(
        label=_("Tavoli di provenienza"),
        queryset=ThematicTable.objects.none(),
        required=False,
        widget=PickerSelectMultiple,
        help_text=_("I tavoli di lavoro del programma da cui nasce l'azione."),
    )
    lead_body = forms.CharField(
        label=_("Ente capofila"), max_length=200, required=False, widget=_text()
    )
    partners = forms.CharField(
        label=_("Partner"),
        required=False,
        widget=_area(3),
        help_text=_("Gli enti che collaborano, uno per riga."),
    )
    start_date = forms.DateField(
        label=_("Inizio"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Scrivi una data valida, ad esempio 31/12/2019.")},
    )
    end_date = forms.DateField(
        label=_("Fine"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Scrivi una data valida, ad esempio 31/12/2019.")},
    )
    budget = Amount(
        label=_("Risorse (euro)"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("In euro, ad esempio 150.000 o 1.500,50. Vuoto se non previste."),
    )
    indicators = forms.CharField(
        label=_("Indicatori"),
        required=False,
        widget=_area(3),
        help_text=_("Come si misura il risultato dell'azione."),
    )

    def setup_choices(self, version):
        self.fields["area"].queryset = staff_queries.area_choices(version)
        self.fields["tools"].queryset = version.tools.order_by("position", "code")
        self.fields["targets"].queryset = version.targets.order_by("position", "code")
        self.fields["zones"].queryset = Zone.objects.order_by("number")
        self.fields["tables"].queryset = ThematicTable.objects.filter(
            programme_id=version.programme_id
        ).order_by("position", "title")


class CatalogueEntryForm(ContentForm):
    code = forms.CharField(
        label=_("Codice"), max_length=20, widget=_text(), help_text=_("Ad esempio S4 o D2.")
    )
    name = forms.CharField(label=_("Nome"), max_length=200, widget=_text())
    description = forms.CharField(label=_("Descrizione"), required=False, widget=_area(4))


class SpreadsheetImportForm(forms.Form):
    """The spreadsheet to import into the draft. The form only takes the file and its size;
    what is in it is read by ``matrice.sheet_import``."""

    file = forms.FileField(
        label=_("Foglio di calcolo"),
        widget=forms.FileInput(
            attrs={
                "class": "form-control",
                "accept": ".ods,.xlsx,application/vnd.oasis.opendocument.spreadsheet,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        error_messages={
            "required": _("Scegli il file da importare."),
            "empty": _("Il file è vuoto."),
            "invalid": _("Scegli un file ODS o XLSX."),
        },
    )

    def __init__(self, *args, too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].help_text = _(
            "Un file ODS o XLSX come quello che scarichi dalla bozza, al massimo %(max)s MB."
        ) % {"max": spreadsheets.max_upload_bytes() // (1024 * 1024)}

    def clean(self):
        if self.too_big:
            self._errors.pop("file", None)
            raise forms.ValidationError(self.too_big_message(), code="too_big")
        return super().clean()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.max_upload_bytes():
            raise forms.ValidationError(self.too_big_message(), code="too_big")
        upload.seek(0)
        return upload

    @staticmethod
    def too_big_message() -> str:
        return _("Il file è troppo grande: al massimo %(max)s MB.") % {
            "max": spreadsheets.max_upload_bytes() // (1024 * 1024)
        }
