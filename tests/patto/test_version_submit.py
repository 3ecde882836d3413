"""Sending a draft to the validation goes through a confirmation page that says what will
happen, and the draft's version note can be edited until then: who may, what the pages say,
and that nothing is done twice or overwritten."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from matrice.models import Policy
from patto.models import Follow, PlanVersion, VersionStatus
from patto.programme import services
from tests.factories import ProgrammeFactory, ZoneFactory
from tests.people import login_as, someone, two_zone_programme
from tests.versions import build_version

pytestmark = pytest.mark.django_db

NOTE = "Aggiunta l'azione sulla casa; riviste le schede dei destinatari."


@pytest.fixture
def world():
    """Programme ``piano``, validated by zones 1 and 2, whose version 1 is a draft with a note;
    one person per role, and one follower."""
    people = two_zone_programme()
    version = build_version(people["programme"]).version
    PlanVersion.objects.filter(pk=version.pk).update(change_note=NOTE)
    Follow.objects.create(user=someone("registered"), programme=people["programme"])
    return {**people, "version": version, "registered": someone("registered")}


def submit_url(slug="piano", number=1):
    return reverse("redazione:version_submit", args=[slug, number])


def note_url(slug="piano", number=1):
    return reverse("redazione:version_note", args=[slug, number])


def status_of(version):
    return PlanVersion.objects.get(pk=version.pk).status


# who may: roles × actions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("registered", 403), ("sp1", 403), ("former", 403), ("staff", 200)],
)
def test_who_may_open_the_confirmation_and_the_note(client, world, role, status):
    login_as(client, role, **world)
    for url in (submit_url(), note_url()):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith(reverse("account_login"))
    assert status_of(world["version"]) == VersionStatus.DRAFT


@pytest.mark.parametrize("role", ["anonymous", "registered", "sp1", "former"])
def test_only_staff_may_send_a_draft_or_change_its_note(client, world, role):
    login_as(client, role, **world)
    assert client.post(submit_url()).status_code in (302, 403)
    loaded = services.change_note_fingerprint(NOTE)
    response = client.post(note_url(), {"change_note": "Altro", "loaded": loaded})
    assert response.status_code in (302, 403)
    version = PlanVersion.objects.get(pk=world["version"].pk)
    assert version.status == VersionStatus.DRAFT and version.change_note == NOTE
    assert mail.outbox == []


# the confirmation page ---------------------------------------------------------------------------


def test_the_versions_page_leads_to_the_confirmation_which_says_what_will_happen(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["staff"])
    versions = client.get(reverse("redazione:programme", args=["piano"])).content.decode()
    assert f'href="{submit_url()}"' in versions
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.get(submit_url()).content.decode()
    assert callbacks == []
    assert status_of(world["version"]) == VersionStatus.DRAFT  # showing it sent nothing
    assert "Invia la versione 1 alle zone" in page
    assert "nessuno può più modificarla" in page
    assert "2 zone omogenee" in page and "2 portavoce ricevono un'email" in page
    assert "oggi lo segue 1 persona" in page
    assert "pubblica come proposta" in page
    assert NOTE.replace("'", "&#x27;") in page
    assert "La nota di versione è vuota" not in page and "Nessuna modifica" not in page
    assert "Conferma e invia la versione 1 alle zone" in page


def crumbs(page: str) -> str:
    return page[page.index('class="breadcrumb"') : page.index("</ol>")]


def test_the_versions_page_has_the_breadcrumb_of_the_other_staff_pages(client, world):
    """Redazione, then the programme, as its own pages (the note, the confirmation) lead back to
    it."""
    client.force_login(world["staff"])
    versions_url = reverse("redazione:programme", args=["piano"])
    title = world["programme"].title
    versions = crumbs(client.get(versions_url).content.decode())
    assert f'<a href="{reverse("redazione:dashboard")}">Redazione</a>' in versions
    assert f'<li class="breadcrumb-item active" aria-current="page">{title}</li>' in versions
    for below in (note_url(), submit_url()):
        assert f'<a href="{versions_url}">{title}</a>' in crumbs(client.get(below).content.decode())


def test_a_zone_without_a_spokesperson_in_office_is_named(client, world):
    world["programme"].validating_zones.add(ZoneFactory(number=3))
    client.force_login(world["staff"])
    page = client.get(submit_url()).content.decode()
    assert "3 zone omogenee" in page and "2 portavoce ricevono" in page
    assert "nessun portavoce in carica: nessuno riceverà l'email" in page


def test_a_draft_changed_after_the_confirmation_was_read_is_not_sent(client, world):
    """What the page confirmed (the note, how many policies and actions) travels with the
    form: a colleague's change in between refuses the send, and the page shows the draft now."""
    client.force_login(world["staff"])
    page = client.get(submit_url()).content.decode()
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', page).group(1)
    PlanVersion.objects.filter(pk=world["version"].pk).update(change_note="Scritta da un collega")
    response = client.post(submit_url(), {"confirmed": confirmed})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nel frattempo la bozza è cambiata" in page and "Scritta da un collega" in page
    assert status_of(world["version"]) == VersionStatus.DRAFT
    fresh = re.search(r'name="confirmed" value="([^"]+)"', page).group(1)
    assert client.post(submit_url(), {"confirmed": fresh}).status_code == 302
    assert status_of(world["version"]) == VersionStatus.IN_VALIDATION


@pytest.mark.usefixtures("eager_celery")
def test_confirming_sends_once_and_a_second_click_does_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(), follow=True)
    assert "Versione 1 inviata alle zone" in response.content.decode()
    assert status_of(world["version"]) == VersionStatus.IN_VALIDATION
    sent = len(mail.outbox)
    assert {"sp1@example.org", "sp2@example.org"} <= {m.to[0] for m in mail.outbox}
    submitted_at = PlanVersion.objects.get(pk=world["version"].pk).submitted_at

    # a second click, a reload of the confirmation: a clear message, nothing sent again
    for method in (client.post, client.get):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = method(submit_url(), follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("redazione:programme", args=["piano"])
        assert re.search(r"La versione 1 è già stata inviata (?:il |l'|l&#x27;)\d", page)
        assert "non è stato fatto nulla di nuovo" in page
        assert callbacks == []
    assert len(mail.outbox) == sent
    assert PlanVersion.objects.get(pk=world["version"].pk).submitted_at == submitted_at


def test_an_empty_note_and_an_unchanged_draft_are_warned_about_not_refused(client, world):
    staff = world["staff"]
    services.submit_version(version=world["version"], by=staff)
    services.withdraw_version(version=world["version"], by=staff, reason="Da rivedere")
    draft = services.create_version(programme=world["programme"], by=staff)
    client.force_login(staff)
    page = client.get(submit_url(number=2)).content.decode()
    assert "La nota di versione è vuota" in page
    assert "Le zone non vedranno un riassunto delle modifiche" in page
    assert f'href="{note_url(number=2)}?next=' in page and "Scrivi la nota" in page
    assert "identico a quello della versione 1" in page
    assert "Conferma e invia la versione 2 alle zone" in page  # a warning, not a refusal

    Policy.objects.filter(version=draft).update(title="Politica riscritta")
    page = client.get(submit_url(number=2)).content.decode()
    assert "identico a quello" not in page
    client.post(submit_url(number=2))
    assert status_of(draft) == VersionStatus.IN_VALIDATION


def test_a_draft_that_cannot_be_sent_says_why_and_offers_no_button(client, world):
    Policy.objects.filter(version=world["version"]).delete()
    client.force_login(world["staff"])
    page = client.get(submit_url()).content.decode()
    assert "La bozza è vuota" in page and "Conferma e invia" not in page
    response = client.post(submit_url(), follow=True)
    assert "La versione è vuota" in response.content.decode()
    assert status_of(world["version"]) == VersionStatus.DRAFT


def test_a_programme_validated_by_the_redazione_is_not_sent_to_zones(client):
    version = build_version(ProgrammeFactory(slug="patto")).version
    login_as(client, "staff")
    page = client.get(submit_url("patto")).content.decode()
    assert "Invia la versione 1 alla validazione" in page
    assert "nessun portavoce riceve un'email" in page
    assert "Chi legge la proposta non vedrà un riassunto delle modifiche" in page
    assert "zone omogenee" not in page and "alle zone" not in page
    response = client.post(submit_url("patto"), follow=True)
    assert "Versione 1 inviata alla validazione" in response.content.decode()
    assert status_of(version) == VersionStatus.IN_VALIDATION


# the version note --------------------------------------------------------------------------------


def test_staff_edit_the_draft_note_and_go_back_to_the_confirmation(client, world):
    client.force_login(world["staff"])
    page = client.get(note_url()).content.decode()
    assert NOTE.replace("'", "&#x27;") in page
    loaded = services.change_note_fingerprint(NOTE)
    response = client.post(
        note_url(),
        {"change_note": "  Nuova nota.  ", "loaded": loaded, "next": submit_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == submit_url()
    assert "Nota della versione 1 salvata" in response.content.decode()
    assert PlanVersion.objects.get(pk=world["version"].pk).change_note == "Nuova nota."


def test_a_note_saved_meanwhile_is_not_overwritten(client, world):
    client.force_login(world["staff"])
    loaded = services.change_note_fingerprint(NOTE)  # two pages opened on the same note
    client.post(note_url(), {"change_note": "La nota del collega", "loaded": loaded})
    response = client.post(note_url(), {"change_note": "La mia nota", "loaded": loaded})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nel frattempo qualcun altro ha salvato la nota" in page
    assert "La nota del collega" in page and "La mia nota" in page
    assert PlanVersion.objects.get(pk=world["version"].pk).change_note == "La nota del collega"
    # saved again from the page that showed the conflict, it goes through
    fresh = services.change_note_fingerprint("La nota del collega")
    assert f'value="{fresh}"' in page
    client.post(note_url(), {"change_note": "La mia nota", "loaded": fresh})
    assert PlanVersion.objects.get(pk=world["version"].pk).change_note == "La mia nota"


def test_a_too_long_note_is_refused_with_what_was_typed(client, world):
    client.force_login(world["staff"])
    typed = "x" * (services.CHANGE_NOTE_MAX_LENGTH + 1)
    loaded = services.change_note_fingerprint(NOTE)
    response = client.post(note_url(), {"change_note": typed, "loaded": loaded})
    assert response.status_code == 400
    # the numbers grouped as the help under the box and its counter write them
    limit = f"{services.CHANGE_NOTE_MAX_LENGTH:,}".replace(",", ".")
    count = f"{services.CHANGE_NOTE_MAX_LENGTH + 1:,}".replace(",", ".")
    assert (
        f"La nota è troppo lunga: al massimo {limit} caratteri (ne hai scritti {count})."
        in response.content.decode()
    )
    assert typed in response.content.decode()
    assert PlanVersion.objects.get(pk=world["version"].pk).change_note == NOTE


def test_the_note_of_a_frozen_version_cannot_be_changed(client, world):
    services.submit_version(version=world["version"], by=world["staff"])
    client.force_login(world["staff"])
    page = client.get(note_url()).content.decode()
    assert "La nota non si può più modificare" in page and "Salva la nota" not in page
    loaded = services.change_note_fingerprint(NOTE)
    response = client.post(note_url(), {"change_note": "Riscritta", "loaded": loaded})
    assert response.status_code == 400
    page = response.content.decode()
    assert "il suo contenuto non si può più modificare" in page and "Riscritta" in page
    assert PlanVersion.objects.get(pk=world["version"].pk).change_note == NOTE
