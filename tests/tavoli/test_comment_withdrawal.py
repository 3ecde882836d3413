"""An author withdraws their comment: it leaves the contribution's page and its count, the
moderation queue and the e-mails; the author still finds it in their profile, marked; twice, or
once the redazione hid it, is refused and changes nothing; deleting the account deletes it."""

import re

import pytest
from django.urls import reverse

from tavoli import services
from tavoli.models import Comment, Moderation

pytestmark = pytest.mark.django_db

TEXT = "Aggiungerei anche i pomeriggi del sabato."


def withdraw_url(c, comment):
    return reverse("tavoli:withdraw_comment", args=[c.programme.slug, comment.pk])


def contribution_url(c, contribution):
    return reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])


def test_the_author_withdraws_a_comment_and_it_leaves_the_page(client, consultation):
    c = consultation
    contribution = c.online()
    comment = c.comment(contribution, text=TEXT)
    page = contribution_url(c, contribution)
    assert TEXT in client.get(page).content.decode()

    client.force_login(c.other)  # its author: the link is under their own comment only
    assert withdraw_url(c, comment) in client.get(page).content.decode()
    confirm = client.get(withdraw_url(c, comment)).content.decode()
    assert "Se lo ritiri:" in confirm and "sparisce dalla pagina del contributo" in confirm
    response = client.post(withdraw_url(c, comment), follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile:detail") + "#commenti"
    profile = response.content.decode()
    assert "Hai ritirato il commento." in profile
    section = profile[profile.index('id="commenti"') :]
    assert TEXT in section and re.search(r"L(?:'|&#x27;)hai ritirato (?:il |l'|l&#x27;)\d", section)
    assert withdraw_url(c, comment) not in profile  # nothing left to withdraw

    comment.refresh_from_db()
    assert comment.is_withdrawn and comment.moderated_by == c.other
    client.logout()
    html = client.get(page).content.decode()
    assert TEXT not in html and "1 commento" not in html


def test_only_its_author_sees_the_link(client, consultation):
    c = consultation
    contribution = c.online()
    comment = c.comment(contribution, text=TEXT)
    client.force_login(c.author)  # the contribution's author, not the comment's
    assert withdraw_url(c, comment) not in client.get(contribution_url(c, contribution)).text


def test_a_second_click_changes_nothing(client, consultation):
    c = consultation
    comment = c.comment(c.online(), text=TEXT)
    client.force_login(c.other)
    client.post(withdraw_url(c, comment))
    comment.refresh_from_db()
    revision = comment.revision
    response = client.post(withdraw_url(c, comment), follow=True)
    assert "Hai già ritirato questo commento." in response.content.decode()
    comment.refresh_from_db()
    assert comment.revision == revision


def test_a_hidden_comment_cannot_be_withdrawn(client, consultation):
    c = consultation
    comment = c.comment(c.online(), text=TEXT, moderation=Moderation.HIDDEN)
    client.force_login(c.other)
    page = client.get(withdraw_url(c, comment)).content.decode()
    assert "non c'è niente da ritirare" in page and "Ritira il commento</button>" not in page
    response = client.post(withdraw_url(c, comment))
    assert response.status_code == 409
    comment.refresh_from_db()
    assert comment.is_hidden


def test_one_waiting_for_moderation_leaves_the_queue_and_cannot_be_approved(
    client, consultation, django_capture_on_commit_callbacks
):
    c = consultation
    comment = c.comment(c.online(), text=TEXT, moderation=Moderation.PENDING)
    client.force_login(c.other)
    page = client.get(withdraw_url(c, comment)).content.decode()
    assert "non viene pubblicato" in page
    client.post(withdraw_url(c, comment))
    client.force_login(c.staff)
    queue = client.get(reverse("redazione:tavoli_moderation")).content.decode()
    assert TEXT not in queue and "0 commenti in attesa" in queue
    moderate = reverse("redazione:tavoli_comment_moderate", args=[comment.pk])
    comment.refresh_from_db()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            moderate, {"revision": comment.revision, "decision": "approve"}, follow=True
        )
    assert "ha ritirato questo commento: non si può più moderare" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_withdrawn and not queued  # no e-mail to the contribution's author


def test_the_profile_lists_every_comment_with_what_became_of_it(client, consultation):
    c = consultation
    contribution = c.online()
    c.comment(contribution, text="Pubblicato e mio.")
    c.comment(contribution, text="Da moderare.", moderation=Moderation.PENDING)
    c.comment(contribution, text="Nascosto.", moderation=Moderation.HIDDEN)
    c.comment(contribution, text="Di un'altra persona.", author=c.author)
    client.force_login(c.other)
    profile = client.get(reverse("profile:detail")).content.decode()
    section = profile[profile.index('id="commenti"') :]
    section = section[: section.index("</section>")]
    for text in ("Pubblicato e mio.", "Da moderare.", "Nascosto."):
        assert text in section
    assert "Di un&#x27;altra persona." not in section
    assert "In attesa di moderazione" in section and "Motivo: Offensivo." in section
    assert section.count(">Ritira<") == 2  # the published one and the one waiting


def test_deleting_the_account_deletes_the_withdrawn_comments(client, consultation):
    c = consultation
    contribution = c.online()
    kept = c.comment(contribution, text="Resta, senza firma.")
    withdrawn = c.comment(contribution, text=TEXT)
    services.withdraw_comment(comment=withdrawn, by=c.other)
    client.force_login(c.other)
    page = client.get(reverse("profile:delete")).content.decode()
    assert "i commenti che hai ritirato vengono cancellati" in page
    assert "il tuo commento resta, senza la tua firma" in page  # one kept, not two
    from patto.accounts.services import delete_account

    delete_account(user=c.other)
    assert not Comment.objects.filter(pk=withdrawn.pk).exists()
    assert not Comment.history.filter(id=withdrawn.pk).exists()
    kept.refresh_from_db()
    assert kept.author is None and kept.author_name == ""
