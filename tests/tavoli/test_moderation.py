"""The redazione's side of the consultation: the moderation queue and the dashboard's counts,
hiding with a required public reason, optimistic locking, the consultation settings of a
programme and of its phases."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tavoli.models import Moderation
from tests.factories import PhaseFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_queue_lists_what_waits_and_the_dashboard_counts_it(client, consultation):
    c = consultation
    pending = c.online(moderation=Moderation.PENDING, title="Da moderare")
    c.online(title="Già pubblicato", text="Altro")
    c.comment(pending.__class__.objects.get(title="Già pubblicato"), moderation="pending")
    client.force_login(c.staff)
    page = client.get(reverse("redazione:tavoli_moderation")).content.decode()
    assert "1 contributo in attesa" in page and "Da moderare" in page
    assert "1 commento in attesa" in page and "Già pubblicato" in page
    dashboard = client.get(reverse("redazione:dashboard")).content.decode()
    assert "1 contributo online da moderare, 1 commento" in dashboard
    filtered = client.get(reverse("redazione:tavoli_moderation"), {"programma": "altro"})
    assert filtered.status_code == 200  # an unknown programme is a form error, not a crash


def test_a_long_queue_is_shown_a_page_at_a_time_and_each_list_keeps_its_page(client, consultation):
    c = consultation
    for i in range(27):
        c.online(moderation=Moderation.PENDING, title=f"In attesa {i:02d}")
    approved = c.online(title="Pubblicato")
    for i in range(26):
        c.comment(approved, moderation=Moderation.PENDING, text=f"Commento {i:02d}")
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_moderation")
    first = client.get(url).content.decode()
    # the headline counts the whole queue; the page holds its oldest 25, then a link
    assert "27 contributi in attesa" in first and "26 commenti in attesa" in first
    assert "In attesa 24" in first and "In attesa 25" not in first
    assert "Commento 24" in first and "Commento 25" not in first
    assert first.count("Pagina 1 di 2") == 2
    second = client.get(url, {"contributi": 2, "commenti": "nonsense"}).content.decode()
    assert "In attesa 25" in second and "In attesa 26" in second
    assert "In attesa 24" not in second
    assert "Commento 00" in second  # a wrong page number is the first page
    # the other list keeps its page in the links to the next page of one list
    both = client.get(f"{url}?contributi=2&commenti=1").content.decode()
    assert 'href="?contributi=2&amp;commenti=2"' in both


def test_hiding_needs_a_reason(client, consultation):
    c = consultation
    contribution = c.online()
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk])
    response = client.post(
        url, {"revision": contribution.revision, "decision": "hide", "reason": ""}, follow=True
    )
    assert "Scrivi il motivo" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.is_approved
    client.post(url, {"revision": contribution.revision, "decision": "hide", "reason": "Spam."})
    contribution.refresh_from_db()
    assert contribution.is_hidden and contribution.hidden_reason == "Spam."
    assert contribution.moderated_by == c.staff


def reason_box(page: str, box: str) -> tuple[str, str]:
    """The reason's ``<textarea>`` of id ``box`` (its opening tag) and what is written in it."""
    found = re.search(rf'(<textarea name="reason" id="{box}"[^>]*>)\n?(.*?)</textarea>', page, re.S)
    assert found, f"no reason box {box}"
    return found[1], html.unescape(found[2])


REFUSED_REASONS = [
    ("", "Scrivi il motivo: sarà pubblico, al posto del testo."),
    ("   ", "Scrivi il motivo: sarà pubblico, al posto del testo."),
    ("Troppo lungo. " * 80, "Scrivi al massimo 1.000 caratteri (ne hai scritti 1.119)."),
]


@pytest.mark.parametrize(("typed", "error"), REFUSED_REASONS)
def test_a_refused_hiding_in_the_queue_says_why_at_the_reason_and_keeps_it(
    client, consultation, typed, error
):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING, title="Da moderare")
    comment = c.comment(c.online(title="Pubblicato"), moderation=Moderation.PENDING)
    client.force_login(c.staff)
    queue = reverse("redazione:tavoli_moderation") + f"?programma={c.programme.slug}"
    for item, name, box in (
        (contribution, "contribution", f"mod-c-{contribution.pk}-reason"),
        (comment, "comment", f"mod-m-{comment.pk}-reason"),
    ):
        response = client.post(
            reverse(f"redazione:tavoli_{name}_moderate", args=[item.pk]),
            {"revision": item.revision, "decision": "hide", "reason": typed, "next": queue},
        )
        page = response.content.decode()
        assert response.status_code == 400  # a reload does not look like a success
        assert "Moderazione della consultazione" in page  # the queue again, as it was filtered
        assert f'<option value="{c.programme.slug}" selected>' in page
        # the error is at the reason, which says so to a screen reader, with what was typed
        tag, kept = reason_box(page, box)
        assert 'class="form-control form-control-sm is-invalid"' in tag
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{box}-error"' in tag
        assert kept == typed
        assert f'<div id="{box}-error"><p class="text-danger small mb-0">{error}</p>' in page
        # at the top of the page, a line leading to it; the other items' boxes are as they were
        assert f'Moderazione non salvata: <a href="#{box}">correggi il motivo</a>' in page
        assert page.count("is-invalid") == 1
        # and the forms on the page come back to the same queue
        assert f'name="next" value="{html.escape(queue)}"' in page
        item.refresh_from_db()
        assert item.is_pending and item.hidden_reason == ""


def test_a_refused_hiding_on_the_contributions_page_says_why_at_the_reason(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    client.force_login(c.staff)
    detail = reverse("redazione:tavoli_contribution", args=[contribution.pk])
    typed = "Fuori tema. " * 100
    response = client.post(
        reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk]),
        {"revision": contribution.revision, "decision": "hide", "reason": typed, "next": detail},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Salva la risposta" in page  # the contribution's own page again
    box = f"moderazione-{contribution.pk}-reason"
    tag, kept = reason_box(page, box)
    assert "is-invalid" in tag and f'aria-describedby="{box}-error"' in tag
    assert kept == typed
    assert "Scrivi al massimo 1.000 caratteri (ne hai scritti 1.199)." in page
    assert f'name="next" value="{detail}"' in page
    contribution.refresh_from_db()
    assert contribution.is_pending


def test_a_stale_moderation_is_refused(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    stale = contribution.revision
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk])
    client.post(url, {"revision": stale, "decision": "approve"})
    response = client.post(
        url, {"revision": stale, "decision": "hide", "reason": "Doppio."}, follow=True
    )
    assert "Nel frattempo" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.is_approved


def test_a_hiding_refused_by_a_conflict_keeps_the_reason_typed(client, consultation):
    """Someone approved the contribution while this member of staff was writing why to hide
    it: the contribution's page again, the conflict said at the top, the reason still in its
    box to send again."""
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    stale = contribution.revision
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk])
    detail = reverse("redazione:tavoli_contribution", args=[contribution.pk])
    client.post(url, {"revision": stale, "decision": "approve"})
    typed = "Fuori tema: parla di un altro comune."
    response = client.post(
        url, {"revision": stale, "decision": "hide", "reason": typed, "next": detail}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nel frattempo" in page
    _tag, kept = reason_box(page, f"moderazione-{contribution.pk}-reason")
    assert kept == typed
    contribution.refresh_from_db()
    assert contribution.is_approved and contribution.hidden_reason == ""


def test_the_staff_page_of_an_online_contribution_shows_its_moderation(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    client.force_login(c.staff)
    page = client.get(
        reverse("redazione:tavoli_contribution", args=[contribution.pk])
    ).content.decode()
    assert "In attesa di moderazione" in page and "Approva" in page
    assert "Sull&#x27;azione" in page or "Sull'azione" in page


def test_staff_set_the_window_and_the_approval_setting(client, consultation):
    c = consultation
    client.force_login(c.staff)
    prefix = f"fase{c.phase.pk}"
    url = reverse("redazione:tavoli_phase_consultation", args=[c.programme.slug, c.phase.pk])
    response = client.post(
        url,
        {
            f"{prefix}-revision": c.phase.revision,
            f"{prefix}-is_consultation": "on",
            f"{prefix}-consultation_opens_at": "2030-05-10T09:00",
            f"{prefix}-consultation_closes_at": "2030-05-01T18:00",
        },
    )
    assert response.status_code == 200
    assert "La consultazione deve chiudersi dopo essersi aperta." in response.content.decode()
    response = client.post(
        url,
        {
            f"{prefix}-revision": c.phase.revision,
            f"{prefix}-is_consultation": "on",
            f"{prefix}-consultation_opens_at": "",
            f"{prefix}-consultation_closes_at": "",
        },
    )
    assert "Indica quando si apre la consultazione." in response.content.decode()
    response = client.post(
        url,
        {
            f"{prefix}-revision": c.phase.revision,
            f"{prefix}-is_consultation": "on",
            f"{prefix}-consultation_opens_at": "2030-05-01T09:00",
            f"{prefix}-consultation_closes_at": "2030-05-31T18:00",
        },
    )
    assert response.status_code == 302
    c.phase.refresh_from_db()
    assert timezone.localtime(c.phase.consultation_opens_at).replace(tzinfo=None) == (
        datetime.datetime(2030, 5, 1, 9, 0)
    )
    page = client.get(reverse("patto:version", args=[c.programme.slug, 2])).content.decode()
    assert "La consultazione si aprirà il 1 maggio 2030 alle 09:00" in page
    settings_url = reverse("redazione:tavoli_consultation", args=[c.programme.slug])
    client.post(settings_url, {"revision": c.programme.revision})
    c.programme.refresh_from_db()
    assert not c.programme.contributions_need_approval
    # a stale form is refused
    response = client.post(
        settings_url,
        {"revision": c.programme.revision - 1, "contributions_need_approval": "on"},
    )
    assert "Nel frattempo" in response.content.decode()
    c.programme.refresh_from_db()
    assert not c.programme.contributions_need_approval


def test_a_consultation_with_no_public_version_warns_the_redazione(client, consultation):
    """A phase may be marked as a consultation before any version is public (to prepare it);
    its settings page says that until one is published nobody can contribute."""
    c = consultation
    c.open()
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_consultation", args=[c.programme.slug])
    warning = "Non c'è ancora una versione pubblica del piano"
    assert warning not in client.get(url).content.decode()
    empty = ProgrammeFactory(slug="senza-versioni")
    PhaseFactory(
        programme=empty,
        is_consultation=True,
        consultation_opens_at=c.phase.consultation_opens_at,
        consultation_closes_at=c.phase.consultation_closes_at,
    )
    page = client.get(reverse("redazione:tavoli_consultation", args=[empty.slug]))
    assert warning in page.content.decode()


def test_the_staff_list_filters_by_channel_and_moderation(client, consultation):
    c = consultation
    c.online(moderation=Moderation.PENDING, title="Online in attesa")
    c.online(title="Online pubblicato", text="Altro testo")
    client.force_login(c.staff)
    url = reverse("redazione:tavoli_contributions")
    page = client.get(url, {"canale": "online", "moderazione": "pending"}).content.decode()
    assert "Online in attesa" in page and "Online pubblicato" not in page
    assert "In attesa di moderazione" in page
