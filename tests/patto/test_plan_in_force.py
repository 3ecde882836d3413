"""The plan in force and its newer proposal: the published version's pages (the plan, its matrix,
its actions, each action) say when a newer proposal exists, and whether it is open for
consultation, and link it; a proposal's page opens with the plan, not with the redazione's
change note, which stays lower, under its own heading; every version's page links all the
versions."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from patto.models import VersionStatus
from tests.factories import PhaseFactory
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db

NOTE = "Aggiunta l'azione sugli sportelli di quartiere."


@pytest.fixture
def programme():
    """A programme whose version 1 is archived, 2 published (the plan in force) and 3 under
    validation, with a change note."""
    first = build_version(number=1, status=VersionStatus.ARCHIVED)
    programme = first.programme
    build_version(programme, number=2, status=VersionStatus.PUBLISHED)
    third = build_version(programme, number=3).version  # a draft, so the note can be written
    third.change_note = NOTE
    third.save()
    freeze(third, VersionStatus.IN_VALIDATION)
    return programme


def main_of(client, address) -> str:
    page = client.get(address).content.decode()
    return page[page.index('id="main-content"') :]


def text_of(html: str) -> str:
    """What a reader sees of ``html``: its text, unescaped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pages_of(programme, number):
    args = [programme.slug, number]
    return [
        reverse("patto:version", args=args),
        reverse("matrice:matrix", args=args),
        reverse("matrice:actions", args=args),
        reverse("matrice:action", args=[*args, "1.1.1"]),
    ]


def test_the_plan_in_force_points_to_the_newer_proposal(client, programme):
    for address in pages_of(programme, 2):
        main = main_of(client, address)
        assert "C'è una nuova proposta" in text_of(main), address
        assert "La versione 3 è la proposta che sostituirà questo piano" in text_of(main)
        assert 'href="/programmi/piano/versioni/3/"' in main
        assert 'href="/programmi/piano/confronta/?da=2&amp;a=3"' in main


def test_it_says_when_the_consultation_on_the_proposal_is_open(client, programme):
    now = timezone.now()
    PhaseFactory(
        programme=programme,
        position=9,
        is_consultation=True,
        consultation_opens_at=now - datetime.timedelta(days=1),
        consultation_closes_at=now + datetime.timedelta(days=10),
    )
    for address in pages_of(programme, 2):
        main = text_of(main_of(client, address))
        assert "Una nuova proposta è in consultazione" in main, address
        assert "La consultazione è aperta fino al" in main


def test_neither_the_proposal_nor_an_archived_version_point_to_a_newer_proposal(client, programme):
    for number in (1, 3):
        for address in pages_of(programme, number):
            assert "nuova proposta" not in text_of(main_of(client, address)), address


def test_a_version_without_a_newer_proposal_says_nothing_of_one(client):
    version = build_version(status=VersionStatus.PUBLISHED).version
    for address in pages_of(version.programme, 1):
        assert "nuova proposta" not in text_of(main_of(client, address))


def test_the_proposal_opens_with_the_plan_and_keeps_the_change_note_lower_labelled(
    client, programme
):
    html = main_of(client, reverse("patto:version", args=["piano", 3]))
    assert 'class="lead"' not in html
    assert 'href="#nota-di-versione"' in html  # named at the top, beside the comparison
    main = text_of(html)
    note = main.index("Nota di versione Scritta dalla redazione")
    assert main.index("1. Politica 1") < note < main.index(NOTE)


def test_every_version_page_links_all_the_versions(client, programme):
    for number in (1, 2, 3):
        for address in pages_of(programme, number)[:3]:
            assert 'href="/programmi/piano/versioni/">Tutte le versioni</a>' in main_of(
                client, address
            )
