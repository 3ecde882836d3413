"""The forms of the monitoring pages (staff and spokespersons). As every staff form, they only
parse what was typed: the rules (progress from 0 to 100, no negative money, no date in the
future, a PDF that is really one…) are the services' (``patto.monitoring.services``), whose
``ValidationError`` comes back onto the fields it names. The inputs carry the same bounds as HTML
``min`` and ``max`` (the browser's number and date pickers stop there), except the amounts: typed
the Italian way (``Amount``) in a text box, their bound is said by the server. The forms are sent
with ``novalidate``, so what is refused is said by the server, in the portal's words."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patto.core.staff_forms import Amount, DateInput, ServiceErrorsMixin, Text, style_widgets
from patto.models import ImplementationState
from patto.monitoring.attachments import MAX_ATTACHMENTS
from patto.monitoring.services import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from zone.models import Zone

# euros and indicators' values, typed the Italian way (150.000,50); euros spent or committed are
# never negative (an indicator's value may be): the service says so
MONEY = {"max_digits": 14, "decimal_places": 2}
TOO_LONG = {
    "max_length": _(
        "Il testo è troppo lungo: al massimo %(limit_value)s caratteri (ne hai scritti "
        "%(show_value)s)."
    )
}


class MonitoringForm(ServiceErrorsMixin, forms.Form):
    # the date fields of things that happened: today at the latest
    PAST_DATES = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in self.PAST_DATES:
            self.fields[name].widget.attrs["max"] = today
        style_widgets(self)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}


class ImplementationForm(MonitoringForm):
    """Where the action stands. ``revision`` is empty while nothing has been recorded yet."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.ChoiceField(label=_("Stato di attuazione"), choices=ImplementationState.choices)
    state_reason = Text(
        label=_("Motivo"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatorio se l'azione è sospesa o annullata."),
    )
    progress = forms.IntegerField(
        label=_("Avanzamento (%)"),
        help_text=_("Da 0 a 100."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    committed = Amount(label=_("Risorse impegnate (euro)"), required=False, **MONEY)
    spent = Amount(label=_("Risorse spese (euro)"), required=False, **MONEY)

    def __init__(self, *args, monitoring=None, **kwargs):
        if monitoring is not None:
            kwargs.setdefault(
                "initial",
                {
                    "revision": monitoring.revision,
                    "state": monitoring.state,
                    "state_reason": monitoring.state_reason,
                    "progress": monitoring.progress,
                    "committed": monitoring.committed,
                    "spent": monitoring.spent,
                },
            )
        else:
            kwargs.setdefault("initial", {"state": ImplementationState.NOT_STARTED, "progress": 0})
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePdfField(forms.FileField):
    """One or more files, in one ``<input type=file multiple>``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UpdateForm(MonitoringForm):
    """A dated update: title, text and PDF attachments."""

    PAST_DATES = ("happened_on",)

    happened_on = forms.DateField(label=_("Data"), widget=DateInput)
    title = Text(label=_("Titolo"), max_length=200, error_messages=TOO_LONG)
    text = Text(
        label=_("Testo"),
        max_length=TEXT_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Che cosa è stato fatto, che cosa cambia per le persone."),
    )
    attachments = MultiplePdfField(label=_("Allegati in PDF"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "Facoltativi: fino a %(count)s file PDF, al massimo di %(limit)s MB ciascuno. Se il "
            "modulo non viene salvato, scegli di nuovo i file."
        ) % {"count": MAX_ATTACHMENTS, "limit": settings.MINUTES_MAX_UPLOAD_MB}


class ProposalForm(UpdateForm):
    """A spokesperson's proposed update: about one of their zones where the action applies."""

    zone = forms.ModelChoiceField(label=_("Zona"), queryset=None, empty_label=None)

    field_order = ["zone", "happened_on", "title", "text", "attachments"]

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(pk__in=[z.pk for z in zones])
        self.order_fields(self.field_order)


class IndicatorForm(MonitoringForm):
    name = Text(label=_("Nome dell'indicatore"), max_length=200, error_messages=TOO_LONG)
    unit = forms.CharField(
        label=_("Unità di misura"),
        max_length=40,
        required=False,
        help_text=_("Per esempio: persone, %, servizi attivati."),
    )
    baseline = Amount(label=_("Valore di partenza"), required=False, **MONEY)
    target = Amount(label=_("Obiettivo"), **MONEY)
    target_date = forms.DateField(label=_("Entro il"), required=False, widget=DateInput)


class IndicatorValueForm(MonitoringForm):
    PAST_DATES = ("measured_on",)

    indicator = forms.ModelChoiceField(label=_("Indicatore"), queryset=None, empty_label=None)
    measured_on = forms.DateField(label=_("Rilevato il"), widget=DateInput)
    value = Amount(label=_("Valore"), **MONEY)
    note = Text(label=_("Nota"), max_length=300, required=False, error_messages=TOO_LONG)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class ReasonForm(MonitoringForm):
    """Why: an update is not published (``decline_reason``), an action was dropped
    (``reason``)."""

    reason = Text(
        label=_("Motivo"),
        max_length=REASON_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class StaffActionFilterForm(forms.Form):
    """The staff's list of the actions of the plan in force, narrowed: by state (an action with
    nothing recorded is not started, as on the public pages) and to those with spokespersons'
    proposals waiting."""

    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti gli stati")), *ImplementationState.choices],
        error_messages={"invalid_choice": _("Questo stato non esiste: scegline uno dall'elenco.")},
    )
    proposte = forms.TypedChoiceField(
        label=_("Proposte dei portavoce"),
        required=False,
        choices=[("", _("Tutte le azioni")), ("1", _("Solo con proposte da leggere"))],
        coerce=bool,
        empty_value=False,
        error_messages={"invalid_choice": _("Scegli una delle voci dell'elenco.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
