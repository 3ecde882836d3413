"""Meetings (plenary, provincial, zone, table), their registrations and their iCalendar identity.

A meeting's date may still be "to be confirmed": ``date`` is then empty, ``date_note`` says
what is known (e.g. "ottobre–novembre 2017") and ``expected_by`` is the last day of the period it
was expected in. Once that day is over the meeting is no longer "upcoming": it is listed with the
past ones, as a meeting whose date was never published. Times are optional because the sources
often give only the day; nothing is invented to fill the gap.

Which meetings are still ahead is decided in one place, :func:`past_condition` (read by the
queryset's ``upcoming()``, ``not_past()`` and ``past()`` and by the meeting list's ``is_past``),
mirrored for one meeting in memory by :meth:`Meeting.has_passed`. It compares dates only, so its
answer changes at local midnight, when every cached page is re-rendered anyway
(``patto.cache.freshness``).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patto.models import ActorCategory, Revisioned


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("Plenaria")
    PROVINCIAL = "provincial", _("Provinciale")
    ZONE = "zone", _("Di zona")
    TABLE = "table", _("Di tavolo")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("In programma")
    HELD = "held", _("Svolto")
    CANCELLED = "cancelled", _("Annullato")


def past_condition(today: datetime.date) -> Q:
    """The meetings that are behind us on ``today``, whatever their status: those dated before
    today, and those whose date was to be confirmed and whose expected period ended before
    today (their date was never published). A meeting to be confirmed with no known period
    stays ahead: nothing says it is over."""
    return Q(date__lt=today) | Q(date__isnull=True, expected_by__lt=today)


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        """Scheduled meetings still ahead: from today on, or to be confirmed within a period
        that is not over. The one place that decides what "upcoming" means."""
        return self.not_past(today).filter(status=MeetingStatus.SCHEDULED)

    def for_zone(self, zone):
        """The meetings of ``zone``: named as the meeting's zone, or held in one of its comuni."""
        return self.filter(Q(zone=zone) | Q(municipality__zone=zone))

    def in_province(self, province):
        """The meetings in ``province``: named directly, or through their zone or comune."""
        return self.filter(
            Q(province=province) | Q(zone__province=province) | Q(municipality__province=province)
        )

    def not_past(self, today=None):
        """Meetings still ahead, whatever their status: the complement of ``past()``.

        Wider than ``upcoming()`` on purpose: a meeting cancelled next week stays in the list,
        marked as cancelled, so whoever planned to go finds out."""
        return self.exclude(past_condition(today or timezone.localdate()))

    def past(self, today=None):
        return self.filter(past_condition(today or timezone.localdate()))


class Meeting(Revisioned):
    uid = models.UUIDField(
        _("identificativo iCalendar"), default=uuid.uuid4, editable=False, unique=True
    )
    programme = models.ForeignKey(
        "patto.Programme",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("programma"),
    )
    phase = models.ForeignKey(
        "patto.Phase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("fase"),
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("titolo"), max_length=300)
    date = models.DateField(_("data"), null=True, blank=True)
    date_note = models.CharField(
        _("nota sulla data"),
        max_length=200,
        blank=True,
        help_text=_("Quello che si sa quando la data è ancora da confermare."),
    )
    expected_by = models.DateField(
        _("previsto entro il"),
        null=True,
        blank=True,
        help_text=_(
            "Solo se la data è da confermare: l'ultimo giorno del periodo in cui l'incontro è "
            "previsto. Dopo quel giorno l'incontro va tra quelli passati, con la data mai "
            "pubblicata."
        ),
    )
    start_time = models.TimeField(_("ora di inizio"), null=True, blank=True)
    end_time = models.TimeField(_("ora di fine"), null=True, blank=True)
    venue = models.CharField(_("luogo"), max_length=300, blank=True)
    address = models.CharField(_("indirizzo"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "zone.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("comune"),
    )
    province = models.ForeignKey(
        "zone.Province",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("provincia"),
    )
    zone = models.ForeignKey(
        "zone.Zone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("zona omogenea"),
    )
    tables = models.ManyToManyField(
        "tavoli.ThematicTable",
        blank=True,
        related_name="meetings",
        verbose_name=_("tavoli coinvolti"),
    )
    audiences = models.JSONField(
        _("rivolto a"),
        default=list,
        blank=True,
        help_text=_("Categorie di partecipanti a cui l'incontro è rivolto."),
    )
    agenda = models.TextField(_("ordine del giorno"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    minutes = models.TextField(_("verbale"), blank=True, help_text=_("Markdown."))
    minutes_file = models.FileField(_("verbale (PDF)"), upload_to="verbali/", blank=True)
    attendance = models.PositiveIntegerField(_("partecipanti"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("posti disponibili"), null=True, blank=True, help_text=_("Vuoto: senza limite.")
    )
    source = models.CharField(_("fonte"), max_length=500, blank=True)
    # The meeting's event in people's calendars (``incontri.ical``), kept by the services
    # (``incontri.services.note_calendar_changes``): SEQUENCE grows on every change of time,
    # place or status, so calendars replace the event they hold; when the date goes back to
    # "to be confirmed", the event stays where it was, as tentative, until a date is set again.
    sequence = models.PositiveIntegerField(_("versione nel calendario"), default=0, editable=False)
    previous_date = models.DateField(
        _("ultima data pubblicata"), null=True, blank=True, editable=False
    )
    previous_start_time = models.TimeField(
        _("ultima ora di inizio pubblicata"), null=True, blank=True, editable=False
    )
    previous_end_time = models.TimeField(
        _("ultima ora di fine pubblicata"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tables])
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "start_time", "title"]
        verbose_name = _("incontro")
        verbose_name_plural = _("incontri")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | (Q(start_time__isnull=False) & Q(end_time__gt=models.F("start_time"))),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("L'incontro deve finire dopo l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(start_time__isnull=True),
                name="meeting_time_needs_date",
                violation_error_message=_("Un orario richiede una data."),
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(date__isnull=False),
                name="meeting_held_has_date",
                violation_error_message=_("Un incontro svolto deve avere una data."),
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(expected_by__isnull=True),
                name="meeting_expected_by_only_without_date",
                violation_error_message=_(
                    "Il periodo previsto vale solo per un incontro con la data da confermare."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(previous_date__isnull=True),
                name="meeting_previous_date_only_without_date",
                violation_error_message=_(
                    "L'ultima data pubblicata vale solo per un incontro tornato da confermare."
                ),
            ),
        ]
        indexes = [
            # Meeting.objects.upcoming() per programme, the home page's "next meetings"
            models.Index(fields=["programme", "status", "date"], name="meeting_prog_status_date"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("incontri:detail", args=[self.pk])

    @property
    def is_date_to_be_confirmed(self):
        return self.date is None

    def has_passed(self, today=None) -> bool:
        """Whether the meeting is behind us: ``past_condition`` for this one meeting."""
        today = today or timezone.localdate()
        if self.date is not None:
            return self.date < today
        return self.expected_by is not None and self.expected_by < today

    @property
    def date_never_published(self) -> bool:
        """The date was to be confirmed and the period the meeting was expected in is over."""
        return self.date is None and self.has_passed()

    def registration_closed_reason(self, today=None) -> str:
        """Why the meeting does not take registrations now, or "" when it does. Only a
        scheduled meeting with a date from today on takes them."""
        today = today or timezone.localdate()
        if self.status == MeetingStatus.CANCELLED:
            return _("L'incontro è annullato: le iscrizioni sono chiuse.")
        if self.status == MeetingStatus.HELD:
            return _("L'incontro si è già svolto: le iscrizioni sono chiuse.")
        if self.date is None:
            if self.has_passed(today):
                return _(
                    "La data dell'incontro non è mai stata pubblicata e il periodo in cui era "
                    "previsto è passato: le iscrizioni sono chiuse."
                )
            return _("Le iscrizioni si apriranno quando la data dell'incontro sarà confermata.")
        if self.date < today:
            return _("La data dell'incontro è passata: le iscrizioni sono chiuse.")
        return ""

    def accepts_registrations(self, today=None) -> bool:
        return not self.registration_closed_reason(today)

    def get_audiences_display(self):
        labels = dict(ActorCategory.choices)
        return [labels.get(value, value) for value in self.audiences]

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = [a for a in self.audiences if a not in ActorCategory.values]
        if unknown:
            raise ValidationError(
                {"audiences": _("Categorie sconosciute: %(list)s") % {"list": ", ".join(unknown)}}
            )


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confermata")
    WAITING = "waiting", _("In lista d'attesa")
    CANCELLED = "cancelled", _("Annullata")


class Registration(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("incontro"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("persona"),
    )
    body_name = models.CharField(_("ente"), max_length=200, blank=True)
    actor_category = models.CharField(
        _("categoria"), max_length=40, choices=ActorCategory.choices, blank=True
    )
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    attended = models.BooleanField(_("presente"), null=True, blank=True)
    # When the person (last) registered: the waiting list's order. Re-registering after a
    # cancellation moves it to now, at the end of the list.
    created_at = models.DateTimeField(_("iscritta il"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="registration_one_per_person",
                violation_error_message=_("La tua iscrizione a questo incontro c'è già."),
            ),
        ]
        indexes = [
            # the confirmed count of a meeting, and its waiting list in order (promotion)
            models.Index(
                fields=["meeting", "status", "created_at"], name="registration_meeting_status"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.meeting}"

    @property
    def is_active(self) -> bool:
        """Confirmed or on the waiting list: the person still means to come."""
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
