"""Links that open a meeting, already filled in, in Google Calendar or in Outlook on the web: for
people who use one of them and would not know what to do with an .ics file.

Neither service documents these addresses as an API; they are the ones their own "add to
calendar" buttons open, and what the links carry is what the .ics carries (``incontri.ical``):

- Google Calendar, ``calendar.google.com/calendar/render?action=TEMPLATE``: ``text`` (the
  title), ``dates`` (``START/END``: in UTC, ``YYYYMMDDTHHMMSSZ``, for a timed event; the day and
  the next one, ``YYYYMMDD``, for an all-day event), ``ctz`` (Europe/Rome, the zone the event is
  shown in), ``details``, ``location``;
- Outlook on the web, ``outlook.live.com/calendar/0/deeplink/compose``: ``subject``, ``startdt``
  and ``enddt`` (ISO 8601 in UTC, or dates with ``allday=true``), ``body``, ``location``.

Both need an end: where the sources give none, the event ends when it starts (nothing is
invented). The links are offered only for a meeting still ahead with a date, not cancelled
(:func:`offered`).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from incontri.ical import ROME, TZID, description_text, location_text, one_line
from incontri.models import Meeting, MeetingStatus

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
# Beyond this the description is cut to the programme and the meeting's address: a link of
# many kilobytes is refused by some browsers and servers.
MAX_DETAILS = 1500


@dataclass(frozen=True)
class CalendarLink:
    service: str  # the service's own name, not translated
    url: str


def offered(meeting: Meeting) -> bool:
    """Only for a meeting people can still go to: scheduled, with a date, not past."""
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and meeting.date is not None
        and not meeting.has_passed()
    )


def links(meeting: Meeting, *, url: str) -> list[CalendarLink]:
    """The Google Calendar and Outlook links of ``meeting`` (``url``: the absolute address of
    its page), or none when they are not :func:`offered`."""
    if not offered(meeting):
        return []
    return [
        CalendarLink("Google Calendar", google_url(meeting, url=url)),
        CalendarLink("Outlook", outlook_url(meeting, url=url)),
    ]


def google_url(meeting: Meeting, *, url: str) -> str:
    start, end = _span(meeting)
    if isinstance(start, datetime.datetime):
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    query = {
        "action": "TEMPLATE",
        "text": one_line(meeting.title),
        "dates": dates,
        "ctz": TZID,
        "details": _details(meeting, url),
        "location": location_text(meeting),
    }
    return f"{GOOGLE}?{urlencode(_filled(query))}"


def outlook_url(meeting: Meeting, *, url: str) -> str:
    start, end = _span(meeting)
    timed = isinstance(start, datetime.datetime)
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": one_line(meeting.title),
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}" if timed else start.isoformat(),
        "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}" if timed else end.isoformat(),
        "allday": "false" if timed else "true",
        "body": _details(meeting, url),
        "location": location_text(meeting),
    }
    return f"{OUTLOOK}?{urlencode(_filled(query))}"


def _span(meeting: Meeting):
    """Start and end: UTC date-times for a timed meeting (the end is the start when the sources
    give none), or the day and the next one for an all-day meeting."""
    if meeting.start_time is None:
        return meeting.date, meeting.date + datetime.timedelta(days=1)
    start = datetime.datetime.combine(meeting.date, meeting.start_time, ROME)
    end = datetime.datetime.combine(meeting.date, meeting.end_time or meeting.start_time, ROME)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def _details(meeting: Meeting, url: str) -> str:
    """The .ics description (agenda, audiences, programme, the meeting's page), or only its
    last lines when the agenda would make the link too long."""
    text = description_text(meeting, url)
    if len(text) <= MAX_DETAILS:
        return text
    return "\n".join(text.splitlines()[-2:])  # the programme, the meeting's page


def _filled(query: dict) -> dict:
    return {name: value for name, value in query.items() if value}
