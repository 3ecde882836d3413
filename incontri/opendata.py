"""Open data of the meetings: one row per meeting, as CSV (UTF-8, header row) or JSON.

Values are codes rather than labels (``kind`` is ``provincial``, ``status`` is ``held``,
``audiences`` are ``patto.models.ActorCategory`` values), so the files read the same whatever
the language of the page they were downloaded from. A meeting whose date is to be confirmed has
an empty ``date`` and says what is known in ``date_note``.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from incontri.models import Meeting

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.it"

FIELDS = [
    "id",
    "uid",
    "programme",
    "kind",
    "title",
    "date",
    "date_note",
    "start_time",
    "end_time",
    "venue",
    "address",
    "municipality_istat",
    "municipality",
    "province_istat",
    "province",
    "zone",
    "status",
    "audiences",
    "tables",
    "attendance",
    "source",
    "url",
]
LIST_SEPARATOR = "|"  # between the values of a list in one CSV cell


def meeting_record(meeting: Meeting, url: str) -> dict:
    """One meeting as open data (``tables`` must be prefetched)."""
    municipality, province, zone = meeting.municipality, meeting.province, meeting.zone
    return {
        "id": meeting.pk,
        "uid": str(meeting.uid),
        "programme": meeting.programme.slug,
        "kind": meeting.kind,
        "title": meeting.title,
        "date": meeting.date.isoformat() if meeting.date else None,
        "date_note": meeting.date_note,
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "venue": meeting.venue,
        "address": meeting.address,
        "municipality_istat": municipality.istat_code if municipality else None,
        "municipality": municipality.name if municipality else None,
        "province_istat": province.istat_code if province else None,
        "province": province.abbreviation if province else None,
        "zone": zone.number if zone else None,
        "status": meeting.status,
        "audiences": list(meeting.audiences),
        "tables": [table.slug for table in meeting.tables.all()],
        "attendance": meeting.attendance,
        "source": meeting.source,
        "url": url,
    }


def records(meetings: Iterable[Meeting], url_for: Callable[[Meeting], str]) -> list[dict]:
    return [meeting_record(meeting, url_for(meeting)) for meeting in meetings]


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: LIST_SEPARATOR.join(value)
                if isinstance(value, list)
                else ("" if value is None else value)
                for key, value in row.items()
            }
        )
    return out.getvalue()


def to_json(rows: list[dict], *, programme=None, now=None) -> str:
    document = {
        "meetings": rows,
        "count": len(rows),
        "programme": programme.slug if programme else None,
        "generated_at": (now or timezone.now()).isoformat(timespec="seconds"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
