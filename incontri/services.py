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

Minutes may be written (Markdown) or uploaded as a PDF. An upload is checked by its content,
not its name (``check_minutes_pdf``): it must start like a PDF, parse as one (with qpdf, through
pikepdf) and stay within ``settings.MINUTES_MAX_UPLOAD_MB``; it may hold no active content
(JavaScript, actions run by themselves or that start programs or send data, attached files,
XFA forms, rich media); and its streams, decoded, may not add up to more than
``settings.MINUTES_MAX_INFLATED_MB`` (a decompression bomb). The check itself runs in bounded
memory and time: streams are inflated a piece at a time and counted, never held whole; what
qpdf decodes by itself while opening the file is held to the same bound by qpdf's own limits;
and what neither can bound (LZW, a /Filter given by reference) is refused unread. Anything
refused is refused before a byte is stored.

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

import base64
import binascii
import io
import re
import zlib
from collections.abc import Iterable, Iterator

import pikepdf
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from incontri import tasks
from incontri.models import Meeting, MeetingStatus, Registration, RegistrationStatus
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
PDF_MAGIC = b"%PDF-"
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
            _("L'incontro è fissato per il %(date)s: non si può segnare come svolto prima.")
            % {"date": date_format(meeting.date, "j E Y")},
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


# Minutes in PDF ------------------------------------------------------------------------------

MB = 1024 * 1024
DEFAULT_MAX_INFLATED_MB = 200
INFLATE_CHUNK = MB  # the most any decoding step holds at once
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
PDF_DELIMITER = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"
# Entries that make a viewer run a script, act by itself, or carry a file or a program:
# JavaScript (an action's /JS, the document's /JavaScript name tree), actions run on events
# (/AA), attached files (/EmbeddedFiles, a file specification's /EF), XFA forms, rich media.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Actions (the /S of an action dictionary) that run code, start a program, send or read data,
# or open an attached file, wherever they are (a link, a bookmark, a form field, /Next).
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
)
ACTIVE_SUBTYPES = frozenset({"/RichMedia", "/3D", "/FileAttachment"})
# A link may open a web page, write an e-mail or call a number; not run a script or a file.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URI_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# The abbreviations are those of inline images, which qpdf also accepts on streams.
FILTER_NAMES = {
    "/Fl": "/FlateDecode",
    "/AHx": "/ASCIIHexDecode",
    "/A85": "/ASCII85Decode",
    "/LZW": "/LZWDecode",
    "/RL": "/RunLengthDecode",
    "/CCF": "/CCITTFaxDecode",
    "/DCT": "/DCTDecode",
}
# Images are left as they are: what they decode to is pixels for the screen, not more PDF.
IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"})
GENERIC_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/ASCIIHexDecode",
        "/ASCII85Decode",
        "/LZWDecode",
        "/RunLengthDecode",
        "/Crypt",
    }
)
RUN_LENGTH_MAX_RATIO = 64  # 2 bytes of RunLength give at most 128


def _name_pattern(name: str) -> bytes:
    """A regular expression for the PDF name ``/name`` however it is spelled: any of its
    characters may be written as ``#`` and two hex digits."""
    parts = []
    for char in name:
        code = f"{ord(char):02X}"
        hex_digits = "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in code)
        parts.append(f"(?:{re.escape(char)}|#{hex_digits})")
    return ("/" + "".join(parts)).encode() + PDF_DELIMITER


_SPACE = rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*+[\r\n])*+"  # white space and comments
_NAME = rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]{0,127}+"
_REFERENCE = rb"[0-9]{1,10}+" + _SPACE + rb"[0-9]{1,5}+" + _SPACE + rb"R" + PDF_DELIMITER
# What qpdf would decode with no bound before any check of ours can run: a stream in LZW
# (obsolete since PDF 1.2, and with no memory limit in qpdf) and a /Filter given by reference
# (which may point into a compressed object stream, out of sight of a search of the bytes).
UNCHECKABLE_COMPRESSION = re.compile(
    b"|".join(
        [
            _name_pattern("LZWDecode"),
            _name_pattern("LZW"),
            # a reference as the /Filter, or in its array after at most 24 names (qpdf decodes
            # no stream of more than 25 filters)
            _name_pattern("Filter")
            + _SPACE
            + rb"(?:\["
            + _SPACE
            + rb"(?:"
            + _NAME
            + _SPACE
            + rb"){0,24})?"
            + _REFERENCE,
        ]
    )
)


class _TooLarge(Exception):
    """The streams decode to more than the limit."""


class _Unchecked(Exception):
    """A stream is compressed in a way whose size cannot be known without the risk of
    decoding it."""


class _Tally:
    """The bytes decoded from the whole file, up to ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.total = 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise _TooLarge

    def count(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.add(len(chunk))
            yield chunk


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Flate, inflated a bounded piece at a time, up to the end of the data or to where it is
    damaged (where a viewer stops too)."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = chunk
            while True:
                out = inflater.decompress(data, INFLATE_CHUNK)
                if out:
                    yield out
                if inflater.eof:
                    return
                data = inflater.unconsumed_tail
                if not data and len(out) < INFLATE_CHUNK:  # all taken in, nothing pending
                    break
    except zlib.error:
        return


def _ascii_hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        data = pending + chunk.translate(None, PDF_WHITESPACE)
        end = data.find(b">")
        if end >= 0:
            data = data[:end] + (b"0" if end % 2 else b"")  # an odd last digit: followed by 0
        whole = len(data) - len(data) % 2
        try:
            yield binascii.unhexlify(data[:whole])
        except binascii.Error:
            return
        pending = data[whole:]
        if end >= 0:
            return


def _ascii85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    first = True
    for chunk in chunks:
        data = pending + chunk.translate(None, PDF_WHITESPACE)
        if first:
            if len(data) < 2:
                pending = data
                continue
            if data.startswith(b"<~"):
                data = data[2:]
            first = False
        end = data.find(b"~>")
        held = b""
        if end >= 0:
            data = data[:end]
        elif data.endswith(b"~"):  # perhaps the end marker, cut by the chunk
            data, held = data[:-1], b"~"
        data = data.replace(b"z", b"!!!!!")  # "z" stands for four zero bytes
        whole = len(data) - len(data) % 5
        try:
            yield base64.a85decode(data[:whole])
            if end >= 0 and len(data) > whole:  # a last, partial group
                short = len(data) - whole
                yield base64.a85decode(data[whole:] + b"u" * (5 - short))[: short - 1]
        except ValueError:
            return
        if end >= 0:
            return
        pending = data[whole:] + held


STREAMED_FILTERS = {
    "/FlateDecode": _inflate,
    "/ASCIIHexDecode": _ascii_hex,
    "/ASCII85Decode": _ascii85,
}


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    names = value if isinstance(value, pikepdf.Array) else [value]
    return [
        FILTER_NAMES.get(str(name), str(name)) if isinstance(name, pikepdf.Name) else ""
        for name in names
    ]


def _decode_for_size(stream: pikepdf.Stream, tally: _Tally) -> None:
    """Add to ``tally`` what ``stream`` decodes to, decoding it from its raw bytes a bounded
    piece at a time (never with qpdf's ``read_bytes``, which holds it all in memory). Every
    step's output is counted, so a stream of filters that expand one another is too."""
    filters = _filters(stream)
    chunks: Iterator[bytes] = iter([stream.read_raw_bytes()])
    for position, name in enumerate(filters):
        if name in STREAMED_FILTERS:
            chunks = tally.count(STREAMED_FILTERS[name](chunks))
        elif name == "/Crypt" and position == 0:  # qpdf has decrypted the raw bytes already
            continue
        elif name == "/RunLengthDecode" and set(filters[position + 1 :]) <= IMAGE_FILTERS:
            # bounded by its worst case rather than decoded
            tally.add(sum(len(chunk) for chunk in chunks) * RUN_LENGTH_MAX_RATIO)
            return
        elif name not in GENERIC_FILTERS:
            break  # an image, or a filter that nothing decodes
        else:
            raise _Unchecked
    for _chunk in chunks:
        pass


def _is_active(obj: pikepdf.Dictionary | pikepdf.Stream) -> bool:
    keys = obj.keys()
    if keys & ACTIVE_KEYS:
        return True
    if str(obj.get("/S", "")) in ACTIVE_ACTIONS or str(obj.get("/Subtype", "")) in (
        ACTIVE_SUBTYPES
    ):
        return True
    if obj.get("/Type") == "/EmbeddedFile":
        return True
    if "/OpenAction" in keys:
        # opening at a page is what an /OpenAction is for; anything else acts by itself
        action = obj["/OpenAction"]
        if isinstance(action, pikepdf.Dictionary) and (
            action.get("/S") != "/GoTo" or "/Next" in action
        ):
            return True
    if obj.get("/S") == "/URI":
        uri = re.sub(r"[\x00-\x20\x7f]", "", str(obj.get("/URI", "")))
        scheme = URI_SCHEME.match(uri)
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            return True
    return False


def _direct_containers(values: Iterable) -> list:
    """The arrays and dictionaries written inside an object; those it refers to are objects of
    their own, each looked at once."""
    return [
        value
        for value in values
        if isinstance(value, pikepdf.Array | pikepdf.Dictionary) and not value.is_indirect
    ]


def _holds_active(obj) -> bool:
    """Whether ``obj`` or anything written inside it is active (no recursion)."""
    pending = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Array):
            pending.extend(_direct_containers(item))
            continue
        if _is_active(item):
            return True
        pending.extend(_direct_containers(item.values()))
    return False


# The names without which no object is active, as qpdf writes an object out (each name in one
# spelling): a quick search of that text spares walking the objects that cannot be.
_SUSPECT_NAMES = ACTIVE_KEYS | ACTIVE_ACTIONS | ACTIVE_SUBTYPES | {"/EmbeddedFile", "/OpenAction"}
SUSPECT = re.compile(
    b"/(?:"
    + b"|".join(re.escape(name[1:].encode()) for name in sorted(_SUSPECT_NAMES | {"/URI"}))
    + b")"
    + PDF_DELIMITER
)


def _inspect(pdf: pikepdf.Pdf, *, max_inflated: int) -> str | None:
    """``"active"`` if ``pdf`` has active content, ``"too_large"`` if its streams decode to
    more than ``max_inflated`` bytes in all, else None. Every object of the file as qpdf lists
    them (reachable or not), each once, with everything written inside it."""
    tally = _Tally(max_inflated)
    try:
        for obj in [pdf.trailer, *pdf.objects]:
            if isinstance(obj, pikepdf.Stream):
                text = obj.stream_dict.unparse()
            elif isinstance(obj, pikepdf.Array | pikepdf.Dictionary):
                text = obj.unparse(resolved=True)
            else:
                continue
            if SUSPECT.search(text) and _holds_active(obj):
                return "active"
            if isinstance(obj, pikepdf.Stream):
                _decode_for_size(obj, tally)
    except _TooLarge:
        return "too_large"
    return None


def _bound_qpdf_decoding(max_inflated: int) -> None:
    """qpdf decodes the object and cross-reference streams itself, while it opens the file:
    none of its decoders may hold more than ``max_inflated`` bytes. The limits are qpdf's, for
    the whole process (nothing else here uses qpdf)."""
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=max_inflated,
        run_length_max_memory=max_inflated,
        png_max_memory=max_inflated,
        tiff_max_memory=max_inflated,
    )


PDF_ERRORS = (
    pikepdf.PikepdfError,
    RuntimeError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    OverflowError,
    OSError,
)


def check_minutes_pdf(upload: File) -> None:
    """Refuse an upload that is not a PDF by its content (whatever its name or declared type),
    is larger than ``settings.MINUTES_MAX_UPLOAD_MB``, holds active content (scripts, actions
    run by themselves, attached files or programs, XFA forms, rich media) or decodes to more
    than ``settings.MINUTES_MAX_INFLATED_MB`` (a decompression bomb). Reads the file, in
    bounded memory and time; stores nothing."""
    limit_mb = settings.MINUTES_MAX_UPLOAD_MB
    too_large = ValidationError(
        {
            "minutes_file": _(
                "Il file è troppo grande (%(size).1f MB): il verbale in PDF può essere al "
                "massimo di %(limit)s MB."
            )
            % {"size": (upload.size or 0) / MB, "limit": limit_mb}
        },
        code="too_large",
    )
    if upload.size is not None and upload.size > limit_mb * MB:
        raise too_large
    not_pdf = ValidationError(
        {
            "minutes_file": _(
                "Il file non è un PDF valido: carica il verbale in formato PDF (il nome del "
                "file non basta, conta il contenuto)."
            )
        },
        code="not_pdf",
    )
    upload.seek(0)
    content = upload.read(limit_mb * MB + 1)
    upload.seek(0)
    if len(content) > limit_mb * MB:
        raise too_large
    if not content.startswith(PDF_MAGIC):
        raise not_pdf
    if UNCHECKABLE_COMPRESSION.search(content):
        raise _unchecked_compression()
    max_inflated_mb = getattr(settings, "MINUTES_MAX_INFLATED_MB", DEFAULT_MAX_INFLATED_MB)
    _bound_qpdf_decoding(max_inflated_mb * MB)
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if len(pdf.pages) < 1:
                raise not_pdf
            finding = _inspect(pdf, max_inflated=max_inflated_mb * MB)
    except _Unchecked as exc:
        raise _unchecked_compression() from exc
    except PDF_ERRORS as exc:
        raise not_pdf from exc
    if finding == "active":
        raise ValidationError(
            {
                "minutes_file": _(
                    "Il PDF contiene contenuti attivi (script o azioni automatiche) che il "
                    "portale non accetta: salvalo di nuovo come PDF semplice (per esempio con "
                    "«Stampa > Salva come PDF») e caricalo ancora."
                )
            },
            code="active_content",
        )
    if finding == "too_large":
        raise ValidationError(
            {
                "minutes_file": _(
                    "Il PDF contiene dati compressi troppo grandi: una volta aperti "
                    "supererebbero %(limit)s MB. Salvalo di nuovo come PDF semplice (per "
                    "esempio con «Stampa > Salva come PDF») e caricalo ancora."
                )
                % {"limit": max_inflated_mb}
            },
            code="too_large_inflated",
        )


def _unchecked_compression() -> ValidationError:
    return ValidationError(
        {
            "minutes_file": _(
                "Il PDF usa un tipo di compressione vecchio o insolito che il portale non può "
                "controllare: salvalo di nuovo come PDF semplice (per esempio con «Stampa > "
                "Salva come PDF») e caricalo ancora."
            )
        },
        code="unchecked_compression",
    )


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
            _("Sei già iscritto/a a questo incontro.")
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
