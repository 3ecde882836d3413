"""A meeting's event in people's calendars follows its changes, read back with ``icalendar`` as a
calendar program reads it: SEQUENCE grows on every change of time, place or status (RFC 5545
§3.8.7.4), made by the services (and the admin) in one place; a meeting whose date goes back to
"to be confirmed" stays in the feed as TENTATIVE at its last published time; a cancelled one as
CANCELLED; a line break in a title, a place or a programme's name never breaks the file."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from incontri import services
from incontri.admin import MeetingAdmin
from incontri.models import Meeting
from patto.core.locking import ConflictError
from tests.factories import MeetingFactory, MunicipalityFactory, ProgrammeFactory
from tests.incontri.test_ical import assert_valid_rfc5545

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
VEVENT_STATUSES = {"TENTATIVE", "CONFIRMED", "CANCELLED"}  # RFC 5545 §3.8.1.11


def ics(client, meeting) -> icalendar.Event:
    response = client.get(reverse("incontri:ics", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    [event] = checked_events(response.content)
    return event


def feed(client, programme) -> dict[str, icalendar.Event]:
    response = client.get(reverse("incontri:programme_ics", kwargs={"slug": programme.slug}))
    assert response.status_code == 200
    return {str(e["UID"]): e for e in checked_events(response.content)}


def checked_events(content: bytes) -> list[icalendar.Event]:
    """The events of a calendar that parses with no error, each with what RFC 5545 requires of
    a VEVENT in a PUBLISH calendar: UID, DTSTAMP (in UTC), DTSTART, an integer SEQUENCE and a
    STATUS among those of an event."""
    calendar = assert_valid_rfc5545(content)
    events = list(calendar.walk("VEVENT"))
    for component in calendar.walk():
        assert not component.errors, component.errors
    for event in events:
        assert event["UID"] and event["DTSTART"]
        assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)
        assert isinstance(event.decoded("SEQUENCE"), int) and event.decoded("SEQUENCE") >= 0
        assert str(event["STATUS"]) in VEVENT_STATUSES
        if "DTEND" in event:
            assert event.decoded("DTEND") > event.decoded("DTSTART")
    return events


def sequence(event) -> int:
    return event.decoded("SEQUENCE")


@pytest.fixture
def meeting(days):
    return MeetingFactory(
        title="Incontro della zona 5",
        date=days(30),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(13),
        venue="Sala consiliare",
        agenda="Presentazione della proposta.",
    )


def edit(meeting, staff, **changes):
    meeting.refresh_from_db()
    services.update_meeting(
        meeting=meeting, by=staff, expected_revision=meeting.revision, **changes
    )
    meeting.refresh_from_db()
    return meeting


def test_a_new_meeting_is_at_sequence_zero(client, meeting):
    assert sequence(ics(client, meeting)) == 0
    assert b"SEQUENCE:0\r\n" in client.get(reverse("incontri:ics", args=[meeting.pk])).content


def test_sequence_grows_on_every_change_of_time_place_or_status(client, staff, meeting, days):
    steps = [
        ("the agenda", {"agenda": "Un altro ordine del giorno."}, 0),
        ("the title", {"title": "Incontro della zona 5 (Chierese)"}, 0),
        ("the capacity", {"capacity": 80}, 0),
        ("the day", {"date": days(31)}, 1),
        ("the start", {"start_time": datetime.time(10)}, 2),
        ("the end", {"end_time": datetime.time(12)}, 3),
        ("the venue", {"venue": "Biblioteca civica"}, 4),
        ("the address", {"address": "Via Roma 1"}, 5),
        ("the comune", {"municipality": MunicipalityFactory(name="Chieri")}, 6),
        ("nothing", {"venue": "Biblioteca civica"}, 6),
    ]
    for what, changes, expected in steps:
        edit(meeting, staff, **changes)
        assert meeting.sequence == expected, what
        assert sequence(ics(client, meeting)) == expected, what
        assert sequence(feed(client, meeting.programme)[f"{meeting.uid}@patto"]) == expected


def test_cancelling_and_restoring_raise_it_and_cancelled_stays_in_the_feed(client, staff, meeting):
    services.cancel_meeting(meeting=meeting, by=staff, expected_revision=meeting.revision)
    meeting.refresh_from_db()
    event = feed(client, meeting.programme)[f"{meeting.uid}@patto"]
    assert (sequence(event), str(event["STATUS"])) == (1, "CANCELLED")
    assert str(event["SUMMARY"]) == "Annullato: Incontro della zona 5"
    assert event.decoded("DTSTART") == datetime.datetime.combine(
        meeting.date, datetime.time(9, 30), ROME
    )

    services.restore_meeting(meeting=meeting, by=staff, expected_revision=meeting.revision)
    meeting.refresh_from_db()
    event = ics(client, meeting)
    assert (sequence(event), str(event["STATUS"])) == (2, "CONFIRMED")


def test_marking_held_raises_it_recording_the_attendance_does_not(client, staff, days):
    meeting = MeetingFactory(date=days(-1))
    services.mark_meeting_held(meeting=meeting, by=staff, expected_revision=meeting.revision)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    services.record_attendance(
        meeting=meeting, by=staff, expected_revision=meeting.revision, attendance=40
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert str(ics(client, meeting)["STATUS"]) == "CONFIRMED"


def test_back_to_be_confirmed_it_stays_tentative_at_its_last_time(client, staff, meeting, days):
    dated = datetime.datetime.combine(days(30), datetime.time(9, 30), ROME)
    edit(
        meeting,
        staff,
        date=None,
        start_time=None,
        end_time=None,
        date_note="a fine mese",
        expected_by=days(60),
    )
    assert meeting.sequence == 1
    assert (meeting.previous_date, meeting.previous_start_time) == (days(30), datetime.time(9, 30))

    for event in (feed(client, meeting.programme)[f"{meeting.uid}@patto"], ics(client, meeting)):
        assert str(event["STATUS"]) == "TENTATIVE"
        assert sequence(event) == 1
        assert event.decoded("DTSTART") == dated
        assert event.decoded("DTEND") == dated.replace(hour=13, minute=0)
        assert str(event["SUMMARY"]) == "Data da confermare: Incontro della zona 5"
        assert "di nuovo da confermare" in str(event["DESCRIPTION"])

    # edited again while still to be confirmed: it stays where it was, nothing significant moved
    edit(meeting, staff, date_note="novembre")
    assert (meeting.previous_date, meeting.sequence) == (days(30), 1)

    # a new date: confirmed there, the last one forgotten
    edit(meeting, staff, date=days(45), start_time=datetime.time(17), expected_by=None)
    assert (meeting.previous_date, meeting.previous_start_time, meeting.sequence) == (
        None,
        None,
        2,
    )
    event = ics(client, meeting)
    assert str(event["STATUS"]) == "CONFIRMED" and sequence(event) == 2
    assert event.decoded("DTSTART") == datetime.datetime.combine(days(45), datetime.time(17), ROME)
    assert str(event["SUMMARY"]) == "Incontro della zona 5"


def test_an_all_day_meeting_back_to_be_confirmed_stays_an_all_day_tentative_event(
    client, staff, days
):
    meeting = MeetingFactory(date=days(10))
    edit(meeting, staff, date=None, expected_by=days(40))
    event = ics(client, meeting)
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("DTSTART") == days(10)
    assert event.decoded("DTEND") == days(11)


def test_cancelled_while_to_be_confirmed_says_cancelled(client, staff, meeting, days):
    edit(meeting, staff, date=None, start_time=None, end_time=None, expected_by=days(60))
    services.cancel_meeting(meeting=meeting, by=staff, expected_revision=meeting.revision)
    meeting.refresh_from_db()
    event = ics(client, meeting)
    assert (str(event["STATUS"]), sequence(event)) == ("CANCELLED", 2)


def test_a_meeting_that_never_had_a_date_is_in_no_calendar(client, days):
    never = MeetingFactory(date=None, date_note="autunno", expected_by=days(60))
    assert client.get(reverse("incontri:ics", args=[never.pk])).status_code == 404
    assert f"{never.uid}@patto" not in feed(client, never.programme)


def test_the_feed_orders_a_tentative_event_at_its_last_time(client, staff, days):
    programme = ProgrammeFactory()
    first = MeetingFactory(programme=programme, date=days(5), title="Primo")
    moved = MeetingFactory(programme=programme, date=days(7), title="Spostato")
    last = MeetingFactory(programme=programme, date=days(9), title="Ultimo")
    edit(moved, staff, date=None, expected_by=days(30))
    assert list(feed(client, programme)) == [f"{m.uid}@patto" for m in (first, moved, last)]


def test_the_admin_raises_it_too(staff, meeting, days):
    """The back office writes the row itself: it calls the same bookkeeping first."""
    request = RequestFactory().post("/admin/")
    request.user = staff
    meeting.venue = "Aula magna"
    MeetingAdmin(Meeting, admin.site).save_model(request, meeting, form=None, change=True)
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_a_refused_edit_changes_nothing(staff, meeting):
    with pytest.raises(ConflictError):  # a stale form
        services.update_meeting(
            meeting=meeting, by=staff, expected_revision=meeting.revision + 5, venue="Altrove"
        )
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.sequence) == ("Sala consiliare", 0)


# Line breaks: a title, a place or a programme's name typed with one


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_line_break_in_a_title_or_place_never_breaks_the_file(client, newline):
    programme = ProgrammeFactory(title=f"Patto per il sociale{newline}2018–2019")
    meeting = MeetingFactory(
        programme=programme,
        title=f"Incontro provinciale{newline}di Cuneo",
        venue=f"Sala convegni,{newline}Provincia di Cuneo",
        address=f"Corso Nizza 21{newline}",
        date=datetime.date(2030, 10, 19),
        start_time=datetime.time(9, 30),
        agenda="Prima riga\nseconda riga\n\nAltro paragrafo",
    )
    single = client.get(reverse("incontri:ics", args=[meeting.pk]))
    whole = client.get(reverse("incontri:programme_ics", args=[programme.slug]))
    for response in (single, whole):
        assert response.status_code == 200
        content = response.content
        [event] = checked_events(content)
        assert str(event["SUMMARY"]) == "Incontro provinciale di Cuneo"
        assert str(event["LOCATION"]) == "Sala convegni, Provincia di Cuneo, Corso Nizza 21"
        # the description keeps its lines, escaped as RFC 5545 §3.3.11 says
        assert "Prima riga seconda riga\n\nAltro paragrafo" in str(event["DESCRIPTION"])
        assert "Programma: Patto per il sociale 2018–2019" in str(event["DESCRIPTION"])
        unfolded = content.replace(b"\r\n ", b"")
        assert b"\\n\\nAltro paragrafo" in unfolded
        assert b"\r" not in content.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(single.content)
    assert str(calendar["X-WR-CALNAME"]) == "Incontro provinciale di Cuneo"
    calendar = icalendar.Calendar.from_ical(whole.content)
    assert str(calendar["X-WR-CALNAME"]) == "Incontri – Patto per il sociale 2018–2019"
    assert str(calendar["X-WR-CALDESC"]) == "Patto per il sociale 2018–2019"
