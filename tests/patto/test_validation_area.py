"""The spokesperson area and the redazione's version pages: who may see and do what, as a
table of roles × actions, and the e-mails each transition sends."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from matrice.models import Action
from patto.models import Decision, PlanVersion, ValidationDraft, VersionStatus
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.factories import (
    PlanVersionFactory,
    ProgrammeFactory,
    ZoneFactory,
)
from tests.people import login_as, someone, two_zone_programme
from tests.versions import build_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A programme validated by zones 1 and 2, a version in validation, and one person per
    role."""
    people = two_zone_programme()
    programme, zone1, zone2 = people["programme"], people["zone1"], people["zone2"]
    staff, sp1, sp2, former = people["staff"], people["sp1"], people["sp2"], people["former"]
    version = build_version(
        programme, tools=1, targets=0, action={"title": "Sportello unico"}
    ).version
    programme_services.submit_version(version=version, by=staff)
    mail.outbox.clear()
    return {
        "programme": programme,
        "zone1": zone1,
        "zone2": zone2,
        "version": version,
        "anonymous": None,
        "registered": someone("registered"),
        "sp1": sp1,
        "sp2": sp2,
        "former": former,
        "staff": staff,
    }


def review_url(world, zone="zone1"):
    return reverse("portavoce:review", args=[world["version"].pk, world[zone].number])


# role → expected status of GET /portavoce/ and of the review page of zone 1
@pytest.mark.parametrize(
    ("role", "home", "review"),
    [
        ("anonymous", 302, 302),
        ("registered", 403, 403),
        ("former", 403, 403),
        ("staff", 403, 403),
        ("sp2", 200, 403),
        ("sp1", 200, 200),
    ],
)
def test_who_may_enter_the_spokesperson_area(client, world, role, home, review):
    login_as(client, role, **world)
    response = client.get(reverse("portavoce:home"))
    assert response.status_code == home
    if home == 302:
        assert response["Location"].startswith(reverse("account_login"))
    assert client.get(review_url(world)).status_code == review


@pytest.mark.parametrize(
    ("role", "status", "decided"),
    [
        ("anonymous", 302, False),
        ("registered", 403, False),
        ("former", 403, False),
        ("staff", 403, False),
        ("sp2", 403, False),
        ("sp1", 302, True),
    ],
)
def test_who_may_decide_for_zone_1(client, world, role, status, decided):
    login_as(client, role, **world)
    response = client.post(review_url(world), {"decision": Decision.APPROVED, "step": "confirm"})
    assert response.status_code == status
    assert world["version"].validations.filter(zone=world["zone1"]).exists() == decided


REFUSED = [
    ("anonymous", 302),
    ("registered", 403),
    ("former", 403),
    ("staff", 403),
    ("sp2", 403),
]
# The steps of the review page's form (the button pressed): what zone 1's spokesperson gets,
# and what it stores.
STEPS = {
    "write": (200, None),  # the page again, with an item's remark box open
    "save": (302, "draft"),
    "check": (200, "draft"),  # the confirmation, what was typed kept as the draft
    "back": (200, None),  # from the confirmation to the form
    "confirm": (302, "decision"),
}


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize(("role", "status"), [*REFUSED, ("sp1", None)])
def test_who_may_take_each_step_of_the_review(client, world, role, status, step):
    login_as(client, role, **world)
    key = Action.objects.get(version=world["version"]).key
    data = {
        "decision": Decision.APPROVED,
        f"remark-action-{key}": "Un'osservazione",
        "step": f"write:action:{key}" if step == "write" else step,
    }
    response = client.post(review_url(world), data)
    expected, stores = STEPS[step] if status is None else (status, None)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert ValidationDraft.objects.exists() == (stores == "draft")
    assert world["version"].validations.exists() == (stores == "decision")


@pytest.mark.parametrize(("role", "status"), [*REFUSED, ("colleague", 200), ("sp1", 200)])
def test_who_sees_the_zones_draft(client, world, role, status):
    key = Action.objects.get(version=world["version"]).key
    validation_services.save_draft(
        version=world["version"],
        zone=world["zone1"],
        by=world["sp1"],
        reason="Motivazione in bozza",
        remarks=[validation_services.Remark("action", str(key), "", "Osservazione in bozza")],
    )
    colleague = someone("spokesperson", zone=world["zone1"])  # another current one
    login_as(client, role, colleague=colleague, **world)
    response = client.get(review_url(world))
    assert response.status_code == status
    page = response.content.decode()
    seen = "Osservazione in bozza" in page and "Motivazione in bozza" in page
    assert seen == (status == 200)
    if role == "sp2":  # not on their own zone's page either
        own = client.get(review_url(world, zone="zone2")).content.decode()
        assert "in bozza" not in own


def test_a_spokesperson_decides_once(client, world):
    client.force_login(world["sp1"])
    client.post(review_url(world), {"decision": Decision.APPROVED, "step": "confirm"})
    page = client.get(review_url(world)).content.decode()
    assert "Rileggi e conferma" not in page and "Approvata" in page
    response = client.post(
        review_url(world),
        {"decision": Decision.CHANGES_REQUESTED, "reason": "Ci ripenso", "step": "confirm"},
    )
    assert response.status_code == 400
    assert "ha già deciso" in response.content.decode()
    assert world["version"].validations.get().decision == Decision.APPROVED


def test_asking_for_changes_needs_a_reason_and_keeps_remarks(client, world):
    client.force_login(world["sp1"])
    response = client.post(
        review_url(world), {"decision": Decision.CHANGES_REQUESTED, "step": "confirm"}
    )
    assert response.status_code == 400
    assert "scrivi il motivo" in response.content.decode()
    assert not world["version"].validations.exists()

    action = Action.objects.get(version=world["version"])
    response = client.post(
        review_url(world),
        {
            "decision": Decision.CHANGES_REQUESTED,
            "reason": "Manca la zona 3",
            f"remark-action-{action.key}": "Aggiungere i comuni montani",
            "remark-action-00000000-0000-0000-0000-000000000000": "voce inesistente",
            "step": "confirm",
        },
    )
    assert response.status_code == 302
    validation = world["version"].validations.get()
    assert [r.text for r in validation.remarks.all()] == ["Aggiungere i comuni montani"]
    version = PlanVersion.objects.get(pk=world["version"].pk)
    assert version.status == VersionStatus.CHANGES_REQUESTED
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Manca la zona 3" in page and "Aggiungere i comuni montani" in page
    # the date of the decision in each language's own spelling: «7 dicembre», «7 December»
    for language, prefix in (("it", ""), ("en", "/en")):
        with translation.override(language):
            day = date_format(timezone.localtime(validation.decided_at), "j E Y")
        assert day in client.get(prefix + version.get_absolute_url()).content.decode()


def test_what_is_typed_is_kept_once_the_confirmation_is_shown(client, world):
    """The confirmation page keeps what was typed as the zone's draft: leaving it by the
    breadcrumb or the browser's back button loses nothing, and nothing is decided."""
    client.force_login(world["sp1"])
    key = Action.objects.get(version=world["version"]).key
    typed = {
        "decision": Decision.CHANGES_REQUESTED,
        "reason": "Manca la zona 3",
        f"remark-action-{key}": "Aggiungere i comuni montani",
    }
    confirmation = client.post(review_url(world), {**typed, "step": "check"})
    assert "già salvato come bozza" in confirmation.content.decode()
    page = client.get(review_url(world)).content.decode()  # the breadcrumb
    assert "Manca la zona 3" in page and "Aggiungere i comuni montani" in page
    assert re.search(r'value="changes_requested"[^>]*checked', page)
    assert not world["version"].validations.exists()
    # the confirmation goes on with the draft's new revision: confirming, or going back and
    # saving, is not taken for someone else's later save
    draft = ValidationDraft.objects.get()
    assert f'name="draft_revision" value="{draft.revision}"' in confirmation.content.decode()
    saved = client.post(
        review_url(world), {**typed, "draft_revision": draft.revision, "step": "save"}
    )
    assert saved.status_code == 302
    response = client.post(review_url(world), {**typed, "step": "confirm"})
    assert response.status_code == 302 and world["version"].validations.exists()
    assert not ValidationDraft.objects.exists()


def test_no_decision_on_a_draft_or_after_validation(client, world):
    draft = PlanVersionFactory(programme=world["programme"], number=2)
    client.force_login(world["sp1"])
    url = reverse("portavoce:review", args=[draft.pk, 1])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": Decision.APPROVED, "step": "confirm"}).status_code == 404

    validation_services.decide_validation(
        version=world["version"], zone=world["zone1"], by=world["sp1"], decision="approved"
    )
    validation_services.decide_validation(
        version=world["version"], zone=world["zone2"], by=world["sp2"], decision="approved"
    )
    client.force_login(world["sp1"])
    page = client.get(review_url(world)).content.decode()
    assert "Rileggi e conferma" not in page


def test_once_a_zone_asks_for_changes_the_others_did_not_decide(client, world):
    """The validation ends when a zone asks for changes: a zone that had not decided yet
    never will on this version, and the public register says so instead of «In attesa»."""
    zone3 = ZoneFactory(number=3, name="Zona tre")
    world["programme"].validating_zones.add(zone3)
    someone("spokesperson", zone=zone3)
    validation_services.decide_validation(
        version=world["version"],
        zone=world["zone1"],
        by=world["sp1"],
        decision=Decision.CHANGES_REQUESTED,
        reason="Manca la montagna",
    )
    page = client.get(world["version"].get_absolute_url()).content.decode()
    register = page[page.index('id="validation-title"') :]
    assert "In attesa" not in register
    assert register.count("Non ha deciso") == 2 * 2  # zones 2 and 3: the table and the list
    assert (
        register.count(
            "La validazione si è chiusa prima che la zona decidesse, quando un'altra zona ha "
            "chiesto modifiche."
        )
        == 2 * 2
    )
    assert "Manca la montagna" in register


def test_a_zone_added_after_the_validation_is_not_said_to_have_been_cut_short(client, world):
    """A version validated and published by zones 1 and 2; zone 3 joins the programme's
    validating zones afterwards: the register says it was not among those asked, not that
    another zone asked for changes."""
    for zone, sp in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=world["version"], zone=world[zone], by=world[sp], decision="approved"
        )
    version = PlanVersion.objects.get(pk=world["version"].pk)
    programme_services.publish_version(version=version, by=world["staff"])
    world["programme"].validating_zones.add(ZoneFactory(number=3, name="Zona tre"))
    page = client.get(version.get_absolute_url()).content.decode()
    register = page[page.index('id="validation-title"') :]
    assert "In attesa" not in register and "ha chiesto modifiche" not in register
    assert register.count("Non ha deciso") == 2  # the table and the list
    assert (
        register.count(
            "La zona non era tra quelle chiamate a validare questa versione: si è aggiunta dopo."
        )
        == 2
    )


def test_the_spokesperson_sees_what_changed_since_the_last_decision(client, world):
    staff = world["staff"]
    for zone, sp in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=world["version"], zone=world[zone], by=world[sp], decision="approved"
        )
    v1 = PlanVersion.objects.get(pk=world["version"].pk)
    programme_services.publish_version(version=v1, by=staff)
    v2 = programme_services.create_version(programme=world["programme"], by=staff)
    Action.objects.filter(version=v2).update(title="Sportello unico rinnovato")
    programme_services.submit_version(version=v2, by=staff)
    client.force_login(world["sp1"])
    page = client.get(reverse("portavoce:review", args=[v2.pk, 1])).content.decode()
    assert "Rispetto alla versione 1" in page
    home = client.get(reverse("portavoce:home")).content.decode()
    assert "In attesa della tua decisione" in home and "Approvata" in home


# the redazione's version page and its transitions ----------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("registered", 403), ("sp1", 403), ("staff", 200)],
)
def test_who_may_see_the_staff_version_page(client, world, role, status):
    login_as(client, role, **world)
    url = reverse("redazione:programme", args=["piano"])
    assert client.get(url).status_code == status


def transition_url(transition, slug="piano", number=1):
    """Sending to the validation has its own page, with a confirmation; the other steps are a
    POST to the transition's address."""
    if transition == "invia":
        return reverse("redazione:version_submit", args=[slug, number])
    return reverse("redazione:version_transition", args=[slug, number, transition])


@pytest.mark.parametrize("role", ["anonymous", "registered", "sp1"])
@pytest.mark.parametrize("transition", ["invia", "valida", "pubblica"])
def test_only_staff_may_change_a_version_state(client, world, role, transition):
    login_as(client, role, **world)
    before = PlanVersion.objects.get(pk=world["version"].pk).status
    url = transition_url(transition)
    assert client.get(url).status_code in (302, 403, 405)
    assert client.post(url).status_code in (302, 403)
    assert PlanVersion.objects.get(pk=world["version"].pk).status == before
    response = client.post(reverse("redazione:new_version", args=["piano"]))
    assert response.status_code in (302, 403)
    assert not PlanVersion.objects.filter(number=2).exists()


def test_staff_publish_a_validated_version_and_illegal_steps_are_explained(client, world):
    client.force_login(world["staff"])
    url = reverse("redazione:version_transition", args=["piano", 1, "pubblica"])
    page = client.post(url, follow=True).content.decode()
    assert "Non si può pubblicare" in page
    for zone, sp in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=world["version"], zone=world[zone], by=world[sp], decision="approved"
        )
    page = client.post(url, follow=True).content.decode()
    assert "Versione 1 pubblicata" in page
    assert PlanVersion.objects.get(pk=world["version"].pk).status == VersionStatus.PUBLISHED
    response = client.post(reverse("redazione:new_version", args=["piano"]), follow=True)
    assert "Creata la versione 2" in response.content.decode()
    response = client.post(reverse("redazione:new_version", args=["piano"]), follow=True)
    assert "Esiste già una bozza" in response.content.decode()


def test_the_versions_page_speaks_plainly_before_the_first_version(client):
    programme = ProgrammeFactory(slug="nuovo")
    login_as(client, "staff")
    page = client.get(reverse("redazione:programme", args=["nuovo"])).content.decode()
    assert "creane la prima" in page and "create la prima" not in page
    assert "La prima versione parte vuota" in page and "copia dell" not in page
    assert "import_programme" not in page and "personale tecnico" in page
    response = client.post(reverse("redazione:new_version", args=["nuovo"]), follow=True)
    page = response.content.decode()
    assert "Creata la versione 1, vuota" in page and "copia" not in page.split("Creata")[1][:60]
    version = PlanVersion.objects.get(programme=programme)
    version.fingerprint = "f" * 64
    version.status = VersionStatus.VALIDATED
    version.save(update_fields=["fingerprint", "status"])
    response = client.post(reverse("redazione:new_version", args=["nuovo"]), follow=True)
    assert "Creata la versione 2, copia della versione 1" in response.content.decode()


def test_staff_validate_a_programme_without_zones(client):
    version = build_version(ProgrammeFactory(slug="patto")).version
    login_as(client, "staff")
    for step in ("invia", "valida", "pubblica"):
        client.post(transition_url(step, slug="patto"))
    assert PlanVersion.objects.get(pk=version.pk).status == VersionStatus.PUBLISHED


# e-mails ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("eager_celery")
def test_the_transitions_send_their_emails(world, django_capture_on_commit_callbacks):
    staff = world["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        validation_services.decide_validation(
            version=world["version"], zone=world["zone1"], by=world["sp1"], decision="approved"
        )
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    assert "Zona 1" in mail.outbox[0].subject or "zona" in mail.outbox[0].subject.lower()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        validation_services.decide_validation(
            version=world["version"], zone=world["zone2"], by=world["sp2"], decision="approved"
        )
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("validata" in s for s in subjects)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.publish_version(version=world["version"], by=staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["sp1@example.org", "sp2@example.org"]
    assert all("pubblicata" in m.subject for m in mail.outbox)
    html = mail.outbox[0].alternatives[0][0]
    assert "<strong>pubblicata</strong>" in html

    mail.outbox.clear()
    v2 = programme_services.create_version(programme=world["programme"], by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.submit_version(version=v2, by=staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["sp1@example.org", "sp2@example.org"]
    assert "former@example.org" not in [m.to[0] for m in mail.outbox]
    assert "/portavoce/" in mail.outbox[0].body


def test_no_email_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Exception),  # noqa: B017 - any refusal
    ):
        validation_services.decide_validation(
            version=world["version"],
            zone=world["zone1"],
            by=world["sp2"],
            decision="approved",
        )
    assert mail.outbox == []
