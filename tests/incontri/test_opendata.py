"""Open data of the meetings: CSV and JSON, all or of one programme."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from incontri.models import MeetingKind, MeetingStatus
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ThematicTableFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("incontri:opendata_csv")
EXCEL_URL = reverse("incontri:opendata_excel")
JSON_URL = reverse("incontri:opendata_json")


@pytest.fixture
def meetings(torino):
    patto = ProgrammeFactory(slug="patto", position=0)
    piano = ProgrammeFactory(slug="piano", position=1)
    held = MeetingFactory(
        programme=patto,
        kind=MeetingKind.PROVINCIAL,
        title="Incontro provinciale di Torino, primo",
        date=datetime.date(2017, 10, 19),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(13),
        venue='Torino, Sala "Einaudi"',
        municipality=MunicipalityFactory(istat_code="001272", name="Torino", province=torino),
        province=torino,
        zone=ZoneFactory(number=1, province=torino),
        status=MeetingStatus.HELD,
        audiences=["terzo_settore", "cittadini"],
        attendance=85,
        source="https://example.org/fonte",
    )
    held.tables.set([ThematicTableFactory(programme=patto, slug="poverta")])
    tbc = MeetingFactory(
        programme=patto, title="Incontro di Vercelli", date=None, date_note="ottobre 2017"
    )
    other = MeetingFactory(programme=piano, title="Incontro del piano")
    return held, tbc, other


def test_urls():
    assert CSV_URL == "/dati-aperti/incontri.csv"
    assert EXCEL_URL == "/dati-aperti/incontri-excel.csv"
    assert JSON_URL == "/dati-aperti/incontri.json"


def test_csv(client, meetings):
    held, tbc, other = meetings
    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incontri.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["title"] for r in rows] == [held.title, tbc.title, other.title]
    row = rows[0]
    assert row == {
        "id": str(held.pk),
        "uid": str(held.uid),
        "programme": "patto",
        "kind": "provincial",
        "title": "Incontro provinciale di Torino, primo",
        "date": "2017-10-19",
        "date_note": "",
        "start_time": "09:30",
        "end_time": "13:00",
        "venue": 'Torino, Sala "Einaudi"',
        "address": "",
        "municipality_istat": "001272",
        "municipality": "Torino",
        "province_istat": "001",
        "province": "TO",
        "zone": "1",
        "status": "held",
        "audiences": "terzo_settore|cittadini",
        "tables": "poverta",
        "attendance": "85",
        "source": "https://example.org/fonte",
        "url": f"http://testserver/incontri/{held.pk}/",
    }
    assert rows[1]["date"] == ""
    assert rows[1]["date_note"] == "ottobre 2017"
    assert rows[1]["start_time"] == rows[1]["attendance"] == ""


def test_csv_of_one_programme(client, meetings):
    response = client.get(CSV_URL, {"programma": "piano"})
    assert response["Content-Disposition"] == 'attachment; filename="incontri-piano.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["title"] for r in rows] == ["Incontro del piano"]


def test_json(client, meetings):
    held, tbc, other = meetings
    response = client.get(JSON_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incontri.json"'
    data = json.loads(response.content)
    assert data["licence"] == "CC BY 4.0"
    assert datetime.datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert [m["title"] for m in data["meetings"]] == [held.title, tbc.title, other.title]
    first, second = data["meetings"][:2]
    assert first["audiences"] == ["terzo_settore", "cittadini"]
    assert first["tables"] == ["poverta"]
    assert first["zone"] == 1
    assert first["attendance"] == 85
    assert first["date"] == "2017-10-19"
    assert first["url"] == f"http://testserver/incontri/{held.pk}/"
    assert second["date"] is None
    assert second["date_note"] == "ottobre 2017"
    assert second["province"] is None


def test_json_of_one_programme(client, meetings):
    data = client.get(JSON_URL, {"programma": "patto"}).json()
    assert data["programme"] == "patto"
    assert [m["programme"] for m in data["meetings"]] == ["patto", "patto"]


@pytest.mark.parametrize("url", [CSV_URL, EXCEL_URL, JSON_URL])
def test_unknown_programme_is_404(client, url):
    assert client.get(url, {"programma": "nessuno"}).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url", [CSV_URL, EXCEL_URL, JSON_URL])
def test_query_counts(client, django_assert_num_queries, torino, size, url):
    programme = ProgrammeFactory()
    table = ThematicTableFactory(programme=programme)
    for _ in range(size):
        meeting = MeetingFactory(
            programme=programme,
            province=torino,
            zone=ZoneFactory(province=torino),
            municipality=MunicipalityFactory(province=torino),
        )
        meeting.tables.add(table)
    with django_assert_num_queries(2):  # the meetings, their tables
        assert client.get(url).status_code == 200
    with django_assert_num_queries(3):  # ... and the programme
        assert client.get(url, {"programma": programme.slug}).status_code == 200
