"""Writes of meetings: schedule, edit, cancel, mark as held, minutes and attendance, and the
registrations of the people who mean to come. The staff pages, the public pages, the admin and
the tests all go through these functions.

    scheduled ──mark held (needs a date, not in the future)──▶ held
        │                                                        │
        └──cancel──▶ cancelled ──restore──▶ scheduled ◀──restore─┘

Every write of a meeting's row goes through ``_save_meeting``, which first calls
``note_calendar_changes``: the one place that keeps the meeting's event in people's calendars
current (``SEQUENCE`` raised on every change of time, place or status; the last published date
kept when the date goes back to "to be confirmed"). The admin calls it too.

Minutes may be written (Markdown) or uploaded as a PDF, checked by its content before a byte
is stored (``incontri.minutes_pdf.check_minutes_pdf``).

Registrations (``register``, ``cancel_registration``, ``record_presences``)::

    (none) ──register──▶ confirmed  (a place is free, or the meeting has no capacity)
                    └──▶ waiting    (full)  ──a confirmed one cancels / capacity raised──▶ confirmed
    confirmed / waiting ──cancel──▶ cancelled ──register again (same row)──▶ confirmed / waiting

The capacity is never exceeded, also under concurrent requests: every change of a registration's
status runs in one transaction that first locks the meeting's row (``SELECT ... FOR UPDATE``), so
the changes of one meeting's registrations happen one after the other, and the count of confirmed
registrations read under the lock is the true one. The database cannot hold "at most capacity
confirmed rows" as a constraint (it spans rows; a trigger would be PostgreSQL-only, and the
embedded default runs on SQLite), so the rule has one path instead: these functions. The admin
shows a registration's status read-only and cannot add registrations, and the capacity is edited
through ``update_meeting``, which takes the same lock and refuses a capacity below the confirmed
count. ``tests/incontri/test_registration_concurrency.py`` checks it against PostgreSQL.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from incontri import tasks
from incontri.minutes_pdf import check_minutes_pdf
from incontri.models import Meeting, MeetingStatus, Registration, RegistrationStatus
from patto.core.articles import article_before_number
from patto.core.exceptions import TransitionError
from patto.core.permissions import require_redazione
from patto.mail.sending import after_commit
from patto.models import ActorCategory, Programme
from tavoli.models import ThematicTable
from tavoli.services import apply_changes, save_checked

MEETING_FIELDS = frozenset(
    {
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
        "audiences",
        "agenda",
        "capacity",
    }
)
# What a meeting's event in a calendar says about when, where and whether it takes place: a
# change to any of them is a significant revision of the event (RFC 5545 §3.8.7.4).
CALENDAR_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "venue",
    "address",
    "municipality_id",
    "status",
)
PREVIOUS_FIELDS = ("previous_date", "previous_start_time", "previous_end_time")


def note_calendar_changes(meeting: Meeting) -> None:
    """Before ``meeting``'s row is written (by the services here, and by the admin): keep its
    event in people's calendars current (``incontri.ical``). Compared with the stored row, which
    stays locked until the end of the transaction (one query):

    - a change of time, place or status raises ``sequence``, the event's SEQUENCE (RFC 5545
      §3.8.7.4), so calendars that already hold the event replace it instead of keeping the
      old one;
    - when the date goes back to "to be confirmed", the date and times it had are kept: the
      event stays in calendars there, marked as tentative, instead of vanishing; once a date is
      set again they are forgotten.

    A new meeting starts at SEQUENCE 0 and has nothing to compare with."""
    if meeting.pk is None:
        return
    stored = (
        Meeting.objects.select_for_update()
        .filter(pk=meeting.pk)
        .values("sequence", *PREVIOUS_FIELDS, *CALENDAR_FIELDS)
        .first()
    )
    if stored is None:
        return
    changed = any(getattr(meeting, name) != stored[name] for name in CALENDAR_FIELDS)
    meeting.sequence = stored["sequence"] + 1 if changed else stored["sequence"]
    if meeting.date is not None:
        previous = (None, None, None)
    elif stored["date"] is not None:  # back to "to be confirmed": remember where it was
        previous = (stored["date"], stored["start_time"], stored["end_time"])
    else:  # still to be confirmed: where it last was in calendars stays as stored
        previous = tuple(stored[name] for name in PREVIOUS_FIELDS)
    for name, value in zip(PREVIOUS_FIELDS, previous, strict=True):
        setattr(meeting, name, value)


def _save_meeting(meeting: Meeting, *, by, expected_revision: int | None = None) -> None:
    """Every write of a meeting's row: its calendar event kept current, then saved under the
    optimistic lock (``save_checked``)."""
    note_calendar_changes(meeting)
    save_checked(meeting, by=by, expected_revision=expected_revision)


def _settle_when(meeting: Meeting) -> None:
    """Once the date is known, the period the meeting was expected in means nothing."""
    if meeting.date is not None:
        meeting.expected_by = None


def _check_meeting(meeting: Meeting, tables: Iterable[ThematicTable] | None) -> None:
    errors = {}
    if meeting.phase_id and meeting.phase.programme_id != meeting.programme_id:
        errors["phase"] = _("La fase è di un altro programma.")
    if meeting.zone_id and meeting.province_id and meeting.zone.province_id != meeting.province_id:
        errors["zone"] = _("La %(zone)s non è nella provincia scelta.") % {"zone": meeting.zone}
    if tables is not None:
        foreign = [t.title for t in tables if t.programme_id != meeting.programme_id]
        if foreign:
            errors["tables"] = _("Tavoli di un altro programma: %(list)s.") % {
                "list": ", ".join(foreign)
            }
    if meeting.date is None and meeting.expected_by is None:
        errors["expected_by"] = _(
            "La data è da confermare: indica entro quale giorno è previsto l'incontro, "
            "l'ultimo giorno del periodo che conosci (per esempio 30 novembre 2017 se è "
            "previsto a ottobre–novembre 2017)."
        )
    if meeting.date is None and (meeting.start_time or meeting.end_time):
        errors["start_time"] = _(
            "Un orario richiede una data: togli l'orario finché la data è da confermare."
        )
    if meeting.end_time and not (meeting.start_time and meeting.end_time > meeting.start_time):
        errors["end_time"] = _("L'ora di fine deve venire dopo l'ora di inizio.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_meeting(
    *, programme: Programme, by, tables: Iterable[ThematicTable] = (), **fields
) -> Meeting:
    """Put a meeting of ``programme`` in the calendar. ``fields``: phase, kind, title, date (or
    none: the date is to be confirmed, with ``date_note`` saying what is known and
    ``expected_by`` the last day of the period it is expected in), start_time, end_time, venue,
    address, municipality, province, zone, audiences, agenda, capacity."""
    require_redazione(by)
    tables = list(tables)
    meeting = Meeting(programme=programme, status=MeetingStatus.SCHEDULED)
    apply_changes(meeting, fields, MEETING_FIELDS)
    _settle_when(meeting)
    _check_meeting(meeting, tables)
    _save_meeting(meeting, by=by)
    if tables:
        meeting._history_user = by
        meeting.tables.set(tables)
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    by,
    expected_revision: int,
    tables: Iterable[ThematicTable] | None = None,
    **changes,
) -> Meeting:
    """Edit a meeting's details (``tables=None`` leaves its tables as they are). The status
    changes only through cancel / mark held / restore."""
    require_redazione(by)
    tables = None if tables is None else list(tables)
    capacity_changes = "capacity" in changes and changes["capacity"] != meeting.capacity
    if capacity_changes:
        _lock(meeting)  # registrations wait until the new capacity is saved
    apply_changes(meeting, changes, MEETING_FIELDS)
    _settle_when(meeting)
    _check_meeting(meeting, tables)
    if capacity_changes:
        _check_capacity(meeting)
    _save_meeting(meeting, by=by, expected_revision=expected_revision)
    if tables is not None:
        meeting._history_user = by
        meeting.tables.set(tables)
    if capacity_changes:
        _promote(meeting)
    return meeting


def _check_capacity(meeting: Meeting) -> None:
    """A capacity below the places already confirmed is refused: nobody loses a confirmed place
    because the number changed (whoever must be turned away is told by the redazione)."""
    if meeting.capacity is None:
        return
    confirmed = _confirmed_count(meeting)
    if meeting.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": _(
                    "Ci sono già %(confirmed)s iscrizioni confermate: i posti non possono essere "
                    "meno di %(confirmed)s. Per ridurli, annulla prima qualche iscrizione."
                )
                % {"confirmed": confirmed}
            },
            code="capacity_below_confirmed",
        )


def _require_status(meeting: Meeting, *statuses: str, action: str) -> None:
    if meeting.status not in statuses:
        raise TransitionError(
            _("Non si può %(action)s: l'incontro è %(status)s.")
            % {"action": action, "status": meeting.get_status_display().lower()},
            code="illegal_transition",
        )


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by, expected_revision: int) -> Meeting:
    """Cancel a scheduled meeting. It stays listed, marked as cancelled, so whoever planned to
    go finds out."""
    require_redazione(by)
    _require_status(meeting, MeetingStatus.SCHEDULED, action=_("annullare l'incontro"))
    meeting.status = MeetingStatus.CANCELLED
    _save_meeting(meeting, by=by, expected_revision=expected_revision)
    return meeting


@transaction.atomic
def mark_meeting_held(
    *, meeting: Meeting, by, expected_revision: int, attendance: int | None = None
) -> Meeting:
    """Record that a scheduled meeting took place (optionally with its attendance). Needs a
    date, and not one still ahead."""
    require_redazione(by)
    _require_status(meeting, MeetingStatus.SCHEDULED, action=_("segnare l'incontro come svolto"))
    if meeting.date is None:
        raise ValidationError(
            _(
                "La data dell'incontro è ancora da confermare: inseriscila nei dati "
                "dell'incontro prima di segnarlo come svolto."
            ),
            code="held_needs_date",
        )
    if meeting.date > timezone.localdate():
        raise ValidationError(
            _("L'incontro è fissato per %(on)s%(date)s: non si può segnare come svolto prima.")
            % {
                "on": article_before_number(meeting.date, "il"),
                "date": date_format(meeting.date, "j E Y"),
            },
            code="held_in_future",
        )
    meeting.status = MeetingStatus.HELD
    if attendance is not None:
        meeting.attendance = attendance
    _save_meeting(meeting, by=by, expected_revision=expected_revision)
    return meeting


@transaction.atomic
def restore_meeting(*, meeting: Meeting, by, expected_revision: int) -> Meeting:
    """Put a cancelled meeting, or one marked as held by mistake, back in the calendar."""
    require_redazione(by)
    _require_status(
        meeting,
        MeetingStatus.CANCELLED,
        MeetingStatus.HELD,
        action=_("riportare l'incontro in programma"),
    )
    meeting.status = MeetingStatus.SCHEDULED
    _save_meeting(meeting, by=by, expected_revision=expected_revision)
    return meeting


@transaction.atomic
def record_attendance(
    *, meeting: Meeting, by, expected_revision: int, attendance: int | None
) -> Meeting:
    require_redazione(by)
    _require_status(meeting, MeetingStatus.HELD, action=_("registrare i partecipanti"))
    if attendance is not None and attendance < 0:
        raise ValidationError(
            {"attendance": _("Il numero di partecipanti non può essere negativo.")}
        )
    meeting.attendance = attendance
    _save_meeting(meeting, by=by, expected_revision=expected_revision)
    return meeting


# Minutes ---------------------------------------------------------------------------------------


def minutes_file_name(meeting: Meeting) -> str:
    """The stored name of a meeting's minutes: ours, not the uploader's."""
    title = slugify(meeting.title)[:60].strip("-") or "incontro"
    return f"verbale-{meeting.pk}-{title}.pdf"


@transaction.atomic
def record_minutes(
    *,
    meeting: Meeting,
    by,
    expected_revision: int,
    minutes: str,
    minutes_file: File | None = None,
    remove_file: bool = False,
) -> Meeting:
    """Write the minutes of a held meeting (Markdown) and/or attach them as a PDF, or remove
    the PDF. Earlier PDFs stay in storage: the history still points at them."""
    require_redazione(by)
    _require_status(meeting, MeetingStatus.HELD, action=_("registrare il verbale"))
    if minutes_file is not None and remove_file:
        raise ValidationError(
            {"remove_file": _("Carica un nuovo PDF oppure togli quello attuale, non tutti e due.")}
        )
    meeting.minutes = minutes.strip()
    stored = None
    if minutes_file is not None:
        check_minutes_pdf(minutes_file)
        # Store under a name of ours; the file goes to storage only once the content is known
        # to be a PDF, and is deleted again if the save is refused.
        meeting.minutes_file.save(minutes_file_name(meeting), minutes_file, save=False)
        stored = meeting.minutes_file.name
    elif remove_file:
        meeting.minutes_file = ""
    try:
        _save_meeting(meeting, by=by, expected_revision=expected_revision)
    except ValidationError:  # a ConflictError too: the row was not written, drop the file
        if stored:
            meeting.minutes_file.storage.delete(stored)
        raise
    return meeting


# Registrations ------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    """Lock the meeting's row until the end of the transaction and return it as it is now.
    Every change of a registration's status takes this lock first."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _confirmed_count(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _check_open(meeting: Meeting) -> None:
    reason = meeting.registration_closed_reason()
    if reason:
        raise ValidationError(reason, code="registrations_closed")


def _promote(meeting: Meeting) -> list[Registration]:
    """Give the free places to the waiting list, first come first served. Runs under the
    meeting's lock; each promoted person gets an e-mail after the commit."""
    if meeting.status != MeetingStatus.SCHEDULED:
        return []
    waiting = meeting.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "created_at", "pk"
    )
    if meeting.capacity is not None:
        free = meeting.capacity - _confirmed_count(meeting)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        after_commit(tasks.registration_promoted, registration.pk)
    return promoted


@transaction.atomic
def register(
    *, meeting: Meeting, user, body_name: str = "", actor_category: str = ""
) -> Registration:
    """Register ``user`` for ``meeting`` with the body they come for and their category:
    confirmed while there are places, on the waiting list when it is full. Someone who
    cancelled registers again on the same row, at the end of the queue. An e-mail tells the
    person which of the two it is."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Per iscriversi serve un account attivo."))
    body_name = (body_name or "").strip()
    errors = {}
    if len(body_name) > Registration._meta.get_field("body_name").max_length:
        errors["body_name"] = _("Il nome dell'ente è troppo lungo (al massimo 200 caratteri).")
    if actor_category and actor_category not in ActorCategory.values:
        errors["actor_category"] = _("Scegli una categoria dall'elenco.")
    if errors:
        raise ValidationError(errors)
    meeting = _lock(meeting)
    _check_open(meeting)
    registration = (
        Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    )
    if registration is not None and registration.is_active:
        raise ValidationError(
            _("La tua iscrizione a questo incontro c'è già.")
            if registration.status == RegistrationStatus.CONFIRMED
            else _("Sei già in lista d'attesa per questo incontro."),
            code="already_registered",
        )
    full = meeting.capacity is not None and _confirmed_count(meeting) >= meeting.capacity
    status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    registration.body_name = body_name
    registration.actor_category = actor_category or ""
    registration.status = status
    registration.attended = None
    registration.created_at = timezone.now()
    registration.save()
    task = tasks.registration_waiting if full else tasks.registration_confirmed
    after_commit(task, registration.pk)
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration, by) -> Registration:
    """Cancel a registration: by the person, or by the redazione. A confirmed place that frees
    up goes to the first person on the waiting list. Not once the meeting has taken place."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Per annullare un'iscrizione serve l'accesso."))
    if by.pk != registration.user_id and not by.is_redazione:
        raise PermissionDenied(_("Si può annullare solo la propria iscrizione."))
    meeting = _lock(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError(_("L'iscrizione è già annullata."), code="already_cancelled")
    if meeting.status == MeetingStatus.HELD or (
        meeting.date is not None and meeting.date < timezone.localdate()
    ):
        raise ValidationError(
            _("L'incontro si è già svolto: l'iscrizione non si può più annullare."),
            code="meeting_past",
        )
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    after_commit(tasks.registration_cancelled, registration.pk)
    if was_confirmed:
        _promote(meeting)
    return registration


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting. Runs a query."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = (
        Registration.objects.filter(
            meeting_id=registration.meeting_id, status=RegistrationStatus.WAITING
        )
        .filter(
            models.Q(created_at__lt=registration.created_at)
            | models.Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


@transaction.atomic
def record_presences(
    *,
    meeting: Meeting,
    by,
    expected_revision: int,
    present: Iterable[int],
    update_attendance: bool = False,
) -> Meeting:
    """After the meeting: who of those registered (confirmed or on the waiting list) came.
    ``present``: the ids of their registrations; everyone else registered is marked absent.
    The meeting's number of participants is set to the count of those present when it is
    still empty, or when ``update_attendance`` asks to replace it (it may include people who
    came without registering, so it is not overwritten silently)."""
    require_redazione(by)
    if meeting.status == MeetingStatus.CANCELLED:
        raise TransitionError(
            _("L'incontro è annullato: non ci sono presenze da registrare."),
            code="illegal_transition",
        )
    if meeting.date is None or meeting.date > timezone.localdate():
        raise ValidationError(
            _("Le presenze si registrano dal giorno dell'incontro."), code="presences_too_early"
        )
    present = set(present)
    registrations = list(
        Registration.objects.select_for_update()
        .filter(meeting=meeting)
        .exclude(status=RegistrationStatus.CANCELLED)
    )
    unknown = present - {r.pk for r in registrations}
    if unknown:
        raise ValidationError(
            _("Alcune persone spuntate non sono iscritte a questo incontro: ricarica la pagina."),
            code="unknown_registration",
        )
    for registration in registrations:
        attended = registration.pk in present
        if registration.attended is not attended:
            registration.attended = attended
            registration.save(update_fields=["attended"])
    if meeting.attendance is None or update_attendance:
        meeting.attendance = len(present)
        _save_meeting(meeting, by=by, expected_revision=expected_revision)
    return meeting


@transaction.atomic
def cancel_future_registrations(*, user) -> int:
    """Cancel ``user``'s registrations to meetings still ahead (e.g. before the account is
    deleted), so that their places go to the waiting lists. Returns how many."""
    registrations = Registration.objects.filter(
        user=user,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
        meeting__in=Meeting.objects.upcoming(),
    ).select_related("meeting")
    count = 0
    for registration in registrations:
        cancel_registration(registration=registration, by=user)
        count += 1
    return count
