"""The consultation as people meet it: the window (before, during, after; refused on the
server too), contributions on the proposal, a policy or an action, moderation (approval before
publication or at once, hiding with a public reason), what only the author sees, comments,
duplicates, and the e-mail to the author when the redazione answers."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut, PlanVersion, VersionStatus
from tavoli import services
from tavoli.models import Comment, Contribution, ContributionChannel, Moderation
from tavoli.queries import SHOWN_CONTRIBUTIONS
from tests.factories import ContributionFactory, ThematicTableFactory
from tests.tavoli.consultation import version_with_items
from tests.xss import XSS, active_content

pytestmark = pytest.mark.django_db


def action_url(c, version=None):
    version = version or c.proposal
    return reverse("matrice:action", args=[c.programme.slug, version.number, c.action.code])


def version_url(c):
    return reverse("patto:version", args=[c.programme.slug, c.proposal.number])


def contribute_url(c):
    return reverse("tavoli:contribute", args=[c.programme.slug, c.proposal.number])


def post_contribution(client, c, **data):
    payload = {
        "kind": "proposal",
        "title": "Sportelli aperti il sabato",
        "text": "Molte famiglie lavorano durante la settimana.",
        "author_name": "Maria Bianchi",
        "body_name": "",
        "actor_category": "cittadini",
        "action": c.action.code,
        **data,
    }
    return client.post(contribute_url(c), payload)


# the window ----------------------------------------------------------------------------------


def test_open_consultation_shows_the_form_on_the_proposal_policy_and_action(client, consultation):
    c = consultation
    client.force_login(c.author)
    page = client.get(version_url(c)).content.decode()
    assert 'action="' + contribute_url(c) + '"' in page
    assert 'name="policy" value="1"' in page  # the policy's own form
    assert "Lascia un contributo sul testo nel suo insieme" in page
    action_page = client.get(action_url(c)).content.decode()
    assert 'name="action" value="1.1.1"' in action_page
    assert "La consultazione è aperta fino al" in action_page


def test_the_form_is_only_on_the_version_under_consultation(client, consultation):
    c = consultation
    client.force_login(c.author)
    page = client.get(action_url(c, c.published)).content.decode()
    assert 'name="action"' not in page
    old_form = client.get(
        reverse("tavoli:contribute", args=[c.programme.slug, c.published.number])
    ).content.decode()
    assert "La consultazione riguarda la versione 2 del piano." in old_form
    response = client.post(
        reverse("tavoli:contribute", args=[c.programme.slug, c.published.number]),
        {"kind": "proposal", "title": "T", "text": "Testo", "action": c.action.code},
    )
    assert response.status_code == 200
    assert "La consultazione riguarda la versione 2 del piano." in response.content.decode()
    assert not Contribution.objects.exists()


def test_before_opening_the_form_says_when_it_will_open_and_a_post_is_refused(client, consultation):
    c = consultation
    opens = timezone.make_aware(datetime.datetime(2031, 3, 3, 9, 0))
    c.set_window(opens, opens + datetime.timedelta(days=30))
    client.force_login(c.author)
    page = client.get(action_url(c)).content.decode()
    assert "La consultazione si aprirà il 3 marzo 2031 alle 09:00" in page
    assert 'name="action" value' not in page
    response = post_contribution(client, c)
    assert response.status_code == 200
    assert "La consultazione si aprirà il 3 marzo 2031 alle 09:00" in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_window_reads_l_8_the_11th_and_one_o_clock_with_their_article(client, consultation):
    """«si aprirà l'8 marzo 2031 all'01:30 e si chiuderà l'11 aprile 2031 alle 18:00»; open, «fino
    all'11 aprile»; in English the date carries no Italian article."""
    c = consultation
    opens = timezone.make_aware(datetime.datetime(2031, 3, 8, 1, 30))
    closes = timezone.make_aware(datetime.datetime(2031, 4, 11, 18, 0))
    c.set_window(opens, closes)
    client.force_login(c.author)
    page = client.get(action_url(c)).content.decode()
    assert (
        "La consultazione si aprirà l&#x27;8 marzo 2031 all&#x27;01:30 e si chiuderà "
        "l&#x27;11 aprile 2031 alle 18:00."
    ) in page
    c.set_window(timezone.now() - datetime.timedelta(days=1), closes)
    page = client.get(action_url(c)).content.decode()
    assert "La consultazione è aperta fino all&#x27;11 aprile 2031 alle 18:00." in page
    english = client.get(f"/en{action_url(c)}").content.decode()
    assert "11 April 2031" in english and "l&#x27;11" not in english


def test_after_closing_the_form_says_when_it_opened_and_closed_and_a_post_is_refused(
    client, consultation
):
    c = consultation
    opens = timezone.make_aware(datetime.datetime(2020, 1, 10, 9, 0))
    closes = timezone.make_aware(datetime.datetime(2020, 2, 10, 18, 0))
    c.set_window(opens, closes)
    client.force_login(c.author)
    message = (
        "La consultazione si è aperta il 10 gennaio 2020 alle 09:00 e si è chiusa il "
        "10 febbraio 2020 alle 18:00."
    )
    assert message in client.get(version_url(c)).content.decode()
    response = post_contribution(client, c)
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_home_page_invites_everyone_to_an_open_consultation(client, consultation):
    """The home page says first that a consultation is open, until when, and leads to the
    proposal's form; the programme's card says it too. Closed, neither says anything."""
    c = consultation
    home = client.get("/").content.decode()
    assert "Partecipa: una consultazione è aperta" in home
    assert f'href="{version_url(c)}#consultazione"' in home
    assert "Consultazione aperta" in home and "La consultazione è aperta fino al" in home
    listed = client.get(reverse("patto:programmes")).content.decode()
    assert f'href="{version_url(c)}#consultazione"' in listed
    # the proposal withdrawn: the consultation is about the plan in force, as its form says
    PlanVersion.objects.filter(pk=c.proposal.pk).update(
        status=VersionStatus.WITHDRAWN, withdrawal_reason="Da rifare.", withdrawn_at=timezone.now()
    )
    home = client.get("/").content.decode()
    in_force = reverse("patto:version", args=[c.programme.slug, c.published.number])
    assert f'href="{in_force}#consultazione"' in home and version_url(c) not in home
    assert "Il piano «Piano sociale metropolitano», versione 1" in home
    c.set_window(
        timezone.make_aware(datetime.datetime(2020, 1, 10, 9, 0)),
        timezone.make_aware(datetime.datetime(2020, 2, 10, 18, 0)),
    )
    home = client.get("/").content.decode()
    assert "Partecipa" not in home and "#consultazione" not in home


def test_the_window_closes_at_the_closing_instant(consultation):
    c = consultation
    closes = c.phase.consultation_closes_at
    assert c.phase.consultation_state(closes - datetime.timedelta(seconds=1)) == "open"
    assert c.phase.consultation_state(closes) == "closed"
    assert c.phase.consultation_state(c.phase.consultation_opens_at) == "open"


def test_a_programme_without_consultation_shows_no_form(client, consultation):
    c = consultation
    c.phase.is_consultation = False
    c.phase.save()
    client.force_login(c.author)
    assert "consultation-form" not in client.get(action_url(c)).content.decode()
    post_contribution(client, c)
    assert not Contribution.objects.exists()


def test_anonymous_visitors_are_asked_to_log_in(client, consultation):
    c = consultation
    page = client.get(action_url(c)).content.decode()
    assert "Accedi per partecipare" in page
    assert "consultation-form" not in page
    response = post_contribution(client, c)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Contribution.objects.exists()


# contributions and moderation ------------------------------------------------------------------


def test_a_contribution_waits_for_approval_and_only_its_author_sees_it(client, consultation):
    c = consultation
    client.force_login(c.author)
    response = post_contribution(client, c, body_name="", author_name="Maria Bianchi")
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"{action_url(c)}#contributo-{contribution.pk}")
    assert contribution.channel == ContributionChannel.ONLINE
    assert contribution.moderation == Moderation.PENDING
    assert contribution.version == c.proposal and contribution.action_key == c.action.key
    assert contribution.actor_category == "cittadini"
    own = client.get(action_url(c)).content.decode()
    assert "Sportelli aperti il sabato" in own and "In attesa di moderazione" in own
    detail = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    assert client.get(detail).status_code == 200
    for who in (c.other, c.staff, None):
        client.logout()
        if who:
            client.force_login(who)
        assert "Sportelli aperti il sabato" not in client.get(action_url(c)).content.decode()
        assert client.get(detail).status_code == 404
        listing = client.get(reverse("tavoli:contributions", args=[c.programme.slug]))
        assert "Sportelli aperti il sabato" not in listing.content.decode()
    data = client.get(reverse("tavoli:opendata_json", args=[c.programme.slug])).json()
    assert data["contributions"] == []


def test_staff_approval_publishes_it_everywhere(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    services.approve(item=contribution, by=c.staff, expected_revision=contribution.revision)
    contribution.refresh_from_db()
    assert contribution.moderated_by == c.staff and contribution.moderated_at
    page = client.get(action_url(c)).content.decode()
    assert "Sportelli aperti il sabato" in page and "In attesa di moderazione" not in page
    listing = client.get(
        reverse("tavoli:contributions", args=[c.programme.slug]), {"canale": "online"}
    ).content.decode()
    assert "Sportelli aperti il sabato" in listing
    assert "online, durante la consultazione" in listing and "1.1.1" in listing
    (row,) = client.get(reverse("tavoli:opendata_json", args=[c.programme.slug])).json()[
        "contributions"
    ]
    assert (row["channel"], row["version"], row["about"], row["about_code"]) == (
        "online",
        2,
        "action",
        "1.1.1",
    )


def test_with_auto_approval_a_contribution_is_public_at_once(client, consultation):
    c = consultation
    c.programme.contributions_need_approval = False
    c.programme.save()
    client.force_login(c.author)
    post_contribution(client, c, policy=c.policy.code, action="")
    contribution = Contribution.objects.get()
    assert contribution.moderation == Moderation.APPROVED
    assert contribution.policy_key == c.policy.key and contribution.action_key is None
    client.logout()
    assert "Sportelli aperti il sabato" in client.get(version_url(c)).content.decode()


def test_a_contribution_on_the_whole_proposal_is_shown_on_the_version_page(client, consultation):
    c = consultation
    c.online(about="version", title="Più risorse per le zone montane")
    page = client.get(version_url(c)).content.decode()
    assert "Contributi sulla proposta" in page and "Più risorse per le zone montane" in page
    # not on the action's page
    assert "Più risorse per le zone montane" not in client.get(action_url(c)).content.decode()


def test_a_page_shows_the_latest_contributions_and_links_to_all_of_them(client, consultation):
    c = consultation
    for i in range(SHOWN_CONTRIBUTIONS + 2):
        c.online(about="version", title=f"Proposta numero {i:02}")
    client.force_login(c.other)
    page = client.get(version_url(c)).content.decode()
    # the latest, oldest first (one just sent is there), and a link to all of them
    shown = [f"Proposta numero {i:02}" for i in range(2, SHOWN_CONTRIBUTIONS + 2)]
    assert "Proposta numero 00" not in page and "Proposta numero 01" not in page
    assert [page.index(title) for title in shown] == sorted(page.index(t) for t in shown)
    all_url = reverse("tavoli:item_contributions", args=[c.programme.slug, c.proposal.number])
    assert f'href="{all_url}">Vedi tutti i 12 contributi</a>' in page
    # no comment form per contribution: a link to the comment's page, which comes back here
    latest = Contribution.objects.latest("pk")
    assert f'id="commento-{latest.pk}-testo"' not in page
    comment_url = reverse("tavoli:comment", args=[c.programme.slug, latest.pk])
    assert (
        f"{comment_url}?next={version_url(c).replace('/', '%2F')}%23contributo-{latest.pk}" in page
    )
    response = client.get(f"{comment_url}?next={version_url(c)}%23contributo-{latest.pk}")
    assert (
        f'name="next" value="{version_url(c)}#contributo-{latest.pk}"' in response.content.decode()
    )
    # all of them, oldest first, on the page of the version's contributions
    listing = client.get(all_url).content.decode()
    assert "12 contributi" in listing
    assert listing.index("Proposta numero 00") < listing.index("Proposta numero 11")
    # an action's or a policy's, and one that does not exist
    assert client.get(f"{all_url}?azione={c.action.code}").status_code == 200
    assert client.get(f"{all_url}?politica={c.policy.code}").status_code == 200
    assert client.get(f"{all_url}?azione=9.9.9").status_code == 404


def test_a_hidden_contribution_shows_only_the_public_reason(client, consultation):
    c = consultation
    contribution = c.online(moderation=Moderation.APPROVED)
    with pytest.raises(Exception, match="motivo"):
        services.hide(
            item=contribution, by=c.staff, expected_revision=contribution.revision, reason=" "
        )
    services.hide(
        item=contribution,
        by=c.staff,
        expected_revision=contribution.revision,
        reason="Contiene dati personali di terzi.",
    )
    page = client.get(action_url(c)).content.decode()
    assert "Contributo nascosto dalla redazione: Contiene dati personali di terzi." in page
    assert "Molte famiglie lavorano" not in page and "Sportelli aperti il sabato" not in page
    detail = client.get(reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk]))
    assert "Contiene dati personali di terzi." in detail.content.decode()
    assert "Molte famiglie lavorano" not in detail.content.decode()
    listing = client.get(reverse("tavoli:contributions", args=[c.programme.slug]))
    assert "Sportelli aperti il sabato" not in listing.content.decode()
    contribution.refresh_from_db()
    services.approve(item=contribution, by=c.staff, expected_revision=contribution.revision)
    assert "Molte famiglie lavorano" in client.get(action_url(c)).content.decode()


def test_the_contribution_follows_its_action_into_later_versions(client, consultation):
    c = consultation
    c.online(title="Sportelli nelle valli")
    later, _, _ = version_with_items(c.programme, number=3, status="validated")
    assert "Sportelli nelle valli" in client.get(action_url(c, later)).content.decode()
    # not back into the version before the one it was about
    assert "Sportelli nelle valli" not in client.get(action_url(c, c.published)).content.decode()
    # an action with another key does not get it
    other, _, _ = version_with_items(
        c.programme,
        number=4,
        status="validated",
        policy_key=uuid.uuid4(),
        action_key=uuid.uuid4(),
    )
    assert "Sportelli nelle valli" not in client.get(action_url(c, other)).content.decode()


def test_the_same_text_twice_within_a_minute_is_refused(client, consultation):
    c = consultation
    client.force_login(c.author)
    post_contribution(client, c)
    response = post_contribution(client, c, title="Di nuovo")
    assert "Hai appena inviato lo stesso testo" in response.content.decode()
    assert Contribution.objects.count() == 1
    # a minute later it is accepted
    later = timezone.now() + datetime.timedelta(minutes=2)
    services.submit_online_contribution(
        version=c.proposal,
        by=c.author,
        kind="proposal",
        title="Ancora",
        text="Molte famiglie lavorano durante la settimana.",
        action=c.action,
        now=later,
    )
    assert Contribution.objects.count() == 2


def test_bad_input_is_a_form_error_and_stores_nothing(client, consultation):
    c = consultation
    client.force_login(c.author)
    response = post_contribution(client, c, kind="insulto", title="   ", text="")
    assert response.status_code == 200
    assert "Questo campo è obbligatorio." in response.content.decode()
    assert (
        client.post(contribute_url(c), {"action": "9.9.9", "kind": "proposal"}).status_code == 404
    )
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("payload", XSS)
def test_hostile_text_is_sanitised(client, consultation, payload):
    c = consultation
    c.programme.contributions_need_approval = False
    c.programme.save()
    client.force_login(c.author)
    post_contribution(client, c, title=payload, text=payload, author_name=payload[:150])
    contribution = Contribution.objects.get()
    client.force_login(c.other)
    client.post(
        reverse("tavoli:comment", args=[c.programme.slug, contribution.pk]),
        {"text": payload, "author_name": payload[:150]},
    )
    assert Comment.objects.count() == 1
    for url in (
        action_url(c),
        reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk]),
        reverse("tavoli:contributions", args=[c.programme.slug]),
    ):
        assert active_content(client.get(url).content.decode()) == []
    client.force_login(c.staff)
    staff_page = client.get(reverse("redazione:tavoli_moderation")).content.decode()
    assert active_content(staff_page) == []


# comments ------------------------------------------------------------------------------------


def test_comments_wait_for_approval_and_are_refused_on_unpublished_contributions(
    client, consultation
):
    c = consultation
    contribution = c.online()
    client.force_login(c.other)
    url = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
    response = client.post(url, {"text": "Anche a Pinerolo.", "next": action_url(c)})
    assert response.status_code == 302 and response["Location"] == action_url(c)
    comment = Comment.objects.get()
    assert comment.moderation == Moderation.PENDING and comment.author == c.other
    assert "Anche a Pinerolo." in client.get(action_url(c)).content.decode()
    client.force_login(c.author)
    assert "Anche a Pinerolo." not in client.get(action_url(c)).content.decode()
    pending = c.online(moderation=Moderation.PENDING, title="Altro", text="Altro testo")
    client.force_login(c.author)  # its author sees it, but cannot get comments on it yet
    response = client.post(
        reverse("tavoli:comment", args=[c.programme.slug, pending.pk]), {"text": "Io"}
    )
    assert "Si possono commentare solo i contributi pubblicati." in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_same_words_under_two_contributions_are_two_comments(client, consultation):
    """«Sono d'accordo» under one contribution and then another is not a repeat; under the
    same one within a minute it is (a second click), and the page says so."""
    c = consultation
    first = c.online()
    second = c.online(title="Altro", text="Altro testo")
    client.force_login(c.other)
    for contribution in (first, second):
        url = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
        response = client.post(url, {"text": "Sono d'accordo.", "next": action_url(c)})
        assert response.status_code == 302
    assert sorted(Comment.objects.values_list("contribution", flat=True)) == [first.pk, second.pk]
    response = client.post(url, {"text": "Sono d'accordo.", "next": action_url(c)})
    assert "Hai appena inviato lo stesso testo" in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_hidden_comment_shows_its_reason(client, consultation):
    c = consultation
    contribution = c.online()
    c.comment(contribution, moderation=Moderation.HIDDEN, text="Parole offensive")
    page = client.get(action_url(c)).content.decode()
    assert "Commento nascosto dalla redazione: Offensivo." in page
    assert "Parole offensive" not in page


@pytest.mark.usefixtures("eager_celery")
def test_the_author_is_told_of_a_published_comment(
    consultation, django_capture_on_commit_callbacks
):
    c = consultation
    contribution = c.online()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(contribution=contribution, by=c.other, text="Bella idea")
    assert mail.outbox == []  # waiting for approval
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(item=comment, by=c.staff, expected_revision=comment.revision)
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert "Bella idea" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_comments_close_with_the_consultation(client, consultation):
    c = consultation
    contribution = c.online()
    c.set_window(
        timezone.now() - datetime.timedelta(days=10), timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(c.other)
    response = client.post(
        reverse("tavoli:comment", args=[c.programme.slug, contribution.pk]), {"text": "Tardi"}
    )
    assert re.search(r"si è chiusa (?:il |l'|l&#x27;)\d", response.content.decode())
    assert not Comment.objects.exists()


# the answer and its e-mail -------------------------------------------------------------------


@pytest.mark.usefixtures("eager_celery")
def test_staff_answer_reaches_the_author_by_email_and_shows_on_the_action_page(
    client, consultation, django_capture_on_commit_callbacks
):
    c = consultation
    contribution = c.online()
    client.force_login(c.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("redazione:tavoli_contribution_answer", args=[contribution.pk]),
            {
                "revision": contribution.revision,
                "status": "partly_accepted",
                "response": "Gli sportelli apriranno il sabato nelle zone 1 e 5.",
            },
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert "accolto in parte" in message.subject.lower()
    assert "Gli sportelli apriranno il sabato" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    client.logout()
    page = client.get(action_url(c)).content.decode()
    assert "Che cosa ne è stato" in page and "Accolto in parte" in page
    assert "Gli sportelli apriranno il sabato nelle zone 1 e 5." in page
    # the same answer saved again sends nothing new
    contribution.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(
            contribution=contribution,
            by=c.staff,
            expected_revision=contribution.revision,
            status="partly_accepted",
            response="Gli sportelli apriranno il sabato nelle zone 1 e 5.",
        )
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("eager_celery")
def test_the_answer_email_names_the_programme_with_its_article_and_is_plain_text(
    consultation, django_capture_on_commit_callbacks
):
    c = consultation
    c.programme.title = "Agenda sociale"
    c.programme.save()
    contribution = c.online(title="L'orario degli sportelli")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(
            contribution=contribution,
            by=c.staff,
            expected_revision=contribution.revision,
            status="accepted",
            response="L'orario cambia da gennaio.",
        )
    (message,) = mail.outbox
    assert "«L'orario degli sportelli» sull'Agenda sociale." in message.body
    assert "L'orario cambia da gennaio." in message.body
    assert "&#x27;" not in message.body and "&#x27;" not in message.subject
    (html, _mimetype) = message.alternatives[0]
    assert "sull&#x27;Agenda sociale" in html


@pytest.mark.usefixtures("eager_celery")
def test_table_contributions_with_an_author_are_answered_by_email_too(
    consultation, django_capture_on_commit_callbacks
):
    c = consultation
    table = ThematicTableFactory(programme=c.programme)
    contribution = ContributionFactory(programme=c.programme, table=table, author=c.author)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(
            contribution=contribution,
            by=c.staff,
            expected_revision=contribution.revision,
            status="not_accepted",
            response="Non è di competenza regionale.",
        )
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]


@pytest.mark.usefixtures("eager_celery")
def test_no_email_to_who_unsubscribed_from_answers(
    consultation, django_capture_on_commit_callbacks
):
    c = consultation
    EmailOptOut.objects.create(user=c.author, topic=EmailTopic.ANSWERS)
    contribution = c.online()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(
            contribution=contribution,
            by=c.staff,
            expected_revision=contribution.revision,
            status="accepted",
            response="Accolto.",
        )
    assert mail.outbox == []


def test_the_programme_page_announces_an_open_consultation(client, consultation):
    c = consultation
    page = client.get(c.programme.get_absolute_url()).content.decode()
    proposal = page[page.index('id="proposal-title"') :]
    assert proposal.startswith('id="proposal-title" class="h4 card-title">La proposta in consult')
    assert "Versione 2" in proposal and "La consultazione è aperta fino al" in proposal
    assert f"{version_url(c)}#consultazione" in proposal


def test_a_deleted_account_leaves_its_online_contributions_and_comments_anonymised(
    client, consultation
):
    from patto.accounts.services import delete_account

    c = consultation
    contribution = c.online(author_name="Maria Bianchi")
    comment = c.comment(contribution, author=c.author)
    delete_account(user=c.author)
    contribution.refresh_from_db()
    comment.refresh_from_db()
    assert contribution.author is None and contribution.author_name == ""
    assert comment.author is None and comment.author_name == ""
    page = client.get(action_url(c)).content.decode()
    assert "Sportelli aperti il sabato" in page and "Maria Bianchi" not in page
    assert "Luca Verdi" not in page  # the comment's signature went with the account
