"""Home, programme, open data and accessibility pages: what a visitor reads there, and a query
count that does not grow with the data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patto.models import PlanVersion, Programme, VersionStatus
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


def test_home_links_each_programmes_plan_in_force_and_proposal(client):
    build(2)
    page = client.get("/").content.decode()
    for slug in ("programma-0", "programma-1"):
        assert f'href="/programmi/{slug}/versioni/2/"' in page  # published: the plan in force
        assert f'href="/programmi/{slug}/versioni/3/"' in page  # the proposal
        assert f'href="/programmi/{slug}/versioni/4/"' not in page  # the draft
        # and how the plan in force is going (its monitoring)
        assert f'href="/programmi/{slug}/attuazione/"' in page
    latest = page[page.index("Ultimi piani pubblicati") :]
    assert 'href="/programmi/programma-0/versioni/2/"' in latest


def test_the_list_of_programmes_says_what_each_is_and_links_its_plans(client):
    build(2)
    ProgrammeFactory(slug="nuovo", title="Programma senza piano", promoter="Ente nuovo")
    response = client.get(reverse("patto:programmes"))
    assert response.status_code == 200
    page = response.content.decode()
    page = page[page.index('id="main-content"') :]  # not the menu
    assert "<h1>Programmi</h1>" in page
    card = page[page.index("Programma 1") :]
    card = card[: card.index("</dl>")]
    assert "Fase attuale" in card and "Fase 2" in card
    assert "Il piano in vigore" in card
    assert 'href="/programmi/programma-1/versioni/2/"' in card
    assert "La nuova proposta" in card and 'href="/programmi/programma-1/versioni/3/"' in card
    assert "Proposta in validazione" in card
    assert "versioni/1/" not in card and "versioni/4/" not in card  # archived, draft
    empty = page[page.index("Programma senza piano") :]
    assert "Ente nuovo" in page
    assert "Non ancora pubblicato" in empty[: empty.index("</dl>")]
    assert "La nuova proposta" not in empty[: empty.index("</dl>")]


def test_the_programmes_menu_and_the_breadcrumbs_lead_to_the_list_of_programmes(client):
    build(1)
    programmes = reverse("patto:programmes")
    for address in ("/", reverse("patto:programme", args=["programma-0"])):
        page = client.get(address).content.decode()
        menu = page[page.index('id="programmes-menu-button"') - 200 :]
        assert f'href="{programmes}"' in menu[:400]  # the menu's own link, without JavaScript
        assert "Tutti i programmi" in page
    for address in (
        reverse("patto:programme", args=["programma-0"]),
        reverse("patto:version", args=["programma-0", 2]),
        reverse("patto:versions", args=["programma-0"]),
        reverse("tavoli:list", args=["programma-0"]),
    ):
        page = client.get(address).content.decode()
        crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
        assert f'<a href="{programmes}">Programmi</a>' in crumbs, address


def test_the_programme_page_leads_to_the_plan_in_force_and_the_proposal(client):
    build(1)
    page = client.get(reverse("patto:programme", args=["programma-0"])).content.decode()
    in_force = page[page.index('id="in-force-title"') :]
    in_force = in_force[: in_force.index("</section>")]
    assert "Versione 2" in in_force
    base = "/programmi/programma-0/versioni/2/"
    for href in (base, base + "matrice/", base + "azioni/", "/programmi/programma-0/versioni/"):
        assert f'href="{href}"' in in_force, href
    proposal = page[page.index('id="proposal-title"') :]
    proposal = proposal[: proposal.index("</section>")]
    assert "La nuova proposta" in proposal and "Versione 3" in proposal
    assert 'href="/programmi/programma-0/versioni/3/"' in proposal
    assert 'href="/programmi/programma-0/confronta/?da=2&amp;a=3"' in proposal
    # the list of versions links each of them
    versions = page[page.index('id="versions-title"') :]
    for number in (1, 2, 3):
        assert f'href="/programmi/programma-0/versioni/{number}/"' in versions


def proposal_card(client, slug) -> str:
    page = client.get(reverse("patto:programme", args=[slug])).content.decode()
    card = page[page.index('id="proposal-title"') :]
    return " ".join(re.sub(r"<[^>]+>", " ", card[: card.index("</section>")]).split())


def changed_proposal_in_consultation(*, opened: int, closes: int) -> None:
    """The built programme's proposal (version 3) after a zone asked for changes, with a
    consultation opening and closing ``opened`` and ``closes`` days from now."""
    build(1)
    programme = Programme.objects.get(slug="programma-0")
    PlanVersion.objects.filter(programme=programme, number=3).update(
        status=VersionStatus.CHANGES_REQUESTED
    )
    now = timezone.now()
    PhaseFactory(
        programme=programme,
        position=9,
        is_consultation=True,
        consultation_opens_at=now + datetime.timedelta(days=opened),
        consultation_closes_at=now + datetime.timedelta(days=closes),
    )


@pytest.mark.parametrize(
    ("opened", "closes", "invited"),
    [(-1, 10, True), (-10, -1, False), (1, 10, False)],
    ids=["open", "closed", "upcoming"],
)
def test_a_proposal_a_zone_asked_to_change_invites_contributions_only_for_the_next_version(
    client, opened, closes, invited
):
    """A zone asked for changes: a new version is coming. While the consultation is open by its
    dates, contributions are still welcome, for that next version; otherwise the card does not
    invite any."""
    changed_proposal_in_consultation(opened=opened, closes=closes)
    card = proposal_card(client, "programma-0")
    assert "Una zona omogenea ha chiesto modifiche" in card
    assert ("Leggi la proposta e lascia un contributo" in card) == invited
    assert (
        "I contributi che lasci ora su questa proposta servono a scrivere la nuova versione."
        in card
    ) == invited
    assert ("La consultazione è aperta fino al" in card) == invited
    assert "La consultazione si aprirà" not in card
    if not invited:
        assert "Leggi la proposta" in card


def test_the_home_page_and_the_plan_in_force_say_where_contributions_to_a_changed_proposal_go(
    client,
):
    """A zone asked for changes while the consultation is open: the home page's invitation and
    the plan in force's notice of the newer proposal say that a contribution left now is read
    for the new version, and the notice no longer says this proposal will replace the plan."""
    changed_proposal_in_consultation(opened=-1, closes=10)
    going = "I contributi che lasci ora su questa proposta servono a scrivere la nuova versione."

    def text(address):
        page = client.get(address).content.decode()
        return " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert going in text(reverse("home"))
    in_force = text(reverse("patto:version", args=["programma-0", 2]))
    assert "Una zona omogenea ha chiesto modifiche alla proposta, la versione 3" in in_force
    assert going in in_force
    assert "è la proposta che sostituirà questo piano" not in in_force


def test_a_programme_without_a_plan_says_so(client):
    programme = ProgrammeFactory(slug="vuoto")
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Questo programma non ha ancora un piano pubblicato." in page
    assert 'id="proposal-title"' not in page


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
    assert "Torna alla pagina iniziale" in response.content.decode()


def test_a_404_says_only_what_the_portal_wrote_for_the_visitor(client):
    """Django's own 404s (an unknown address, an object not found, a page number out of
    range) speak of resolvers and queries: the page says nothing more than «Pagina non
    trovata». A 404 the portal raises with a message for the visitor shows it."""
    empty = ProgrammeFactory(slug="vuoto")
    build(1)
    for address, hidden in (
        ("/pagina-che-non-esiste/", "Resolver404"),
        ("/incontri/999999/", "query"),
        ("/incontri/?page=99", "Pagina non valida"),
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        html = response.content.decode()
        assert "Pagina non trovata" in html and hidden not in html, address
    said = client.get(reverse("patto:published", args=[empty.slug]))
    assert said.status_code == 404
    assert "Questo programma non ha ancora un piano pubblicato." in said.content.decode()


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        # programmes, their phases and public versions, the latest published, meetings, the menu
        ("/", 6),
        # programmes, their phases and public versions, the menu
        ("/programmi/", 4),
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
