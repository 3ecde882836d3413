"""The public meeting list: order, filters, how a date to be confirmed and a cancellation show."""

import datetime
import re

import pytest
from django.urls import reverse

from incontri.models import MeetingKind, MeetingStatus
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("incontri:list")


def titles(response):
    return [m.title for m in response.context["meetings"]]


def test_url_is_italian():
    assert URL == "/incontri/"


def test_upcoming_first_soonest_first_then_to_be_confirmed_then_past_latest_first(client, days):
    MeetingFactory(title="Passato remoto", date=days(-300), status=MeetingStatus.HELD)
    MeetingFactory(title="Da confermare", date=None, date_note="autunno")
    MeetingFactory(title="Tra un mese", date=days(30))
    MeetingFactory(title="Oggi", date=days(0))
    MeetingFactory(title="Ieri", date=days(-1), status=MeetingStatus.HELD)
    MeetingFactory(title="Tra una settimana", date=days(7))

    response = client.get(URL)

    assert titles(response) == [
        "Oggi",
        "Tra una settimana",
        "Tra un mese",
        "Da confermare",
        "Ieri",
        "Passato remoto",
    ]
    html = response.content.decode()
    assert html.index("Prossimi incontri") < html.index("Oggi") < html.index("Incontri passati")
    assert html.index("Incontri passati") < html.index("Ieri")


def test_same_day_meetings_by_start_time(client, days):
    MeetingFactory(title="Pomeriggio", date=days(3), start_time=datetime.time(15))
    MeetingFactory(title="Mattina", date=days(3), start_time=datetime.time(9))
    assert titles(client.get(URL)) == ["Mattina", "Pomeriggio"]


def test_each_item_says_date_time_place_kind_status_and_programme(client, days):
    programme = ProgrammeFactory(title="Piano Sociale Metropolitano")
    meeting = MeetingFactory(
        programme=programme,
        title="Incontro della zona 5",
        kind=MeetingKind.ZONE,
        date=datetime.date(2030, 3, 14),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(12, 45),
        venue="Sala consiliare di Chieri",
    )

    html = client.get(URL).content.decode()

    assert f'href="/incontri/{meeting.pk}/"' in html
    assert "Incontro della zona 5" in html
    assert "14 marzo 2030" in html.lower()
    assert "dalle 09:30 alle 12:45" in html
    assert "Sala consiliare di Chieri" in html
    assert "Di zona" in html
    assert "In programma" in html
    assert "Piano Sociale Metropolitano" in html


def test_date_to_be_confirmed_is_a_visible_badge_with_the_note(client):
    MeetingFactory(title="Incontro di Vercelli", date=None, date_note="ottobre–novembre 2017")
    html = client.get(URL).content.decode()
    assert re.search(
        r'class="badge[^"]*">Data da confermare</span>\s*<span>ottobre–novembre 2017', html
    )


def test_cancelled_meeting_is_marked_in_words(client, days):
    MeetingFactory(title="Plenaria", date=days(5), status=MeetingStatus.CANCELLED)
    response = client.get(URL)
    assert titles(response) == ["Plenaria"]  # still listed among the next ones, so people know
    assert ">Annullato</span>" in response.content.decode()


def test_filter_by_programme_slug(client):
    patto = ProgrammeFactory(slug="patto")
    MeetingFactory(title="Del patto", programme=patto)
    MeetingFactory(title="Del piano", programme=ProgrammeFactory(slug="piano"))
    response = client.get(URL, {"programma": "patto"})
    assert titles(response) == ["Del patto"]
    assert 'value="patto" selected' in response.content.decode()
    # the open data links follow the chosen programme
    assert "/dati-aperti/incontri.csv?programma=patto" in response.content.decode()


def test_filter_by_kind(client):
    MeetingFactory(title="Plenaria", kind=MeetingKind.PLENARY)
    MeetingFactory(title="Provinciale", kind=MeetingKind.PROVINCIAL)
    assert titles(client.get(URL, {"tipo": "plenary"})) == ["Plenaria"]


@pytest.mark.parametrize("value", ["CN", "cn", "004", "4"])
def test_filter_by_province_sigla_or_istat_code(client, torino, cuneo, value):
    MeetingFactory(title="A Cuneo", province=cuneo)
    MeetingFactory(title="A Torino", province=torino)
    response = client.get(URL, {"provincia": value})
    assert titles(response) == ["A Cuneo"]
    assert 'value="CN" selected' in response.content.decode()


def test_filter_by_province_includes_meetings_placed_by_zone_or_comune(client, torino, cuneo):
    MeetingFactory(title="Per zona", zone=ZoneFactory(province=torino))
    MeetingFactory(title="Per comune", municipality=MunicipalityFactory(province=torino))
    MeetingFactory(title="Altrove", municipality=MunicipalityFactory(province=cuneo))
    assert sorted(titles(client.get(URL, {"provincia": "TO"}))) == ["Per comune", "Per zona"]


def test_filter_by_zone_number(client, torino):
    zone_5 = ZoneFactory(number=5, province=torino)
    zone_6 = ZoneFactory(number=6, province=torino)
    MeetingFactory(title="Zona 5", zone=zone_5)
    MeetingFactory(title="Comune della zona 5", municipality=MunicipalityFactory(zone=zone_5))
    MeetingFactory(title="Zona 6", zone=zone_6)
    assert sorted(titles(client.get(URL, {"zona": "5"}))) == ["Comune della zona 5", "Zona 5"]


def test_filter_when(client, days):
    MeetingFactory(title="Prossimo", date=days(10))
    MeetingFactory(title="Annullato", date=days(2), status=MeetingStatus.CANCELLED)
    MeetingFactory(title="Da confermare", date=None)
    MeetingFactory(title="Passato", date=days(-10), status=MeetingStatus.HELD)

    assert titles(client.get(URL, {"quando": "prossimi"})) == [
        "Annullato",
        "Prossimo",
        "Da confermare",
    ]
    assert titles(client.get(URL, {"quando": "passati"})) == ["Passato"]
    assert len(titles(client.get(URL, {"quando": "tutti"}))) == 4


def test_filters_combine_and_stay_in_the_url(client, torino, days):
    programme = ProgrammeFactory(slug="piano")
    MeetingFactory(title="Giusto", programme=programme, province=torino, date=days(3))
    MeetingFactory(title="Passato", programme=programme, province=torino, date=days(-3))
    MeetingFactory(title="Altro programma", province=torino, date=days(3))
    MeetingFactory.create_batch(25, programme=programme, province=torino, date=days(4))

    response = client.get(URL, {"programma": "piano", "provincia": "TO", "quando": "prossimi"})

    assert response.context["paginator"].count == 26
    assert titles(response)[0] == "Giusto"
    html = response.content.decode()
    assert "programma=piano&amp;provincia=TO&amp;quando=prossimi&amp;page=2" in html


def test_unknown_filter_value_says_so_and_lists_nothing(client):
    MeetingFactory()
    response = client.get(URL, {"tipo": "festa"})
    assert titles(response) == []
    assert "Nessun incontro corrisponde ai filtri scelti." in response.content.decode()


def test_paginated_by_twenty(client, days):
    MeetingFactory.create_batch(23, date=days(1))
    first = client.get(URL)
    assert len(first.context["meetings"]) == 20
    assert "Pagina 1 di 2" in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["meetings"]) == 3


def test_offers_each_programme_calendar(client):
    ProgrammeFactory(slug="patto", title="Patto")
    html = client.get(URL).content.decode()
    assert 'href="/programmi/patto/incontri.ics"' in html


def test_english_version(client):
    MeetingFactory(title="Incontro")
    assert client.get("/en/incontri/").status_code == 200


def test_home_and_programme_page_link_meetings_to_their_page(client, days):
    meeting = MeetingFactory(date=days(3))
    link = f'href="/incontri/{meeting.pk}/"'
    assert link in client.get(reverse("home")).content.decode()
    assert link in client.get(meeting.programme.get_absolute_url()).content.decode()


def _populate(n, days, torino):
    programme = ProgrammeFactory()
    zone = ZoneFactory(province=torino)
    for i in range(n):
        MeetingFactory(
            programme=programme,
            date=days(i - n // 2) if i % 3 else None,
            province=torino,
            zone=zone,
            municipality=MunicipalityFactory(province=torino, zone=zone),
        )
    return programme, zone


@pytest.mark.parametrize("size", [3, 30])
def test_query_count(client, django_assert_num_queries, days, torino, size):
    _populate(size, days, torino)
    # menu, count, page, the choices of programme, province and zone, the programme calendars
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_filtered(client, django_assert_num_queries, days, torino, size):
    programme, zone = _populate(size, days, torino)
    query = {
        "programma": programme.slug,
        "provincia": "TO",
        "zona": zone.number,
        "quando": "prossimi",
    }
    # ... plus looking up the chosen programme and zone, minus the list of programme calendars
    with django_assert_num_queries(8):
        response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["paginator"].count > 0
