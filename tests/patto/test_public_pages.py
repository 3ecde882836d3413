"""Home, programme, open data and accessibility pages: what a visitor reads there, and a query
count that does not grow with the data."""

import datetime

import pytest
from django.urls import reverse

from patto.models import VersionStatus
from tests.factories import (
    MeetingFactory,
    PhaseFactory,
    PlanVersionFactory,
    ProgrammeFactory,
    ThematicTableFactory,
)
from tests.versions import freeze

pytestmark = pytest.mark.django_db


def build(size):
    """``size`` programmes, each with phases, tables, meetings and public versions."""
    future = datetime.date.today() + datetime.timedelta(days=30)
    for i in range(size):
        programme = ProgrammeFactory(slug=f"programma-{i}", title=f"Programma {i}")
        for p in range(3):
            PhaseFactory(
                programme=programme,
                position=p,
                title=f"Fase {p}",
                start_date=datetime.date(2015 + p, 1, 1),
            )
        for t in range(3):
            ThematicTableFactory(programme=programme, slug=f"t{t}", title=f"Tavolo {t}")
        for m in range(3):
            MeetingFactory(programme=programme, date=future, title=f"Incontro {i}.{m}")
        MeetingFactory(programme=programme, date=None, date_note="autunno", title=f"TBC {i}")
        for n, status in enumerate(
            [VersionStatus.ARCHIVED, VersionStatus.PUBLISHED, VersionStatus.IN_VALIDATION], 1
        ):
            freeze(PlanVersionFactory(programme=programme, number=n), status)
        PlanVersionFactory(programme=programme, number=4)  # a draft: never shown


def test_home_shows_programmes_phases_meetings_and_published_plans(client):
    build(2)
    page = client.get("/").content.decode()
    assert "Programma 0" in page and "Programma 1" in page
    assert "Fase attuale" in page and "Fase 2" in page
    assert "Incontro 0.0" in page
    assert "versione 2" in page


def test_programme_page_has_its_timeline_and_public_versions_only(client):
    build(1)
    page = client.get(reverse("patto:programme", args=["programma-0"])).content.decode()
    timeline = page[page.index("Le fasi del percorso") :]
    assert timeline.index("Fase 0") < timeline.index("Fase 1") < timeline.index("Fase 2")
    assert "Proposta in validazione" in page and "Archiviata" in page
    assert "Versione 4" not in page  # the draft


def test_the_plan_in_force_is_the_published_version(client):
    build(1)
    response = client.get(reverse("patto:published", args=["programma-0"]))
    assert response.status_code == 302
    assert response["Location"].endswith("/programmi/programma-0/versioni/2/")
    empty = ProgrammeFactory(slug="vuoto")
    assert client.get(reverse("patto:published", args=[empty.slug])).status_code == 404


def test_unknown_programme_is_a_404_in_the_portal_style(client):
    response = client.get("/programmi/non-esiste/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        ("/", 5),
        ("/programmi/programma-0/", 6),
        ("/dati-aperti/", 3),
        ("/accessibilita/", 1),
    ],
)
@pytest.mark.parametrize("size", [1, 8])
def test_query_counts_do_not_grow(client, django_assert_num_queries, address, queries, size):
    build(size)
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200
