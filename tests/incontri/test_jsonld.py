"""The schema.org ``Event`` of a meeting's page: one JSON-LD data block, read back with ``json``,
with the fields and types schema.org gives them, no date where none was published, and no way
for a meeting's text to close the element."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from incontri import services
from incontri.models import MeetingStatus
from tests.factories import MeetingFactory, MunicipalityFactory, ProgrammeFactory, UserFactory
from tests.xss import XSS, active_content

pytestmark = pytest.mark.django_db

BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SCHEMA = "https://schema.org/"


def event_of(client, meeting) -> dict:
    html = client.get(reverse("incontri:detail", args=[meeting.pk])).content.decode()
    blocks = BLOCK.findall(html)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0]  # written \u003C, \u003E
    return json.loads(blocks[0])


@pytest.fixture
def meeting(days, torino):
    return MeetingFactory(
        programme=ProgrammeFactory(title="Piano", promoter="Città Metropolitana di Torino"),
        title="Tavolo sulla casa",
        date=days(20),
        start_time=datetime.time(17, 30),
        end_time=datetime.time(19, 30),
        venue="Sala Rossa",
        address="Via Maria Vittoria 12",
        municipality=MunicipalityFactory(name="Torino", province=torino),
        agenda="1. **Apertura**\n2. Le proposte delle zone",
        audiences=["terzo_settore", "cittadini"],
        capacity=2,
    )


def test_a_meeting_with_a_date_a_time_and_a_place(client, meeting):
    event = event_of(client, meeting)
    start = datetime.datetime.fromisoformat(event["startDate"])
    end = datetime.datetime.fromisoformat(event["endDate"])
    assert (start.date(), start.time(), end.time()) == (
        meeting.date,
        datetime.time(17, 30),
        datetime.time(19, 30),
    )
    assert start.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert event["@context"] == "https://schema.org" and event["@type"] == "Event"
    assert event["name"] == "Tavolo sulla casa"
    assert event["url"] == f"http://testserver/incontri/{meeting.pk}/"
    assert "Apertura" in event["description"] and "**" not in event["description"]
    assert event["eventStatus"] == SCHEMA + "EventScheduled"
    assert event["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert event["location"] == {
        "@type": "Place",
        "name": "Sala Rossa",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Via Maria Vittoria 12",
            "addressLocality": "Torino",
            "addressRegion": "Torino",
            "addressCountry": "IT",
        },
    }
    assert event["organizer"] == {"@type": "Organization", "name": "Città Metropolitana di Torino"}
    assert [a["audienceType"] for a in event["audience"]] == [
        "Volontariato e terzo settore",
        "Cittadini",
    ]
    assert event["maximumAttendeeCapacity"] == 2
    assert event["remainingAttendeeCapacity"] == 2
    assert event["offers"] == {
        "@type": "Offer",
        "url": f"http://testserver/incontri/{meeting.pk}/#iscrizione",
        "price": 0,
        "priceCurrency": "EUR",
        "availability": SCHEMA + "InStock",
    }


def test_summer_and_winter_time_have_their_offsets(client, meeting):
    meeting.date = datetime.date(2031, 7, 1)
    meeting.save()
    assert event_of(client, meeting)["startDate"] == "2031-07-01T17:30:00+02:00"
    meeting.date = datetime.date(2031, 12, 1)
    meeting.save()
    assert event_of(client, meeting)["endDate"] == "2031-12-01T19:30:00+01:00"


def test_places_taken_is_sold_out(client, meeting):
    for _ in range(2):
        services.register(meeting=meeting, user=UserFactory())
    event = event_of(client, meeting)
    assert event["offers"]["availability"] == SCHEMA + "SoldOut"
    assert event["remainingAttendeeCapacity"] == 0


def test_a_day_without_a_time(client):
    event = event_of(client, MeetingFactory(date=datetime.date(2017, 10, 19)))
    assert (event["startDate"], event["endDate"]) == ("2017-10-19", "2017-10-19")
    assert "offers" not in event  # a past meeting takes no registrations


def test_a_start_without_an_end_has_no_end(client, meeting):
    meeting.end_time = None
    meeting.save()
    assert "endDate" not in event_of(client, meeting)


def test_a_cancelled_meeting(client, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    event = event_of(client, meeting)
    assert event["eventStatus"] == SCHEMA + "EventCancelled"
    assert "offers" not in event


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        # the 2017 provincial meetings: expected by a day now past, never given a date
        ({"expected_by": datetime.date(2017, 11, 30)}, None),
        # still to be confirmed
        ({"date_note": "in primavera"}, "EventScheduled"),
        # its date taken back to "to be confirmed"
        ({"previous_date": datetime.date(2031, 5, 4)}, "EventPostponed"),
    ],
    ids=["never-published", "to-be-confirmed", "postponed"],
)
def test_no_date_is_made_up(client, fields, status):
    event = event_of(client, MeetingFactory(date=None, venue="Sala", **fields))
    assert "startDate" not in event and "endDate" not in event
    assert event.get("eventStatus") == (SCHEMA + status if status else None)
    assert event["name"]


def test_no_place_no_location(client):
    event = event_of(client, MeetingFactory())
    assert "location" not in event and "eventAttendanceMode" not in event


@pytest.mark.parametrize(
    "payload", [*XSS, "</script><script>alert(1)</script>", "</SCRIPT ><!--", "& &amp; <b>"]
)
def test_hostile_text_stays_inside_the_data_block(client, meeting, payload):
    meeting.title = payload
    meeting.venue = payload
    meeting.agenda = payload
    meeting.save()
    html = client.get(reverse("incontri:detail", args=[meeting.pk])).content.decode()
    assert active_content(html) == []
    event = event_of(client, meeting)
    assert event["name"] == payload and event["location"]["name"] == payload
