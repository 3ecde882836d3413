"""Withdrawing a version from the validation: who may, the reason it needs, what stays of it
(frozen, readable with its reason, the zones' decisions and drafts), the e-mail to each zone's
spokespersons, and the new draft that can then be sent."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matrice.models import Action
from patto.core.exceptions import TransitionError
from patto.models import PlanVersion, ValidationDraft, VersionStatus
from patto.programme import services
from patto.validation import services as validation_services
from tests.people import login_as, someone, two_zone_programme
from tests.versions import build_version

pytestmark = pytest.mark.django_db

REASON = "Manca il capitolo sulla casa: lo aggiungiamo e la rimandiamo."


@pytest.fixture
def world():
    """A programme validated by zones 1 and 2; version 1 in validation, on which zone 2 has
    approved and zone 1 keeps a draft with a remark; version 2 a draft."""
    people = two_zone_programme()
    programme, zone1, zone2 = people["programme"], people["zone1"], people["zone2"]
    staff, sp1, sp2, former = people["staff"], people["sp1"], people["sp2"], people["former"]
    version = build_version(programme, action={"title": "Sportello unico"}).version
    services.submit_version(version=version, by=staff)
    validation_services.decide_validation(version=version, zone=zone2, by=sp2, decision="approved")
    key = Action.objects.get(version=version).key
    validation_services.save_draft(
        version=version,
        zone=zone1,
        by=sp1,
        decision="changes_requested",
        reason="Chiediamo più sportelli in montagna",
        remarks=[validation_services.Remark("action", str(key), "", "Orari troppo brevi")],
    )
    draft = services.create_version(programme=programme, by=staff)
    mail.outbox.clear()
    return {
        "programme": programme,
        "zone1": zone1,
        "zone2": zone2,
        "version": version,
        "draft": draft,
        "anonymous": None,
        "registered": someone("registered"),
        "sp1": sp1,
        "sp2": sp2,
        "former": former,
        "staff": staff,
    }


def withdraw_url(number=1):
    return reverse("redazione:version_withdraw", args=["piano", number])


def reload(version):
    return PlanVersion.objects.get(pk=version.pk)


# the service -------------------------------------------------------------------------------------


def test_a_withdrawn_version_keeps_its_reason_and_a_new_draft_can_be_sent(world):
    services.withdraw_version(version=world["version"], by=world["staff"], reason=f"  {REASON} ")
    version = reload(world["version"])
    assert version.status == VersionStatus.WITHDRAWN
    assert version.withdrawal_reason == REASON
    assert version.withdrawn_by == world["staff"] and version.withdrawn_at is not None
    assert version.validations.count() == 1  # zone 2's approval stays in the record
    services.submit_version(version=world["draft"], by=world["staff"])
    assert reload(world["draft"]).status == VersionStatus.IN_VALIDATION


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_withdrawal_needs_a_reason(world, reason):
    with pytest.raises(ValidationError) as refused:
        services.withdraw_version(version=world["version"], by=world["staff"], reason=reason)
    assert "Scrivi il motivo" in str(refused.value)
    assert reload(world["version"]).status == VersionStatus.IN_VALIDATION


def test_only_a_version_in_validation_can_be_withdrawn(world):
    with pytest.raises(TransitionError, match="la versione 2 è bozza"):
        services.withdraw_version(version=world["draft"], by=world["staff"], reason=REASON)
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    with pytest.raises(TransitionError, match="ritirata"):
        services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)


@pytest.mark.parametrize("role", ["registered", "sp1"])
def test_only_staff_withdraw(world, role):
    with pytest.raises(PermissionDenied):
        services.withdraw_version(version=world["version"], by=world[role], reason=REASON)
    assert reload(world["version"]).status == VersionStatus.IN_VALIDATION


def test_no_zone_decides_on_a_withdrawn_version(world):
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    with pytest.raises(ValidationError):
        validation_services.decide_validation(
            version=world["version"], zone=world["zone1"], by=world["sp1"], decision="approved"
        )
    assert not reload(world["version"]).validations.filter(zone=world["zone1"]).exists()


def test_a_withdrawn_version_stays_frozen_in_the_database(world):
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    action = Action.objects.get(version=world["version"])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE matrice_action SET title = 'Altro' WHERE id = %s", [action.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=world["version"].pk).update(status=VersionStatus.DRAFT)
    assert Action.objects.get(pk=action.pk).title == "Sportello unico"


def test_the_database_refuses_a_withdrawal_without_reason(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=world["version"].pk).update(status=VersionStatus.WITHDRAWN)


# the e-mail --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("eager_celery")
def test_each_zones_spokespersons_hear_of_the_withdrawal(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    assert sorted(m.to[0] for m in mail.outbox) == ["sp1@example.org", "sp2@example.org"]
    message = mail.outbox[0]
    assert "ritirato la versione 1" in message.subject
    assert REASON in message.body and "/portavoce/" in message.body
    assert "bozza della decisione, non è andata persa" in message.body
    html = message.alternatives[0][0]
    assert "<strong>versione 1</strong>" in html and REASON in html


def test_a_refused_withdrawal_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.withdraw_version(version=world["version"], by=world["staff"], reason="")
    assert mail.outbox == []


# what the people see -----------------------------------------------------------------------------


def test_the_spokesperson_finds_the_withdrawal_and_the_draft_kept(client, world):
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    assert ValidationDraft.objects.filter(version=world["version"], zone=world["zone1"]).exists()
    client.force_login(world["sp1"])
    home = client.get(reverse("portavoce:home")).content.decode()
    assert "Versioni ritirate dalla redazione" in home and REASON in home
    assert "è conservata" in home
    assert "Chiediamo più sportelli in montagna" in home
    assert "Sportello unico:" in home and "Orari troppo brevi" in home
    review = reverse("portavoce:review", args=[world["version"].pk, 1])
    page = client.get(review).content.decode()
    assert "Validazione chiusa" in page and REASON in page and "Rileggi e conferma" not in page
    client.force_login(world["sp2"])  # another zone: the notice, not zone 1's draft
    home = client.get(reverse("portavoce:home")).content.decode()
    assert REASON in home and "Orari troppo brevi" not in home


def test_the_withdrawn_version_stays_readable_with_its_reason(client, world):
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    page = client.get(reload(world["version"]).get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Proposta ritirata" in text and REASON in text and "Sportello unico" in text
    versions = client.get(reverse("patto:versions", args=["piano"])).content.decode()
    assert "Ritirata" in versions


def zone_rows(page: str) -> dict[str, str]:
    """The public validation register's table: each zone's row as text, by zone."""
    register = page[page.index('id="validation-title"') : page.index("</table>")]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", register, re.S)
    return {zone: " ".join(re.sub(r"<[^>]+>", " ", cells).split()) for zone, cells in rows}


def test_the_register_says_a_zone_did_not_decide_on_a_withdrawn_proposal(client, world):
    """Zone 1 was still writing its decision: once the proposal is withdrawn it will never
    decide, so it is not «In attesa» any more, and the page says why."""
    page = client.get(world["version"].get_absolute_url()).content.decode()
    assert "In attesa" in zone_rows(page)[str(world["zone1"])]
    services.withdraw_version(version=world["version"], by=world["staff"], reason=REASON)
    page = client.get(reload(world["version"]).get_absolute_url()).content.decode()
    rows = zone_rows(page)
    assert rows[str(world["zone1"])].startswith("Non ha deciso")
    assert (
        "La redazione ha ritirato la proposta prima che la zona decidesse."
        in rows[str(world["zone1"])]
    )
    assert rows[str(world["zone2"])].startswith("Approvata")
    assert "In attesa" not in page  # nor in the list shown on narrow screens


# the staff page ----------------------------------------------------------------------------------


def test_a_withdrawal_without_reason_is_refused_and_keeps_nothing_changed(client, world):
    client.force_login(world["staff"])
    response = client.post(withdraw_url(), {"reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Scrivi il motivo del ritiro" in page
    assert 'id="id_reason_error"' in page
    assert reload(world["version"]).status == VersionStatus.IN_VALIDATION


def test_a_refused_withdrawal_keeps_what_was_typed(client, world):
    client.force_login(world["staff"])
    typed = "Motivo " + "lungo " * 400
    response = client.post(withdraw_url(), {"reason": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "al massimo 2.000 caratteri (ne hai scritti 2.406)" in page
    assert typed.strip() in page
    assert reload(world["version"]).status == VersionStatus.IN_VALIDATION


def test_staff_withdraw_from_the_versions_page(client, world):
    client.force_login(world["staff"])
    response = client.post(withdraw_url(), {"reason": REASON}, follow=True)
    page = response.content.decode()
    assert "Versione 1 ritirata dalla validazione" in page
    assert REASON in page
    assert reload(world["version"]).status == VersionStatus.WITHDRAWN
    # the draft can now be sent: the button is there
    assert reverse("redazione:version_submit", args=["piano", 2]) in page
    response = client.post(withdraw_url(), {"reason": REASON})  # a second click
    assert response.status_code == 400
    assert "Non si può ritirare la versione" in response.content.decode()


# who may: roles × actions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "withdrawn"),
    [
        ("anonymous", 302, False),
        ("registered", 403, False),
        ("former", 403, False),
        ("sp1", 403, False),
        ("staff", 302, True),
    ],
)
def test_who_may_withdraw_a_version(client, world, role, status, withdrawn):
    login_as(client, role, **world)
    response = client.post(withdraw_url(), {"reason": REASON})
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert (reload(world["version"]).status == VersionStatus.WITHDRAWN) == withdrawn
    assert mail.outbox == [] or withdrawn


def _withdraw_with_drafts(programme, zone, spokesperson, staff, number):
    """Version ``number`` of ``programme`` sent, given a draft with a remark by ``zone``, and
    withdrawn."""
    version = services.create_version(programme=programme, by=staff)
    services.submit_version(version=version, by=staff)
    key = Action.objects.filter(version=version).first().key
    validation_services.save_draft(
        version=version,
        zone=zone,
        by=spokesperson,
        reason=f"Bozza {number}",
        remarks=[validation_services.Remark("action", str(key), "", f"Osservazione {number}")],
    )
    services.withdraw_version(version=version, by=staff, reason=f"Ritiro {number}")


def test_the_spokesperson_home_runs_a_fixed_number_of_queries(client, world):
    staff, programme = world["staff"], world["programme"]
    services.withdraw_version(version=world["version"], by=staff, reason=REASON)
    services.submit_version(version=world["draft"], by=staff)
    services.withdraw_version(version=world["draft"], by=staff, reason="Ritiro 2")
    client.force_login(world["sp1"])
    counts = []
    for size in (2, 4):
        while PlanVersion.objects.filter(programme=programme, status="withdrawn").count() < size:
            number = PlanVersion.objects.filter(programme=programme).count() + 1
            _withdraw_with_drafts(programme, world["zone1"], world["sp1"], staff, number)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("portavoce:home")).content.decode()
        counts.append(len(queries))
        assert page.count("withdrawn-version") >= size
    assert counts[0] == counts[1], counts
