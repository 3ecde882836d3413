"""The .ics files, read back as a calendar program would read them."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from incontri.models import MeetingStatus
from tests.factories import MeetingFactory, MunicipalityFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def ics_url(meeting):
    return reverse("incontri:ics", kwargs={"pk": meeting.pk})


def feed_url(programme):
    return reverse("incontri:programme_ics", kwargs={"slug": programme.slug})


def assert_valid_rfc5545(content: bytes):
    """CRLF line ends only, no line longer than 75 octets, and it parses."""
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["CALSCALE"] == "GREGORIAN"
    return calendar


def events(calendar):
    return list(calendar.walk("VEVENT"))


def test_urls():
    assert ics_url(MeetingFactory.build(pk=7)) == "/incontri/7.ics"
    programme = ProgrammeFactory.build(slug="patto")
    assert feed_url(programme) == "/programmi/patto/incontri.ics"


def test_single_meeting_with_times(client):
    meeting = MeetingFactory(
        title="Incontro provinciale di Cuneo, con i territori; 2° turno \\ bis",
        date=datetime.date(2017, 10, 19),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(13),
        venue="Sala convegni, Provincia di Cuneo",
        address="Corso Nizza 21",
        municipality=MunicipalityFactory(name="Cuneo"),
        agenda="1. Presentazione della bozza\n2. Spunti; sollecitazioni, e *proposte*\n\nFine.",
        audiences=["terzo_settore"],
    )

    response = client.get(ics_url(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="incontro-{meeting.pk}-incontro-provinciale-di-cuneo-con-i-'
        'territori-2-turno-bis.ics"'
    )
    content = response.content
    calendar = assert_valid_rfc5545(content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == meeting.title
    [event] = events(calendar)
    assert event["UID"] == f"{meeting.uid}@patto"
    assert event["SUMMARY"] == meeting.title
    assert event.decoded("DTSTART") == datetime.datetime(2017, 10, 19, 9, 30, tzinfo=ROME)
    assert event.decoded("DTEND") == datetime.datetime(2017, 10, 19, 13, tzinfo=ROME)
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == "Sala convegni, Provincia di Cuneo, Corso Nizza 21"
    assert event["URL"] == f"http://testserver/incontri/{meeting.pk}/"
    description = str(event["DESCRIPTION"])
    assert "1. Presentazione della bozza\n2. Spunti; sollecitazioni, e proposte\n\nFine." in (
        description
    )
    assert "Volontariato e terzo settore" in description
    assert f"http://testserver/incontri/{meeting.pk}/" in description
    # the raw text: times in Europe/Rome with its VTIMEZONE, special characters escaped
    assert b"DTSTART;TZID=Europe/Rome:20171019T093000\r\n" in content
    assert b"DTEND;TZID=Europe/Rome:20171019T130000\r\n" in content
    assert b"DTSTAMP:" in content and b"Z\r\n" in content.split(b"DTSTAMP:")[1][:20]
    assert b"TZID:Europe/Rome" in content
    assert b"BEGIN:VTIMEZONE" in content and b"BEGIN:DAYLIGHT" in content
    unfolded = content.replace(b"\r\n ", b"")
    assert (
        b"SUMMARY:Incontro provinciale di Cuneo\\, con i territori\\; 2\xc2\xb0 turno \\\\ bis"
        in (unfolded)
    )
    assert b"LOCATION:Sala convegni\\, Provincia di Cuneo\\, Corso Nizza 21\r\n" in unfolded
    assert b"\\n2. Spunti\\; sollecitazioni\\, e proposte\\n" in unfolded


def test_location_names_the_comune_unless_the_venue_does(client):
    with_town = MeetingFactory(
        venue="Sala consiliare", municipality=MunicipalityFactory(name="Asti")
    )
    named = MeetingFactory(
        venue="Torino, Campus Einaudi", municipality=MunicipalityFactory(name="Torino")
    )
    [event] = events(icalendar.Calendar.from_ical(client.get(ics_url(with_town)).content))
    assert event["LOCATION"] == "Sala consiliare, Asti"
    [event] = events(icalendar.Calendar.from_ical(client.get(ics_url(named)).content))
    assert event["LOCATION"] == "Torino, Campus Einaudi"


def test_only_the_day_known_is_an_all_day_event(client):
    meeting = MeetingFactory(date=datetime.date(2017, 10, 26), start_time=None)
    content = client.get(ics_url(meeting)).content
    calendar = assert_valid_rfc5545(content)
    [event] = events(calendar)
    assert event.decoded("DTSTART") == datetime.date(2017, 10, 26)
    assert event.decoded("DTEND") == datetime.date(2017, 10, 27)
    assert b"DTSTART;VALUE=DATE:20171026\r\n" in content
    assert b"DTEND;VALUE=DATE:20171027\r\n" in content
    assert b"VTIMEZONE" not in content  # nothing refers to a time zone


def test_start_without_end_has_no_invented_end(client):
    meeting = MeetingFactory(start_time=datetime.time(10), end_time=None)
    [event] = events(assert_valid_rfc5545(client.get(ics_url(meeting)).content))
    assert "DTEND" not in event
    assert "DURATION" not in event


def test_cancelled_meeting(client):
    meeting = MeetingFactory(title="Plenaria", status=MeetingStatus.CANCELLED)
    [event] = events(assert_valid_rfc5545(client.get(ics_url(meeting)).content))
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == f"{meeting.uid}@patto"
    assert "Annullato" in event["SUMMARY"]
    assert "Incontro annullato." in event["DESCRIPTION"]


def test_date_to_be_confirmed_has_no_ics(client):
    meeting = MeetingFactory(date=None, date_note="autunno")
    response = client.get(ics_url(meeting))
    assert response.status_code == 404


def test_unknown_meeting_is_404(client):
    assert client.get("/incontri/999999.ics").status_code == 404


def test_long_lines_are_folded_at_75_octets_even_mid_utf8(client):
    meeting = MeetingFactory(title="È " * 60 + "fine", agenda="àèìòù " * 100, venue="Città " * 30)
    content = client.get(ics_url(meeting)).content
    [event] = events(assert_valid_rfc5545(content))
    assert event["SUMMARY"] == meeting.title
    content.decode("utf-8")  # no character split by the folding


def test_programme_feed(client):
    programme = ProgrammeFactory(slug="patto", title="Patto per il sociale")
    timed = MeetingFactory(
        programme=programme, date=datetime.date(2017, 11, 6), start_time=datetime.time(14, 30)
    )
    all_day = MeetingFactory(programme=programme, date=datetime.date(2017, 10, 19))
    cancelled = MeetingFactory(
        programme=programme, date=datetime.date(2017, 11, 16), status=MeetingStatus.CANCELLED
    )
    to_be_confirmed = MeetingFactory(programme=programme, date=None, date_note="da definire")
    other = MeetingFactory(date=datetime.date(2017, 10, 20))

    response = client.get(feed_url(programme))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incontri-patto.ics"'
    calendar = assert_valid_rfc5545(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Incontri – Patto per il sociale"
    uids = [str(e["UID"]) for e in events(calendar)]
    assert uids == [f"{m.uid}@patto" for m in (all_day, timed, cancelled)]
    assert f"{to_be_confirmed.uid}@patto" not in uids
    assert f"{other.uid}@patto" not in uids
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in events(calendar)}
    assert statuses[f"{cancelled.uid}@patto"] == "CANCELLED"
    assert len(list(calendar.walk("VTIMEZONE"))) == 1


def test_uids_are_stable_across_downloads(client):
    meeting = MeetingFactory()
    first = events(icalendar.Calendar.from_ical(client.get(feed_url(meeting.programme)).content))
    second = events(icalendar.Calendar.from_ical(client.get(feed_url(meeting.programme)).content))
    assert first[0]["UID"] == second[0]["UID"] == f"{meeting.uid}@patto"


def test_unknown_programme_feed_is_404(client):
    assert client.get("/programmi/nessuno/incontri.ics").status_code == 404


def test_empty_feed_is_still_a_valid_calendar(client):
    programme = ProgrammeFactory()
    calendar = assert_valid_rfc5545(client.get(feed_url(programme)).content)
    assert events(calendar) == []


@pytest.mark.parametrize("size", [2, 20])
def test_query_counts(client, django_assert_num_queries, size):
    programme = ProgrammeFactory()
    meetings = [
        MeetingFactory(
            programme=programme,
            municipality=MunicipalityFactory(),
            start_time=datetime.time(9) if i % 2 else None,
        )
        for i in range(size)
    ]
    with django_assert_num_queries(2):  # the programme, its meetings
        assert client.get(feed_url(programme)).status_code == 200
    with django_assert_num_queries(1):  # the meeting with its programme and comune
        assert client.get(ics_url(meetings[-1])).status_code == 200
