"""The redazione's dashboard: per programme the draft being written, the version in validation
with each zone's decision, the PDF of the latest validated or published version, contributions
waiting for an answer and the next meetings, with a query count that does not grow."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from incontri.models import MeetingStatus
from patto.models import (
    Decision,
    ItemKind,
    MonitoringUpdate,
    PdfStatus,
    UpdateStatus,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from tavoli.models import ContributionStatus
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    PlanVersionFactory,
    ProgrammeFactory,
    ZoneFactory,
)
from tests.people import login_as, someone
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db

DASHBOARD = "/redazione/"


def build_programme(slug, *, zones=3, decided=1, meetings=2, contributions=2, proposals=1):
    """A programme with a published version (PDF failed), a version in validation with
    ``decided`` approvals out of ``zones``, a draft, meetings, contributions and ``proposals``
    of monitoring updates by a spokesperson waiting for the redazione (and one decided)."""
    programme = ProgrammeFactory(slug=slug, title=f"Programma {slug}")
    zone_list = [ZoneFactory() for _ in range(zones)]
    programme.validating_zones.set(zone_list)
    published = PlanVersionFactory(programme=programme, number=1)
    freeze(
        published,
        VersionStatus.PUBLISHED,
        pdf_status=PdfStatus.FAILED,
        pdf_error="WeasyPrint: font mancante",
    )
    proposal = PlanVersionFactory(programme=programme, number=2)
    freeze(proposal, VersionStatus.IN_VALIDATION, submitted_at=timezone.now())
    for zone in zone_list[:decided]:
        validation = Validation.objects.create(
            version=proposal,
            zone=zone,
            decision=Decision.APPROVED,
            decided_by=someone("spokesperson", zone=zone),
        )
        ValidationRemark.objects.create(  # counted and linked with no query of its own
            validation=validation,
            item_kind=ItemKind.ACTION,
            item_key=uuid.uuid4(),
            item_label="1.1.1 Azione",
            text="Un'osservazione",
        )
    build_version(programme=programme, number=3, actions=2, **FAMILIES)
    today = timezone.localdate()
    for i in range(meetings):
        MeetingFactory(
            programme=programme,
            title=f"Incontro {slug} {i}",
            date=today + datetime.timedelta(days=i + 1),
        )
    MeetingFactory(
        programme=programme, title=f"Passato {slug}", date=today - datetime.timedelta(days=3)
    )
    MeetingFactory(
        programme=programme,
        title=f"Annullato {slug}",
        date=today + datetime.timedelta(days=2),
        status=MeetingStatus.CANCELLED,
    )
    for _ in range(contributions):
        ContributionFactory(programme=programme)
    spokesperson = someone("spokesperson", zone=zone_list[0])
    for status in [UpdateStatus.PROPOSED] * proposals + [UpdateStatus.DECLINED]:
        MonitoringUpdate.objects.create(
            programme=programme,
            action_key=uuid.uuid4(),
            zone=zone_list[0],
            happened_on=today,
            title=f"Proposta {slug}",
            text="Aperto uno sportello.",
            status=status,
            decline_reason="Già pubblicato" if status == UpdateStatus.DECLINED else "",
            author=spokesperson,
        )
    ContributionFactory(
        programme=programme,
        status=ContributionStatus.ACCEPTED,
        response="Accolto",
        answered_at=timezone.now(),
    )
    return programme


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("registered user", 403), ("spokesperson", 403), ("redazione", 200)],
)
def test_only_the_redazione_sees_the_dashboard(client, role, expected):
    login_as(client, role)
    response = client.get(DASHBOARD)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_the_dashboard_shows_what_needs_attention(staff_client):
    programme = build_programme(
        "piano", zones=3, decided=1, meetings=4, contributions=2, proposals=2
    )
    html = staff_client.get(DASHBOARD).content.decode()

    # the draft, with its counts and the way in
    assert "Versione 3" in html
    assert "1 politica · 1 ambito d'azione · 2 azioni · 2 strumenti" in html
    assert reverse("redazione:matrice_draft", args=["piano"]) in html
    assert reverse("redazione:matrice_draft_matrix", args=["piano"]) in html
    # the version in validation, zone by zone
    assert "1 di 3 zone hanno approvato" in html
    assert html.count("In attesa</span>") == 2
    assert "Approvata" in html
    # the PDF of the published version, with the error for the redazione
    assert 'PDF: <span class="fw-semibold">Non riuscito</span>' in html
    assert "WeasyPrint: font mancante" in html
    # contributions waiting for an answer, linked to their list
    assert "2 contributi in attesa di risposta" in html
    assert "/redazione/contributi/?programma=piano&amp;esito=in_attesa" in html
    # the spokespersons' monitoring proposals waiting (not the decided one), linked to where
    # they are published or declined
    proposals = reverse("redazione:monitoring_proposals", args=["piano"])
    assert (
        f'<a href="{proposals}">2 proposte dei portavoce in attesa di decisione'
        '<span class="visually-hidden"> – Programma piano</span></a>'
    ) in html
    # the next three meetings, not the past or cancelled ones
    assert "Incontro piano 0" in html and "Incontro piano 2" in html
    assert "Incontro piano 3" not in html
    assert "Passato piano" not in html and "Annullato piano" not in html
    assert programme.title in html


def test_a_programme_with_nothing_going_on(staff_client):
    ProgrammeFactory(slug="vuoto", title="Programma vuoto")
    html = staff_client.get(DASHBOARD).content.decode()
    assert "Nessuna bozza in lavorazione." in html
    assert reverse("redazione:programme", args=["vuoto"]) in html
    assert "Nessuna versione in validazione." in html
    assert "Nessuna versione validata o pubblicata." in html
    assert "Nessun incontro in programma." in html
    # validated by the redazione alone: no spokesperson can propose anything for it
    assert "proposte dei portavoce in attesa" not in html
    # a programme the zones validate says when nothing of theirs is waiting
    build_programme("zone", zones=2, decided=0, meetings=0, contributions=0, proposals=0)
    html = staff_client.get(DASHBOARD).content.decode()
    assert "0 proposte dei portavoce in attesa di decisione" in html


def test_a_version_sent_back_shows_the_reason(staff_client):
    programme = ProgrammeFactory(slug="rinviato")
    zone = ZoneFactory()
    programme.validating_zones.set([zone])
    version = PlanVersionFactory(programme=programme, number=1)
    freeze(version, VersionStatus.CHANGES_REQUESTED)
    Validation.objects.create(
        version=version,
        zone=zone,
        decision=Decision.CHANGES_REQUESTED,
        reason="Manca la zona montana",
        decided_by=someone("spokesperson", zone=zone),
    )
    html = staff_client.get(DASHBOARD).content.decode()
    assert "Modifiche richieste" in html and "Manca la zona montana" in html


@pytest.mark.parametrize("size", [1, 3])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, size
):
    for i in range(size):
        build_programme(
            f"p{i}",
            zones=2 * size,
            decided=size,
            meetings=2 * size,
            contributions=size,
            proposals=size,
        )
    with django_assert_num_queries(10):
        response = staff_client.get(DASHBOARD)
    assert response.status_code == 200


def test_the_counts_of_a_programme_are_subqueries_not_a_group_by_over_its_contributions(
    staff_client,
):
    """Issue 23: with the counts of contributions in a GROUP BY over the joined contributions,
    the count of pending comments (a subquery) ran once per joined row: 0.48 s at scale 10
    with no comment waiting. Each count is now a subquery of its own, run once per programme,
    and the numbers are the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tavoli.models import Comment, Moderation

    programme = build_programme("conti", contributions=3)
    ContributionFactory(programme=programme, moderation=Moderation.PENDING)
    waiting = ContributionFactory(programme=programme)
    Comment.objects.create(contribution=waiting, text="In attesa.", moderation=Moderation.PENDING)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(DASHBOARD)
    programmes = next(q["sql"] for q in queries if "waiting_contributions" in q["sql"])
    assert "GROUP BY" not in programmes.split("FROM", 1)[1].rsplit(")", 1)[-1]
    assert 'LEFT OUTER JOIN "tavoli_contribution"' not in programmes
    (row,) = response.context["programmes"]
    counts = (
        row.waiting_contributions,
        row.pending_contributions,
        row.pending_comments,
        row.proposed_updates,
    )
    assert counts == (5, 1, 1, 1)
