"""The staff pages offer only the steps that will go through, and say why the others are not
there (``patto.programme.steps``); the server still refuses the steps it is not offering. And
the dashboard says what happened to each version (``patto.programme.summaries``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from matrice.models import Policy
from patto.core.articles import italian_article_before_number
from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.programme import services
from patto.programme.steps import consultation_step, steps_by_name, version_steps
from patto.validation import services as validation_services
from tests.factories import PlanVersionFactory, ProgrammeFactory, ZoneFactory
from tests.people import someone
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db


def steps_of(version, versions, *, has_zones=True, policies=1, actions=1):
    return steps_by_name(
        version_steps(
            version,
            versions=versions,
            has_zones=has_zones,
            policy_count=policies,
            action_count=actions,
        )
    )


# the rules, on versions in memory ----------------------------------------------------------------


def test_a_draft_can_be_sent_when_nothing_else_is_in_validation():
    draft = PlanVersion(pk=2, number=2, status=VersionStatus.DRAFT)
    published = PlanVersion(pk=1, number=1, status=VersionStatus.PUBLISHED)
    steps = steps_of(draft, [draft, published])
    assert steps["invia"].available and steps["invia"].label == "Invia alle zone"
    assert steps["anteprima"].available


def test_a_draft_cannot_be_sent_while_another_version_is_in_validation():
    draft = PlanVersion(pk=3, number=3, status=VersionStatus.DRAFT)
    proposal = PlanVersion(pk=2, number=2, status=VersionStatus.IN_VALIDATION)
    send = steps_of(draft, [draft, proposal])["invia"]
    assert not send.available
    assert "La versione 2 è ancora in validazione" in send.reason
    assert "ritirata" in send.reason


def test_an_empty_draft_cannot_be_sent():
    draft = PlanVersion(pk=1, number=1, status=VersionStatus.DRAFT)
    send = steps_of(draft, [draft], policies=0, has_zones=False)["invia"]
    assert not send.available and send.label == "Invia alla validazione"
    assert "La bozza è vuota" in send.reason


def test_the_preview_of_a_huge_draft_is_not_offered(settings):
    settings.PDF_PREVIEW_MAX_ACTIONS = 10
    draft = PlanVersion(pk=1, number=1, status=VersionStatus.DRAFT)
    assert steps_of(draft, [draft], actions=10)["anteprima"].available
    preview = steps_of(draft, [draft], actions=11)["anteprima"]
    assert not preview.available
    assert "La bozza ha 11 azioni" in preview.reason and "fino a 10" in preview.reason


def test_a_version_in_validation_can_be_withdrawn_and_validated_by_staff_only_without_zones():
    proposal = PlanVersion(pk=1, number=1, status=VersionStatus.IN_VALIDATION)
    with_zones = steps_of(proposal, [proposal], has_zones=True)
    assert with_zones["ritira"].available and "valida" not in with_zones
    without = steps_of(proposal, [proposal], has_zones=False)
    assert without["ritira"].available and without["valida"].available
    assert set(with_zones) == {"ritira"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (VersionStatus.VALIDATED, {"pubblica", "genera_pdf"}),
        (VersionStatus.PUBLISHED, {"genera_pdf"}),
        (VersionStatus.ARCHIVED, {"genera_pdf"}),
        (VersionStatus.WITHDRAWN, set()),
        (VersionStatus.CHANGES_REQUESTED, set()),
    ],
)
def test_the_steps_of_each_frozen_state(status, expected):
    version = PlanVersion(pk=1, number=1, status=status)
    assert set(steps_of(version, [version])) == expected


@pytest.mark.parametrize(
    ("pdf_status", "name", "available"),
    [
        (PdfStatus.NONE, "genera_pdf", True),
        (PdfStatus.PENDING, "genera_pdf", False),
        (PdfStatus.RENDERING, "genera_pdf", False),
        (PdfStatus.FAILED, "riprova_pdf", True),
    ],
)
def test_the_pdf_step(pdf_status, name, available):
    version = PlanVersion(pk=1, number=1, status=VersionStatus.PUBLISHED, pdf_status=pdf_status)
    step = steps_of(version, [version])[name]
    assert step.available == available
    if not available:
        assert "già in preparazione" in step.reason
    ready = PlanVersion(pk=1, number=1, status=VersionStatus.PUBLISHED, pdf_status="ready")
    assert steps_of(ready, [ready]) == {}


def test_a_consultation_needs_a_public_version_not_withdrawn():
    draft = PlanVersion(pk=2, number=2, status=VersionStatus.DRAFT)
    withdrawn = PlanVersion(pk=1, number=1, status=VersionStatus.WITHDRAWN)
    step = consultation_step([draft, withdrawn])
    assert not step.available and "invia prima una versione alle zone" in step.reason
    published = PlanVersion(pk=1, number=1, status=VersionStatus.PUBLISHED)
    assert consultation_step([draft, published]).available


# the pages, and the server behind them -----------------------------------------------------------


@pytest.fixture
def piano(staff):
    """Version 1 in validation by zones 1 and 2 (zone 1 approved), version 2 a draft."""
    programme = ProgrammeFactory(slug="piano")
    zone1, zone2 = ZoneFactory(number=1), ZoneFactory(number=2)
    programme.validating_zones.set([zone1, zone2])
    version = build_version(programme).version
    services.submit_version(version=version, by=staff)
    sp1 = someone("spokesperson", zone=zone1)
    validation_services.decide_validation(version=version, zone=zone1, by=sp1, decision="approved")
    draft = services.create_version(programme=programme, by=staff)
    return {"programme": programme, "version": version, "draft": draft}


def test_send_is_not_offered_while_another_version_is_in_validation(staff_client, piano):
    page = staff_client.get(reverse("redazione:programme", args=["piano"])).content.decode()
    send_url = reverse("redazione:version_submit", args=["piano", 2])
    assert send_url not in page
    assert "Non disponibile.</span> La versione 1 è ancora in validazione" in page
    assert 'disabled aria-describedby="step-invia-' in page
    # every version says when it was made, the draft too, which has no other date yet
    created = date_format(timezone.localtime(piano["draft"].created_at), "j E Y")
    assert f"creata {created}<br>" in page
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert send_url not in dashboard
    assert "La versione 1 è ancora in validazione" in dashboard

    # the server still refuses it, and says why
    response = staff_client.post(send_url, follow=True)
    assert "altra versione di questo programma è già in validazione" in response.content.decode()
    assert PlanVersion.objects.get(pk=piano["draft"].pk).status == VersionStatus.DRAFT


def test_send_is_offered_once_the_version_is_withdrawn(staff_client, staff, piano):
    services.withdraw_version(version=piano["version"], by=staff, reason="Da rifare")
    send_url = reverse("redazione:version_submit", args=["piano", 2])
    page = staff_client.get(reverse("redazione:programme", args=["piano"])).content.decode()
    assert send_url in page and "Non disponibile" not in page
    assert send_url in staff_client.get(reverse("redazione:dashboard")).content.decode()
    staff_client.post(send_url)
    assert PlanVersion.objects.get(pk=piano["draft"].pk).status == VersionStatus.IN_VALIDATION


def test_an_empty_draft_is_not_offered_and_refused(staff_client, staff):
    programme = ProgrammeFactory(slug="vuoto")
    PlanVersionFactory(programme=programme, number=1)
    page = staff_client.get(reverse("redazione:programme", args=["vuoto"])).content.decode()
    send_url = reverse("redazione:version_submit", args=["vuoto", 1])
    assert send_url not in page and "La bozza è vuota" in page
    response = staff_client.post(send_url, follow=True)
    assert "La versione è vuota" in response.content.decode()
    assert not Policy.objects.filter(version__programme=programme).exists()


# what the dashboard says -------------------------------------------------------------------------


def test_the_dashboard_says_what_happened_to_each_version(staff_client, staff, piano):
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert "Versione 1 in validazione: 1 zona su 2 ha risposto." in dashboard
    assert "Versione 2 in bozza" in dashboard
    services.withdraw_version(version=piano["version"], by=staff, reason="Manca la casa")
    withdrawn = PlanVersion.objects.get(pk=piano["version"].pk)
    day = withdrawn.withdrawn_at.astimezone().strftime("%-d")
    on = escape(italian_article_before_number(withdrawn.withdrawn_at, "il"))  # «il 7», «l'8»
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert f"Versione 1 ritirata {on}{day} " in dashboard
    assert ". Motivo: Manca la casa" in dashboard
    assert "in validazione: " not in dashboard


def test_the_dashboard_counts_the_zones_that_validated(staff_client, staff):
    programme = ProgrammeFactory(slug="piano")
    zones = [ZoneFactory(number=n) for n in (1, 2, 3)]
    programme.validating_zones.set(zones)
    version = build_version(programme).version
    services.submit_version(version=version, by=staff)
    for zone in zones:
        validation_services.decide_validation(
            version=version, zone=zone, by=someone("spokesperson", zone=zone), decision="approved"
        )
    version.refresh_from_db()
    on = escape(italian_article_before_number(version.validated_at, "il"))
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert f"Versione 1 validata da 3 zone su 3 {on}" in dashboard
    # who validates, said as a rule, not as if the version were validated already
    assert "Ogni versione è validata dalle 3 zone omogenee." in dashboard


def test_the_dashboard_of_a_programme_validated_by_staff(staff_client):
    programme = ProgrammeFactory(slug="patto")
    version = build_version(programme).version
    freeze(version, VersionStatus.PUBLISHED, published_at=version.created_at)
    on = escape(italian_article_before_number(version.created_at, "il"))
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert f"Versione 1 pubblicata {on}" in dashboard and "è il piano in vigore" in dashboard
    assert "Ogni versione è validata dalla redazione." in dashboard


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (8, "Versione 1 pubblicata l&#x27;8 marzo 2018: è il piano in vigore."),
        (11, "Versione 1 pubblicata l&#x27;11 marzo 2018: è il piano in vigore."),
        (1, "Versione 1 pubblicata il 1 marzo 2018: è il piano in vigore."),  # il primo
        (18, "Versione 1 pubblicata il 18 marzo 2018: è il piano in vigore."),
    ],
)
def test_the_dashboard_elides_the_article_before_the_8th_and_the_11th(staff_client, day, expected):
    programme = ProgrammeFactory(slug="patto")
    version = build_version(programme).version
    published = timezone.make_aware(datetime.datetime(2018, 3, day, 10, 0))
    freeze(version, VersionStatus.PUBLISHED, published_at=published)
    dashboard = staff_client.get(reverse("redazione:dashboard")).content.decode()
    assert expected in dashboard
