"""An author withdraws their online contribution before the redazione takes it up: it leaves
every public page, count, open data file and search result, its address says it was withdrawn,
the author still finds it in their profile; withdrawing twice, or once the redazione has taken
it up, is refused and changes nothing; the redazione can no longer moderate, answer or edit it."""

import re

import pytest
from django.urls import reverse

from tavoli.models import Contribution, ContributionStatus, Moderation

pytestmark = pytest.mark.django_db

TITLE = "Sportelli aperti il sabato"


def withdraw_url(c, contribution):
    return reverse("tavoli:withdraw", args=[c.programme.slug, contribution.pk])


def public_pages(c) -> dict[str, str]:
    """What anyone reads where the contribution was shown."""
    return {
        "action": reverse(
            "matrice:action", args=[c.programme.slug, c.proposal.number, c.action.code]
        ),
        "list": reverse("tavoli:contributions", args=[c.programme.slug]),
        "csv": reverse("tavoli:opendata_csv", args=[c.programme.slug]),
        "search": reverse("search:results") + "?q=settimana",
    }


def test_the_author_withdraws_it_and_it_leaves_the_public_pages(client, consultation):
    c = consultation
    contribution = c.online(title=TITLE)
    c.comment(contribution)
    pages = public_pages(c)
    for name, url in pages.items():
        assert TITLE in client.get(url).content.decode(), name

    client.force_login(c.author)
    page = client.get(withdraw_url(c, contribution)).content.decode()
    assert "Se lo ritiri:" in page and "Non si può tornare indietro." in page
    assert "sparisce dalle pagine del portale" in page
    response = client.post(withdraw_url(c, contribution), follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile:detail") + "#contributi"
    profile = response.content.decode()
    assert f"Hai ritirato il contributo «{TITLE}»" in profile
    assert re.search(r"L(?:'|&#x27;)hai ritirato (?:il |l'|l&#x27;)\d", profile)
    assert withdraw_url(c, contribution) not in profile  # nothing left to withdraw

    contribution.refresh_from_db()
    assert contribution.is_withdrawn and contribution.moderated_by == c.author
    assert contribution.history.first().history_user == c.author

    client.logout()
    for name, url in pages.items():
        assert TITLE not in client.get(url).content.decode(), name
    # its address says what became of it, rather than a bare «not found»
    detail = client.get(reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk]))
    assert detail.status_code == 410
    assert "Contributo ritirato" in detail.content.decode()
    assert TITLE not in detail.content.decode()
    # and nobody can comment on it any more
    client.force_login(c.other)
    comment = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
    assert client.get(comment).status_code == 404


def test_one_waiting_for_moderation_leaves_the_queue(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING, title=TITLE)
    client.force_login(c.author)
    client.post(withdraw_url(c, contribution), follow=True)
    client.force_login(c.staff)
    queue = client.get(reverse("redazione:tavoli_moderation")).content.decode()
    assert TITLE not in queue and "0 contributi in attesa" in queue


def test_a_second_click_says_it_is_done_and_changes_nothing(client, consultation):
    c = consultation
    contribution = c.online()
    client.force_login(c.author)
    client.post(withdraw_url(c, contribution))
    contribution.refresh_from_db()
    first = (contribution.moderated_at, contribution.revision)
    response = client.post(withdraw_url(c, contribution), follow=True)
    assert "Hai già ritirato questo contributo." in response.content.decode()
    contribution.refresh_from_db()
    assert (contribution.moderated_at, contribution.revision) == first
    page = client.get(withdraw_url(c, contribution)).content.decode()
    assert re.search(r"Hai ritirato questo contributo (?:il |l'|l&#x27;)\d", page)
    assert f'action="{withdraw_url(c, contribution)}"' not in page


@pytest.mark.parametrize(
    "taken_up",
    ["under_review", "answered", "led_to"],
)
def test_once_the_redazione_has_taken_it_up_it_stays(client, consultation, taken_up):
    c = consultation
    contribution = c.online(title=TITLE)
    if taken_up == "under_review":
        contribution.status = ContributionStatus.UNDER_REVIEW
    elif taken_up == "answered":
        contribution.status = ContributionStatus.ACCEPTED
        contribution.response = "Lo faremo."
    contribution.save()
    if taken_up == "led_to":
        contribution.led_to.add(c.action)
    client.force_login(c.author)
    profile = client.get(reverse("profile:detail")).content.decode()
    assert withdraw_url(c, contribution) not in profile
    page = client.get(withdraw_url(c, contribution)).content.decode()
    assert "non puoi più ritirarlo" in page
    assert f'action="{withdraw_url(c, contribution)}"' not in page
    revision = Contribution.objects.get(pk=contribution.pk).revision
    response = client.post(withdraw_url(c, contribution))
    assert response.status_code == 409
    assert "non puoi più ritirarlo" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.is_approved and contribution.revision == revision


def test_the_profile_offers_it_only_for_what_can_still_be_withdrawn(client, consultation):
    c = consultation
    mine = c.online(title="Il mio contributo")
    hidden = c.online(moderation=Moderation.HIDDEN, title="Nascosto dalla redazione")
    client.force_login(c.author)
    profile = client.get(reverse("profile:detail")).content.decode()
    assert withdraw_url(c, mine) in profile
    assert withdraw_url(c, hidden) not in profile
    # and its own page, for its author only
    detail = reverse("tavoli:contribution", args=[c.programme.slug, mine.pk])
    assert withdraw_url(c, mine) in client.get(detail).content.decode()
    client.force_login(c.other)
    assert withdraw_url(c, mine) not in client.get(detail).content.decode()
    client.logout()
    assert withdraw_url(c, mine) not in client.get(detail).content.decode()


def test_the_redazione_can_no_longer_moderate_answer_or_edit_it(client, consultation):
    c = consultation
    contribution = c.online(title=TITLE)
    client.force_login(c.author)
    client.post(withdraw_url(c, contribution), follow=True)
    contribution.refresh_from_db()
    revision = contribution.revision
    client.force_login(c.staff)
    page = client.get(reverse("redazione:tavoli_contribution", args=[contribution.pk]))
    html = page.content.decode()
    assert "Ritirato da chi l&#x27;ha scritto" in html
    assert "Chi l&#x27;ha scritto ha ritirato" in html or "Chi l'ha scritto ha ritirato" in html
    assert "Salva la risposta" not in html and 'name="decision"' not in html
    moderate = reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk])
    response = client.post(moderate, {"revision": revision, "decision": "approve"}, follow=True)
    assert "non si può più moderare" in response.content.decode()
    client.post(moderate, {"revision": revision, "decision": "hide", "reason": "Doppio."})
    answer = reverse("redazione:tavoli_contribution_answer", args=[contribution.pk])
    client.post(answer, {"revision": revision, "status": "accepted", "response": "Sì."})
    contribution.refresh_from_db()
    assert contribution.is_withdrawn and contribution.revision == revision
    assert contribution.status == ContributionStatus.RECEIVED


def test_the_pages_in_english(client, consultation):
    c = consultation
    contribution = c.online()
    withdraw = withdraw_url(c, contribution)
    detail = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    client.force_login(c.author)
    page = client.get("/en" + withdraw).content.decode()
    assert "Withdraw the contribution" in page and "Se lo ritiri" not in page
    client.post("/en" + withdraw)
    client.logout()
    gone = client.get("/en" + detail)
    assert gone.status_code == 410 and "Contribution withdrawn" in gone.content.decode()


def test_the_redazione_has_nothing_to_answer_once_it_is_withdrawn(client, consultation):
    c = consultation
    c.online(title="Ancora da esaminare", text="Un altro testo.")
    withdrawn = c.online(title=TITLE)  # the newer: it would come first among those waiting
    client.force_login(c.author)
    client.post(withdraw_url(c, withdrawn), follow=True)
    client.force_login(c.staff)
    dashboard = client.get(reverse("redazione:dashboard")).content.decode()
    assert "1 contributo in attesa di risposta" in dashboard
    listed = client.get(reverse("redazione:tavoli_contributions"), {"esito": "in_attesa"})
    assert "Ancora da esaminare" in listed.content.decode()
    assert TITLE not in listed.content.decode()
    # the whole list still shows it, after those waiting, marked, with no outcome to set
    row = client.get(reverse("redazione:tavoli_contributions")).content.decode()
    assert row.index("Ancora da esaminare") < row.index(TITLE)
    row = row[row.index(f'id="contributo-{withdrawn.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Ritirato da chi l&#x27;ha scritto" in row
    assert f'name="c{withdrawn.pk}-status"' not in row


def test_its_comments_go_with_it(client, consultation, mailoutbox):
    c = consultation
    contribution = c.online(title=TITLE)
    waiting = c.comment(contribution, moderation=Moderation.PENDING, text="Da moderare")
    client.force_login(c.author)
    client.post(withdraw_url(c, contribution), follow=True)
    client.force_login(c.staff)
    queue = client.get(reverse("redazione:tavoli_moderation")).content.decode()
    assert "Da moderare" not in queue and "0 commenti in attesa" in queue
    dashboard = client.get(reverse("redazione:dashboard")).content.decode()
    assert "0 contributi online da moderare, 0 commenti" in dashboard
    # approving it anyway (a queue opened before) is refused, and its author hears nothing
    moderate = reverse("redazione:tavoli_comment_moderate", args=[waiting.pk])
    response = client.post(
        moderate, {"revision": waiting.revision, "decision": "approve"}, follow=True
    )
    assert "non si può più moderare" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.is_pending and not mailoutbox
    # and nobody can comment on it any more, even with the form of a page opened before
    client.force_login(c.other)
    comment = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
    assert client.post(comment, {"text": "Troppo tardi"}).status_code == 404


def test_a_comment_published_before_the_withdrawal_sends_no_mail_after(consultation, mailoutbox):
    from tavoli.tasks import comment_published

    c = consultation
    contribution = c.online(title=TITLE)
    comment = c.comment(contribution)
    Contribution.objects.filter(pk=contribution.pk).update(moderation=Moderation.WITHDRAWN)
    assert comment_published(comment.pk) == 0 and not mailoutbox


def test_one_withdrawn_before_it_was_published_stays_unknown(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING, title=TITLE)
    client.force_login(c.author)
    page = client.get(withdraw_url(c, contribution)).content.decode()
    assert "non viene pubblicato;" in page and "sparisce dalle pagine" not in page
    response = client.post(withdraw_url(c, contribution), follow=True)
    assert f"Hai ritirato il contributo «{TITLE}»." in response.content.decode()
    detail = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    assert client.get(detail).status_code == 404
    client.logout()
    assert client.get(detail).status_code == 404


def test_deleting_the_account_deletes_what_was_withdrawn(client, consultation):
    c = consultation
    kept = c.online(title="Resta, senza nome")
    withdrawn = c.online(title=TITLE, text="Un testo ripreso indietro.")
    c.comment(withdrawn)
    c.comment(withdrawn, author=c.author, text="Aggiungo una cosa.")
    c.comment(kept, author=c.author, text="Preciso una cosa.")
    client.force_login(c.author)
    client.post(withdraw_url(c, withdrawn), follow=True)
    page = client.get(reverse("profile:delete")).content.decode()
    assert "il tuo contributo resta, senza il tuo nome" in page
    # the comment written under the withdrawn contribution goes with it, not counted as kept
    assert "il tuo commento resta, senza la tua firma" in page
    assert "i contributi che hai ritirato vengono cancellati" in page
    from patto.accounts.services import delete_account

    delete_account(user=c.author)
    assert not Contribution.objects.filter(pk=withdrawn.pk).exists()
    assert not Contribution.history.filter(id=withdrawn.pk).exists()
    assert not Contribution.history.filter(text="Un testo ripreso indietro.").exists()
    kept.refresh_from_db()
    assert kept.author is None and kept.is_approved
