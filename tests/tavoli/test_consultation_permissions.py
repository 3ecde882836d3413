"""Who may do what in the consultation: a table of every role (anonymous, a registered user,
the author of the contribution, another user, a spokesperson, the redazione) × every new page
and every POST. Anonymous visitors are sent to the login page; the staff pages answer 403 to
anyone outside the redazione; a contribution waiting for moderation does not exist (404) for
anyone but its author, and only its author may withdraw a contribution or a comment. A refused
POST changes nothing."""

import pytest
from django.urls import reverse

from tavoli.models import Comment, Contribution, Moderation
from tests.people import login_as

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "author", "other", "spokesperson", "staff"]
LOGIN = "login"


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected


# public pages and POSTs -----------------------------------------------------------------------

PARTICIPANT = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}
PARTICIPANT_GET = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)}


@pytest.mark.parametrize("role", ROLES)
def test_contribute(client, consultation, role):
    c = consultation
    login_as(client, role, **c.people)
    url = reverse("tavoli:contribute", args=[c.programme.slug, c.proposal.number])
    check(client.get(url, {"azione": c.action.code}), PARTICIPANT_GET[role])
    response = client.post(
        url,
        {"kind": "request", "title": "Orari", "text": f"Testo di {role}", "action": "1.1.1"},
    )
    check(response, PARTICIPANT[role])
    assert Contribution.objects.filter(text=f"Testo di {role}").exists() == (role != "anonymous")


@pytest.mark.parametrize("role", ROLES)
def test_comment(client, consultation, role):
    c = consultation
    contribution = c.online()
    login_as(client, role, **c.people)
    url = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
    check(client.get(url), PARTICIPANT_GET[role])
    check(client.post(url, {"text": f"Commento di {role}"}), PARTICIPANT[role])
    assert Comment.objects.filter(text=f"Commento di {role}").exists() == (role != "anonymous")


PENDING_DETAIL = {**dict.fromkeys(ROLES, 404), "author": 200}


@pytest.mark.parametrize("role", ROLES)
def test_a_pending_contribution_exists_only_for_its_author(client, consultation, role):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    login_as(client, role, **c.people)
    url = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    check(client.get(url), PENDING_DETAIL[role])
    comment_url = reverse("tavoli:comment", args=[c.programme.slug, contribution.pk])
    expected = LOGIN if role == "anonymous" else PENDING_DETAIL[role]
    check(client.post(comment_url, {"text": "Commento"}), 200 if expected == 200 else expected)
    assert not Comment.objects.exists()  # the author is told it is not published yet


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_contribution_page_is_public(client, consultation, role):
    c = consultation
    contribution = c.online(moderation=Moderation.HIDDEN)
    login_as(client, role, **c.people)
    url = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    check(client.get(url), 200)


# only its author may withdraw a contribution: anyone else finds no such page (404)
WITHDRAW_GET = {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN, "author": 200}
WITHDRAW_POST = {**WITHDRAW_GET, "author": 302}


@pytest.mark.parametrize("moderation", [Moderation.APPROVED, Moderation.PENDING])
@pytest.mark.parametrize("role", ROLES)
def test_withdraw_a_contribution(client, consultation, role, moderation):
    c = consultation
    contribution = c.online(moderation=moderation)
    login_as(client, role, **c.people)
    url = reverse("tavoli:withdraw", args=[c.programme.slug, contribution.pk])
    check(client.get(url), WITHDRAW_GET[role])
    check(client.post(url), WITHDRAW_POST[role])
    contribution.refresh_from_db()
    assert contribution.is_withdrawn == (role == "author")


@pytest.mark.parametrize("moderation", [Moderation.APPROVED, Moderation.PENDING])
@pytest.mark.parametrize("role", ROLES)
def test_withdraw_a_comment(client, consultation, role, moderation):
    """The same for a comment: here «author» wrote it, under someone else's contribution."""
    c = consultation
    comment = c.comment(c.online(author=c.other), author=c.author, moderation=moderation)
    login_as(client, role, **c.people)
    url = reverse("tavoli:withdraw_comment", args=[c.programme.slug, comment.pk])
    check(client.get(url), WITHDRAW_GET[role])
    check(client.post(url), WITHDRAW_POST[role])
    comment.refresh_from_db()
    assert comment.is_withdrawn == (role == "author")


# staff pages and POSTs ------------------------------------------------------------------------

STAFF = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 403), "staff": 200}
STAFF_POST = {**STAFF, "staff": 302}


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue(client, consultation, role):
    c = consultation
    c.online(moderation=Moderation.PENDING)
    login_as(client, role, **c.people)
    check(client.get(reverse("redazione:tavoli_moderation")), STAFF[role])


@pytest.mark.parametrize("role", ROLES)
def test_moderate_a_contribution(client, consultation, role):
    c = consultation
    contribution = c.online(moderation=Moderation.PENDING)
    login_as(client, role, **c.people)
    response = client.post(
        reverse("redazione:tavoli_contribution_moderate", args=[contribution.pk]),
        {"revision": contribution.revision, "decision": "approve"},
    )
    check(response, STAFF_POST[role])
    contribution.refresh_from_db()
    assert contribution.is_approved == (role == "staff")


@pytest.mark.parametrize("role", ROLES)
def test_hide_a_comment(client, consultation, role):
    c = consultation
    comment = c.comment(c.online())
    login_as(client, role, **c.people)
    response = client.post(
        reverse("redazione:tavoli_comment_moderate", args=[comment.pk]),
        {"revision": comment.revision, "decision": "hide", "reason": "Fuori tema."},
    )
    check(response, STAFF_POST[role])
    comment.refresh_from_db()
    assert comment.is_hidden == (role == "staff")


@pytest.mark.parametrize("role", ROLES)
def test_consultation_settings(client, consultation, role):
    c = consultation
    login_as(client, role, **c.people)
    url = reverse("redazione:tavoli_consultation", args=[c.programme.slug])
    check(client.get(url), STAFF[role])
    check(client.post(url, {"revision": c.programme.revision}), STAFF_POST[role])
    c.programme.refresh_from_db()
    assert c.programme.contributions_need_approval == (role != "staff")


@pytest.mark.parametrize("role", ROLES)
def test_phase_consultation(client, consultation, role):
    c = consultation
    login_as(client, role, **c.people)
    prefix = f"fase{c.phase.pk}"
    response = client.post(
        reverse("redazione:tavoli_phase_consultation", args=[c.programme.slug, c.phase.pk]),
        {f"{prefix}-revision": c.phase.revision},  # not a consultation any more
    )
    check(response, STAFF_POST[role])
    c.phase.refresh_from_db()
    assert c.phase.is_consultation == (role != "staff")


def test_unknown_items_are_404_for_staff(client, consultation):
    c = consultation
    client.force_login(c.staff)
    assert (
        client.post(
            reverse("redazione:tavoli_contribution_moderate", args=[999999]),
            {"revision": 1, "decision": "approve"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("redazione:tavoli_phase_consultation", args=["nessuno", c.phase.pk]), {}
        ).status_code
        == 404
    )
