"""Forms and the list filter of the staff pages for meetings. As in ``tavoli.forms``, the forms
only parse: the services check every rule and their errors come back onto the fields."""

import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incontri.minutes_pdf import check_minutes_pdf
from incontri.models import Meeting, MeetingKind, MeetingStatus
from patto.core.staff_forms import (
    DateInput,
    ProgrammeFilter,
    RevisionForm,
    ServiceErrorsMixin,
    StaffModelForm,
    TimeInput,
    select,
    style_widgets,
)
from patto.models import ActorCategory, Programme
from tavoli.forms import table_label
from tavoli.models import ThematicTable
from zone.models import Municipality, Province, Zone, search_key

NAME_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


class MunicipalityField(forms.CharField):
    """A comune typed by name ("Pinerolo", "pinerolo (to)", "Cirie"): accents, capitals and
    apostrophes do not matter; the province's sigla in brackets settles a name two provinces
    share. The page offers the names as suggestions (a ``datalist``), no script needed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 110)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Municipality):
            return str(value)
        if isinstance(value, int):
            municipality = Municipality.objects.select_related("province").filter(pk=value).first()
            return str(municipality) if municipality else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = NAME_WITH_PROVINCE.match(value)
        name, province = (match["name"], match["province"].upper()) if match else (value, None)
        candidates = Municipality.objects.select_related("province").filter(
            search_name=search_key(name)
        )
        if province:
            candidates = candidates.filter(province__abbreviation=province)
        found = list(candidates[:2])
        if not found:
            raise ValidationError(
                _("Nessun comune del Piemonte si chiama «%(name)s»: controlla il nome.")
                % {"name": value},
                code="unknown_municipality",
            )
        if len(found) > 1:
            raise ValidationError(
                _(
                    "Più comuni si chiamano «%(name)s»: aggiungi la sigla della provincia tra "
                    "parentesi, per esempio «%(example)s»."
                )
                % {"name": value, "example": str(found[0])},
                code="ambiguous_municipality",
            )
        return found[0]


class MeetingForm(StaffModelForm):
    date_to_be_confirmed = forms.BooleanField(
        label=_("Data da confermare"),
        required=False,
        help_text=_(
            "Spunta se la data non è ancora fissata: scrivi nella nota quello che si sa e, in "
            "«Previsto entro il», l'ultimo giorno del periodo in cui l'incontro è previsto."
        ),
    )
    municipality = MunicipalityField(
        label=_("Comune"),
        help_text=_(
            "Scrivi il nome; se due province hanno un comune con lo stesso nome, "
            "aggiungi la sigla: «Nome (TO)»."
        ),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Rivolto a"),
        choices=ActorCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tables = forms.ModelMultipleChoiceField(
        label=_("Tavoli coinvolti"),
        queryset=ThematicTable.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [
            "phase",
            "kind",
            "title",
            "date",
            "date_note",
            "expected_by",
            "start_time",
            "end_time",
            "venue",
            "address",
            "municipality",
            "province",
            "zone",
            "tables",
            "audiences",
            "agenda",
            "capacity",
        ]
        widgets = {
            "date": DateInput,
            "expected_by": DateInput,
            "start_time": TimeInput,
            "end_time": TimeInput,
            "agenda": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "agenda": _(
                "Puoi usare *corsivo*, **grassetto** ed elenchi (righe che iniziano con «-»)."
            ),
            "capacity": _(
                "Vuoto: senza limite. Non può scendere sotto le iscrizioni già confermate; se "
                "lo alzi, chi è in lista d'attesa passa tra gli iscritti, in ordine."
            ),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = programme.phases.order_by("position")
        self.fields["phase"].empty_label = _("Nessuna fase")
        self.fields["kind"].choices = [("", _("— scegli il tipo —")), *MeetingKind.choices]
        self.fields["province"].queryset = Province.objects.order_by("name")
        self.fields["province"].empty_label = _("Nessuna provincia")
        self.fields["zone"].queryset = Zone.objects.order_by("number")
        self.fields["zone"].empty_label = _("Nessuna zona")
        self.fields["tables"].queryset = (
            ThematicTable.objects.filter(programme=programme)
            .select_related("phase")
            .order_by("phase__position", "position", "title")
        )
        self.fields["tables"].label_from_instance = table_label
        self.fields["municipality"].widget.attrs.update(
            {"list": "comuni-suggerimenti", "autocomplete": "off"}
        )
        if not self.is_bound and self.instance.pk is not None:
            self.initial["date_to_be_confirmed"] = self.instance.date is None
            if self.instance.municipality_id:
                self.initial["municipality"] = self.instance.municipality

    def clean(self):
        data = super().clean()
        tbc, date = data.get("date_to_be_confirmed"), data.get("date")
        if tbc and date:
            self.add_error(
                "date",
                _("Hai spuntato «Data da confermare»: togli la data o la spunta."),
            )
        elif not tbc and not date and "date" not in self.errors:
            self.add_error("date", _("Inserisci la data, oppure spunta «Data da confermare»."))
        if not tbc:
            data["expected_by"] = None  # a period means something only while the date is not
        return data

    def service_data(self, *, exclude=()):
        return super().service_data(exclude=("tables", *exclude))

    @staticmethod
    def municipality_suggestions() -> list[str]:
        """Every comune as "Name (XX)", for the datalist. One query."""
        return [
            f"{name} ({abbreviation})"
            for name, abbreviation in Municipality.objects.order_by("name").values_list(
                "name", "province__abbreviation"
            )
        ]


class HeldForm(RevisionForm):
    attendance = forms.IntegerField(
        label=_("Partecipanti"),
        min_value=0,
        required=False,
        help_text=_("Se lo sai già; si può aggiungere dopo."),
    )


class AttendanceForm(RevisionForm):
    attendance = forms.IntegerField(label=_("Partecipanti"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            self.initial.setdefault("attendance", self.instance.attendance)


class MinutesForm(RevisionForm):
    minutes = forms.CharField(
        label=_("Verbale (testo)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Puoi scriverlo qui, caricarlo in PDF, o tutte e due le cose. Nel testo puoi usare "
            "*corsivo*, **grassetto** ed elenchi (righe che iniziano con «-»)."
        ),
    )
    minutes_file = forms.FileField(
        label=_("Verbale in PDF"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    remove_file = forms.BooleanField(label=_("Togli il PDF attuale"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes_file"].help_text = _("Solo file PDF, al massimo %(limit)s MB.") % {
            "limit": settings.MINUTES_MAX_UPLOAD_MB
        }
        if self.instance is not None and not self.is_bound:
            self.initial.setdefault("minutes", self.instance.minutes)
        if self.instance is None or not self.instance.minutes_file:
            del self.fields["remove_file"]

    def clean_minutes_file(self):
        upload = self.cleaned_data.get("minutes_file")
        if upload:
            try:
                check_minutes_pdf(upload)
            except ValidationError as exc:
                raise ValidationError(exc.error_dict["minutes_file"]) from exc
        return upload


class CancelForm(RevisionForm):
    """The cancellation, confirmed."""


class RestoreForm(RevisionForm):
    """Back in the calendar."""


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    """Registering for a meeting: who one comes for. Pre-filled from the profile."""

    body_name = forms.CharField(
        label=_("Ente o organizzazione"),
        max_length=200,
        required=False,
        help_text=_("Per chi partecipi; lascia vuoto se vieni a titolo personale."),
    )
    actor_category = forms.ChoiceField(
        label=_("Categoria"),
        choices=[("", _("— scegli la categoria —")), *ActorCategory.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    @classmethod
    def for_user(cls, user, registration=None):
        """Unbound, with what the person gave last time for this meeting, else their profile."""
        source = registration or user
        return cls(
            initial={
                "body_name": getattr(source, "body_name", ""),
                "actor_category": getattr(source, "actor_category", ""),
            }
        )


class PresencesForm(RevisionForm):
    """After the meeting: one check box per person registered (confirmed or waiting)."""

    present = forms.MultipleChoiceField(
        label=_("Presenti"), required=False, widget=forms.CheckboxSelectMultiple
    )
    update_attendance = forms.BooleanField(required=False)

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        self.fields["present"].choices = [(str(r.pk), str(r.user)) for r in self.registrations]
        if not self.is_bound:
            self.initial["present"] = [str(r.pk) for r in self.registrations if r.attended]
        if self.instance is not None:
            self.fields["update_attendance"].label = _(
                "Metti il numero dei presenti come numero di partecipanti dell'incontro "
                "(ora: %(count)s)"
            ) % {"count": self.instance.attendance}

    def rows(self):
        """(registration, checked, checkbox id) for the table, in the registrations' order."""
        checked = {str(v) for v in (self["present"].value() or [])}
        return [
            (r, str(r.pk) in checked, f"{self['present'].auto_id}_{r.pk}")
            for r in self.registrations
        ]


# The staff list's filter ---------------------------------------------------------------------

UPCOMING, PAST, TBC, ALL = "prossimi", "passati", "da-confermare", "tutti"


class StaffMeetingFilterSet(django_filters.FilterSet):
    programma = ProgrammeFilter(field_name="programme")
    stato = django_filters.ChoiceFilter(
        label=_("Stato"),
        field_name="status",
        choices=MeetingStatus.choices,
        empty_label=_("Tutti gli stati"),
        widget=select(),
    )
    quando = django_filters.ChoiceFilter(
        label=_("Quando"),
        method="filter_when",
        choices=[
            (UPCOMING, _("Prossimi (e da confermare)")),
            (PAST, _("Passati")),
            (TBC, _("Solo con data da confermare")),
        ],
        empty_label=_("Tutti, prima i prossimi"),
        widget=select(),
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_when(self, queryset, name, value):
        if value == UPCOMING:
            return queryset.not_past()
        if value == PAST:
            return queryset.past()
        if value == TBC:
            return queryset.filter(date__isnull=True)
        return queryset
