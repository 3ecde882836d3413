"""The "Aggiungi a Google Calendar / Outlook" links of a meeting's page: the right start and end
(in UTC, shown in Europe/Rome), title, place and a description with the meeting's address on the
portal; only for a meeting people can still go to; opening in a new tab, and saying so."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from incontri import calendar_links
from incontri.models import MeetingStatus
from tests.factories import MeetingFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="(?P<href>https://[^"]+)" (?P<attrs>[^>]*)>(?P<text>.*?)</a>')


def page_links(client, meeting) -> dict[str, tuple[dict, str, str]]:
    """The calendar links on the meeting's page: host → (query, attributes, text)."""
    html = client.get(reverse("incontri:detail", args=[meeting.pk])).content.decode()
    found = {}
    for match in LINK.finditer(html):
        parts = urlsplit(unescape(match["href"]))
        if parts.netloc in {"calendar.google.com", "outlook.live.com"}:
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            found[parts.netloc] = (parts.path, query, match["attrs"], match["text"])
    return found


@pytest.fixture
def meeting():
    return MeetingFactory(
        title="Incontro della zona 5",
        date=datetime.date(2030, 7, 10),  # summer time: Rome is UTC+2
        start_time=datetime.time(9, 30),
        end_time=datetime.time(13),
        venue="Sala consiliare",
        address="Via Vittorio Emanuele II 1",
        municipality=MunicipalityFactory(name="Chieri"),
        agenda="1. Presentazione della proposta\n2. Discussione",
    )


def test_google_calendar_link(client, meeting):
    path, query, _attrs, _text = page_links(client, meeting)["calendar.google.com"]
    assert path == "/calendar/render"
    assert query["action"] == "TEMPLATE"
    assert query["text"] == "Incontro della zona 5"
    assert query["dates"] == "20300710T073000Z/20300710T110000Z"
    assert query["ctz"] == "Europe/Rome"
    assert query["location"] == "Sala consiliare, Via Vittorio Emanuele II 1, Chieri"
    assert "1. Presentazione della proposta" in query["details"]
    assert f"http://testserver/incontri/{meeting.pk}/" in query["details"]


def test_outlook_link(client, meeting):
    path, query, _attrs, _text = page_links(client, meeting)["outlook.live.com"]
    assert path == "/calendar/0/deeplink/compose"
    assert (query["path"], query["rru"]) == ("/calendar/action/compose", "addevent")
    assert query["subject"] == "Incontro della zona 5"
    assert query["startdt"] == "2030-07-10T07:30:00Z"
    assert query["enddt"] == "2030-07-10T11:00:00Z"
    assert query["allday"] == "false"
    assert query["location"] == "Sala consiliare, Via Vittorio Emanuele II 1, Chieri"
    assert f"http://testserver/incontri/{meeting.pk}/" in query["body"]


def test_they_open_in_a_new_tab_and_say_so(client, meeting):
    found = page_links(client, meeting)
    assert set(found) == {"calendar.google.com", "outlook.live.com"}
    for _path, _query, attrs, text in found.values():
        assert 'target="_blank"' in attrs and "noopener" in attrs
        assert '<span class="visually-hidden"> (si apre in una nuova scheda)</span>' in text
        assert '<svg class="icon icon-xs icon-primary ms-1" aria-hidden="true">' in text
    assert found["calendar.google.com"][3].startswith("Aggiungi a Google Calendar")
    assert found["outlook.live.com"][3].startswith("Aggiungi a Outlook")
    # next to the .ics
    html = client.get(reverse("incontri:detail", args=[meeting.pk])).content.decode()
    assert html.index(f"/incontri/{meeting.pk}.ics") < html.index("calendar.google.com")


def test_winter_time_is_utc_plus_one():
    meeting = MeetingFactory(
        date=datetime.date(2030, 1, 15), start_time=datetime.time(17), end_time=datetime.time(19)
    )
    google = parse_qs(urlsplit(calendar_links.google_url(meeting, url="u")).query)
    assert google["dates"] == ["20300115T160000Z/20300115T180000Z"]


def test_an_all_day_meeting():
    meeting = MeetingFactory(date=datetime.date(2030, 10, 31), start_time=None)
    google = parse_qs(urlsplit(calendar_links.google_url(meeting, url="u")).query)
    assert google["dates"] == ["20301031/20301101"]  # the end is the next day, as in the .ics
    outlook = parse_qs(urlsplit(calendar_links.outlook_url(meeting, url="u")).query)
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == (
        ["2030-10-31"],
        ["2030-11-01"],
        ["true"],
    )


def test_no_end_in_the_sources_is_none_invented():
    meeting = MeetingFactory(date=datetime.date(2030, 3, 5), start_time=datetime.time(10))
    google = parse_qs(urlsplit(calendar_links.google_url(meeting, url="u")).query)
    assert google["dates"] == ["20300305T090000Z/20300305T090000Z"]


def test_line_breaks_and_a_long_agenda():
    meeting = MeetingFactory(
        title="Incontro\r\ndi zona",
        venue="Sala\nconsiliare",
        date=datetime.date(2030, 3, 5),
        agenda="Lungo ordine del giorno. " * 200,
    )
    query = parse_qs(urlsplit(calendar_links.google_url(meeting, url="http://x/1/")).query)
    assert query["text"] == ["Incontro di zona"]
    assert query["location"] == ["Sala consiliare"]
    details = query["details"][0]
    assert len(details) < calendar_links.MAX_DETAILS
    assert details.endswith("Dettagli: http://x/1/")


@pytest.mark.parametrize(
    "fields",
    [
        {"date": None, "date_note": "autunno", "expected_by": datetime.date(2030, 11, 30)},
        {"status": MeetingStatus.CANCELLED},
        {"status": MeetingStatus.HELD, "date": datetime.date(2017, 10, 19)},
        {"date": datetime.date(2017, 10, 19)},  # past, never marked as held
    ],
    ids=["to be confirmed", "cancelled", "held", "past"],
)
def test_not_offered_when_nobody_can_go(client, fields):
    meeting = MeetingFactory(**{"date": datetime.date(2030, 7, 10), **fields})
    assert calendar_links.links(meeting, url="u") == []
    html = client.get(reverse("incontri:detail", args=[meeting.pk])).content.decode()
    assert "calendar.google.com" not in html and "outlook.live.com" not in html
    assert "Aggiungi a Google Calendar" not in html
