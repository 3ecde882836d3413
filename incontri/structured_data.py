"""A meeting as a schema.org ``Event``, for the JSON-LD data block of its page (search engines
and other programs read it; browsers do not run it). Only what the portal knows is said:

- ``startDate``/``endDate`` in Europe/Rome with their offset when the meeting has a start time;
  the day alone (``startDate`` and ``endDate`` the same date) when it has none; no ``endDate``
  when only the start is known. A meeting whose date is to be confirmed, or was never published
  (the 2017 provincial meetings), has no date at all: schema.org does not require one, and a
  made-up date would put the meeting on a day it was not held.
- ``eventStatus``: cancelled → ``EventCancelled``; a date taken back to "to be confirmed" →
  ``EventPostponed``; a date never published → none (nobody knows what became of it); otherwise
  ``EventScheduled`` (schema.org has no "held": a meeting held was held as scheduled).
- ``location``: a ``Place`` with its ``PostalAddress`` when a venue, an address or a comune is
  recorded, and then ``eventAttendanceMode`` offline; neither when no place is recorded. A
  meeting has no online address in the portal, so there is never a ``VirtualLocation``.
- ``offers``: while the meeting takes registrations, registering on its page (free: the portal
  asks no payment), in stock or sold out; with ``maximumAttendeeCapacity`` and
  ``remainingAttendeeCapacity`` when the places are limited.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils.text import Truncator

from incontri.models import Meeting, MeetingStatus
from incontri.queries import RegistrationBox
from patto.core.markdown import markdown_to_text

ROME = ZoneInfo("Europe/Rome")
SCHEMA = "https://schema.org/"
DESCRIPTION_CHARS = 500


def _moment(day: datetime.date, time: datetime.time) -> str:
    return datetime.datetime.combine(day, time, tzinfo=ROME).isoformat()


def _dates(meeting: Meeting) -> dict:
    if meeting.date is None:
        return {}
    if meeting.start_time is None:
        return {"startDate": meeting.date.isoformat(), "endDate": meeting.date.isoformat()}
    dates = {"startDate": _moment(meeting.date, meeting.start_time)}
    if meeting.end_time is not None:
        dates["endDate"] = _moment(meeting.date, meeting.end_time)
    return dates


def _status(meeting: Meeting) -> dict:
    if meeting.status == MeetingStatus.CANCELLED:
        status = "EventCancelled"
    elif meeting.date is None and meeting.previous_date is not None:
        status = "EventPostponed"
    elif meeting.date_never_published:
        return {}
    else:
        status = "EventScheduled"
    return {"eventStatus": SCHEMA + status}


def _location(meeting: Meeting) -> dict:
    municipality = meeting.municipality
    if not (meeting.venue or meeting.address or municipality):
        return {}
    address = {"@type": "PostalAddress", "addressCountry": "IT"}
    if meeting.address:
        address["streetAddress"] = meeting.address
    if municipality is not None:
        address["addressLocality"] = municipality.name
        address["addressRegion"] = municipality.province.name
    elif meeting.province is not None:
        address["addressRegion"] = meeting.province.name
    place = {"@type": "Place", "address": address}
    place["name"] = meeting.venue or (municipality.name if municipality else meeting.address)
    return {
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": place,
    }


def _registration(url: str, box: RegistrationBox | None, capacity: int | None) -> dict:
    data = {}
    if capacity is not None:
        data["maximumAttendeeCapacity"] = capacity
    if box is None or not box.is_open:
        return data
    if box.places_left is not None:
        data["remainingAttendeeCapacity"] = box.places_left
    data["offers"] = {
        "@type": "Offer",
        "url": url + "#iscrizione",
        "price": 0,
        "priceCurrency": "EUR",
        "availability": SCHEMA + ("SoldOut" if box.is_full else "InStock"),
    }
    return data


def meeting_event(meeting: Meeting, *, url: str, registration: RegistrationBox | None) -> dict:
    """The ``Event`` of ``meeting`` (read with its programme, comune and province), whose page
    is at the absolute ``url``; ``registration`` is what its page says about registering."""
    agenda = markdown_to_text(meeting.agenda) if meeting.agenda else ""
    description = agenda or f"{meeting.get_kind_display()} · {meeting.programme.title}"
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "url": url,
        "description": Truncator(description).chars(DESCRIPTION_CHARS),
        **_dates(meeting),
        **_status(meeting),
        **_location(meeting),
        "organizer": {"@type": "Organization", "name": meeting.programme.promoter},
        **_registration(url, registration, meeting.capacity),
    }
    audiences = meeting.get_audiences_display()
    if audiences:
        event["audience"] = [
            {"@type": "Audience", "audienceType": str(audience)} for audience in audiences
        ]
    return event
