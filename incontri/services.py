"""Writes of meetings: schedule, edit, cancel, mark as held, minutes and attendance. The staff
pages, the admin and the tests all go through these functions.

    scheduled ──mark held (needs a date, not in the future)──▶ held
        │                                                        │
        └──cancel──▶ cancelled ──restore──▶ scheduled ◀──restore─┘

Minutes may be written (Markdown) or uploaded as a PDF. An upload is checked by its content,
not its name: it must start like a PDF, parse as one and stay within
``settings.MINUTES_MAX_UPLOAD_MB``; anything else is refused before a byte is stored.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from incontri.models import Meeting, MeetingStatus
from patto.exceptions import TransitionError
from patto.models import Programme
from tavoli.models import ThematicTable
from tavoli.services import apply_changes, require_redazione, save_checked

MEETING_FIELDS = frozenset(
    {
        "phase",
        "kind",
        "title",
        "date",
        "date_note",
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
PDF_MAGIC = b"%PDF-"


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
    if meeting.date is None and (meeting.start_time or meeting.end_time):
        errors["start_time"] = _(
            "Un orario richiede una data: togliete l'orario finché la data è da confermare."
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
    none, with ``date_note``: the date is to be confirmed), start_time, end_time, venue,
    address, municipality, province, zone, audiences, agenda, capacity."""
    require_redazione(by)
    tables = list(tables)
    meeting = Meeting(programme=programme, status=MeetingStatus.SCHEDULED)
    apply_changes(meeting, fields, MEETING_FIELDS)
    _check_meeting(meeting, tables)
    save_checked(meeting, by=by)
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
    apply_changes(meeting, changes, MEETING_FIELDS)
    _check_meeting(meeting, tables)
    save_checked(meeting, by=by, expected_revision=expected_revision)
    if tables is not None:
        meeting._history_user = by
        meeting.tables.set(tables)
    return meeting


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
    save_checked(meeting, by=by, expected_revision=expected_revision)
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
                "La data dell'incontro è ancora da confermare: inseritela nei dati "
                "dell'incontro prima di segnarlo come svolto."
            ),
            code="held_needs_date",
        )
    if meeting.date > timezone.localdate():
        raise ValidationError(
            _("L'incontro è fissato per il %(date)s: non si può segnare come svolto prima.")
            % {"date": meeting.date.strftime("%d/%m/%Y")},
            code="held_in_future",
        )
    meeting.status = MeetingStatus.HELD
    if attendance is not None:
        meeting.attendance = attendance
    save_checked(meeting, by=by, expected_revision=expected_revision)
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
    save_checked(meeting, by=by, expected_revision=expected_revision)
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
    save_checked(meeting, by=by, expected_revision=expected_revision)
    return meeting


def check_minutes_pdf(upload: File) -> None:
    """Refuse an upload that is not a PDF by its content (whatever its name or declared type)
    or is larger than ``settings.MINUTES_MAX_UPLOAD_MB``. Reads the file; stores nothing."""
    limit_mb = settings.MINUTES_MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {
                "minutes_file": _(
                    "Il file è troppo grande (%(size).1f MB): il verbale in PDF può essere al "
                    "massimo di %(limit)s MB."
                )
                % {"size": upload.size / (1024 * 1024), "limit": limit_mb}
            },
            code="too_large",
        )
    not_pdf = ValidationError(
        {
            "minutes_file": _(
                "Il file non è un PDF valido: caricate il verbale in formato PDF (il nome del "
                "file non basta, conta il contenuto)."
            )
        },
        code="not_pdf",
    )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise not_pdf
    upload.seek(0)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = len(PdfReader(upload, strict=False).pages)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise not_pdf from exc
    finally:
        upload.seek(0)
    if pages < 1:
        raise not_pdf


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
            {
                "remove_file": _(
                    "Caricate un nuovo PDF oppure togliete quello attuale, non tutti e due."
                )
            }
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
        save_checked(meeting, by=by, expected_revision=expected_revision)
    except ValidationError:  # a ConflictError too: the row was not written, drop the file
        if stored:
            meeting.minutes_file.storage.delete(stored)
        raise
    return meeting
