"""iCalendar (RFC 5545) export of meetings, for one meeting or a programme's feed.

The ``icalendar`` package writes the text (CRLF line ends, folding at 75 octets, escaping of
``,`` ``;`` ``\\`` and newlines); this module decides what goes in it:

- a meeting goes in a calendar once it has a date; a meeting whose date went back to "to be
  confirmed" stays there, at the date and time it last had, as ``STATUS:TENTATIVE`` with a
  summary and a description that say so, instead of vanishing from the calendars that hold it;
  a meeting that never had a date is never exported (there is nothing to put in a calendar);
- with a start time the event is timed in Europe/Rome (with its VTIMEZONE); without one it is an
  all-day event (``DTSTART;VALUE=DATE`` and the next day as ``DTEND``); an end is written only
  when the sources give one;
- the UID is the meeting's stable ``uid``, so re-importing or refreshing updates the event
  instead of duplicating it; ``SEQUENCE`` is the meeting's ``sequence``, which the services
  raise on every change of time, place or status, so calendars take the new version; a
  cancelled meeting keeps its UID and says ``STATUS:CANCELLED``;
- a name, a title or a place is one line of text: a line break typed into one of them becomes a
  space (the calendar's name is an ``X-`` property that ``icalendar`` does not escape, and a
  title on two lines is not one calendars show).
"""

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from incontri.models import Meeting, MeetingStatus
from patto.core.markdown import markdown_to_text

TZID = "Europe/Rome"
ROME = ZoneInfo(TZID)
PRODID = "-//Regione Piemonte//Patto - politiche sociali partecipate//IT"
UID_DOMAIN = "patto"
REFRESH = datetime.timedelta(hours=12)

UrlFor = Callable[[Meeting], str]


def in_calendars(meeting: Meeting) -> bool:
    """Whether the meeting has an event: a date, or a last published one (see the module)."""
    return meeting.date is not None or meeting.previous_date is not None


def meeting_calendar(meeting: Meeting, *, url_for: UrlFor, now=None) -> bytes:
    """A calendar holding one meeting, which must be ``in_calendars``."""
    if not in_calendars(meeting):
        raise ValueError("A meeting that never had a date has no calendar event.")
    calendar = _calendar(name=meeting.title)
    _add_events(calendar, [meeting], url_for=url_for, now=now)
    return calendar.to_ical()


def programme_calendar(programme, meetings: Iterable[Meeting], *, url_for: UrlFor, now=None):
    """The feed of a programme's meetings; those that never had a date are left out."""
    calendar = _calendar(
        name=_("Incontri – %(programme)s") % {"programme": programme.title},
        description=programme.title,
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")  # Outlook's name for REFRESH-INTERVAL
    _add_events(calendar, [m for m in meetings if in_calendars(m)], url_for=url_for, now=now)
    return calendar.to_ical()


def uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{UID_DOMAIN}"


def one_line(text: str) -> str:
    """``text`` on one line: every run of white space, line breaks included, as one space."""
    return " ".join(str(text).split())


def event_when(meeting: Meeting):
    """Where the meeting's event stands: ``(date, start_time, end_time)``, its own or, while
    its date is to be confirmed again, the last one published."""
    if meeting.date is not None:
        return meeting.date, meeting.start_time, meeting.end_time
    return meeting.previous_date, meeting.previous_start_time, meeting.previous_end_time


def is_tentative(meeting: Meeting) -> bool:
    """In calendars at its last published date, its date being to be confirmed again."""
    return (
        meeting.date is None
        and meeting.previous_date is not None
        and meeting.status != MeetingStatus.CANCELLED
    )


def _calendar(*, name: str, description: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", TZID)
    if description:
        calendar.add("x-wr-caldesc", one_line(description))
    return calendar


def _add_events(calendar, meetings: list[Meeting], *, url_for: UrlFor, now=None) -> None:
    stamp = (now or timezone.now()).astimezone(datetime.UTC)
    if any(event_when(m)[1] for m in meetings):
        calendar.add_component(rome_vtimezone())
    for meeting in meetings:
        calendar.add_component(_event(meeting, url=url_for(meeting), stamp=stamp))


def _event(meeting: Meeting, *, url: str, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    date, start_time, end_time = event_when(meeting)
    if start_time:
        event.add("dtstart", datetime.datetime.combine(date, start_time, ROME))
        if end_time:
            event.add("dtend", datetime.datetime.combine(date, end_time, ROME))
    else:
        event.add("dtstart", date)
        event.add("dtend", date + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    title = one_line(meeting.title)
    # not every calendar shows STATUS: say it in the summary too, where everyone reads it
    if meeting.status == MeetingStatus.CANCELLED:
        summary, status = _("Annullato: %(title)s") % {"title": title}, "CANCELLED"
    elif is_tentative(meeting):
        summary, status = _("Data da confermare: %(title)s") % {"title": title}, "TENTATIVE"
    else:
        summary, status = title, "CONFIRMED"
    event.add("summary", summary)
    event.add("status", status)
    location = location_text(meeting)
    if location:
        event.add("location", location)
    event.add("description", description_text(meeting, url))
    event.add("url", url)
    event.add("categories", [meeting.get_kind_display()])
    event.add("class", "PUBLIC")
    if meeting.created_at:
        event.add("created", meeting.created_at.astimezone(datetime.UTC))
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    return event


def location_text(meeting: Meeting) -> str:
    """Venue, address and comune on one line, without repeating the comune when the venue
    names it."""
    parts = [one_line(p) for p in (meeting.venue, meeting.address) if p.strip()]
    town = meeting.municipality.name if meeting.municipality_id else ""
    if town and not any(town.casefold() in p.casefold() for p in parts):
        parts.append(town)
    return ", ".join(parts)


def description_text(meeting: Meeting, url: str) -> str:
    lines = []
    if meeting.status == MeetingStatus.CANCELLED:
        lines += [_("Incontro annullato."), ""]
    elif is_tentative(meeting):
        lines += [
            _(
                "La data di questo incontro è di nuovo da confermare: nel calendario resta "
                "alla data che aveva prima, come provvisoria. La nuova data sarà sulla pagina "
                "dell'incontro."
            ),
            "",
        ]
    agenda = markdown_to_text(meeting.agenda)
    if agenda:
        lines += [_("Ordine del giorno:"), agenda, ""]
    audiences = meeting.get_audiences_display()
    if audiences:
        lines += [_("Rivolto a: %(list)s") % {"list": ", ".join(str(a) for a in audiences)}]
    lines += [
        _("Programma: %(title)s") % {"title": one_line(meeting.programme.title)},
        _("Dettagli: %(url)s") % {"url": url},
    ]
    return "\n".join(lines)


def rome_vtimezone() -> icalendar.Timezone:
    """Europe/Rome with the EU summer-time rule (in force since 1996), as calendar programs
    write it themselves: two yearly rules instead of a list of dates."""
    tz = icalendar.Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    for component, name, start, month, offset_from, offset_to in (
        (icalendar.TimezoneDaylight, "CEST", datetime.datetime(1970, 3, 29, 2), 3, 1, 2),
        (icalendar.TimezoneStandard, "CET", datetime.datetime(1970, 10, 25, 3), 10, 2, 1),
    ):
        rule = component()
        rule.add("tzname", name)
        rule.add("tzoffsetfrom", datetime.timedelta(hours=offset_from))
        rule.add("tzoffsetto", datetime.timedelta(hours=offset_to))
        rule.add("dtstart", start)
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        tz.add_component(rule)
    return tz
