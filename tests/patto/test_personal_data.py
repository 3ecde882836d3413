"""A person downloads everything the portal holds about them from the profile (GDPR art. 15 and
20, issue 18): their account, addresses, what they follow, their registrations, contributions
(a hidden one too) and comments, the e-mails kept for them; nobody else's; never a second
factor's secret; in the same queries whatever they have done. Only they can download it."""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incontri.models import Registration
from patto.models import EmailOptOut, Follow, OutgoingEmail
from tavoli.models import Comment, Moderation
from tests.factories import ContributionFactory, MeetingFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("profile:personal_data")


def activity(user, *, times: int):
    programme = ProgrammeFactory(title="Piano sociale")
    Follow.objects.create(user=user, programme=programme)
    EmailOptOut.objects.create(user=user, topic="answers")
    for n in range(times):
        contribution = ContributionFactory(
            programme=programme, author=user, title=f"Più asili nido {n}", body_name="ANFFAS"
        )
        Comment.objects.create(contribution=contribution, author=user, text=f"Concordo {n}")
        Registration.objects.create(meeting=MeetingFactory(programme=programme), user=user)
        OutgoingEmail.objects.create(
            to=user.email, from_email="noreply@x", subject=f"Iscrizione {n}", text="Ciao"
        )
    ContributionFactory(
        programme=programme,
        author=user,
        title="Nascosto",
        moderation=Moderation.HIDDEN,
        hidden_reason="Fuori tema",
    )
    Authenticator.objects.create(user=user, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})


def test_the_download_holds_the_persons_data_and_nobody_elses(client):
    user = UserFactory(email="maria@example.org", first_name="Maria")
    activity(user, times=2)
    other = UserFactory(email="luca@example.org")
    ContributionFactory(author=other, title="Di Luca")
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="patto-i-miei-dati-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "maria@example.org"
    assert data["account"]["first_name"] == "Maria"
    titles = {c["title"] for c in data["contributions"]}
    assert titles == {"Più asili nido 0", "Più asili nido 1", "Nascosto"}
    assert {c["text"] for c in data["comments"]} == {"Concordo 0", "Concordo 1"}
    assert len(data["meeting_registrations"]) == 2
    assert [f["programme"] for f in data["following"]] == ["Piano sociale"]
    assert data["following"][0]["weekly_digest"] is False
    assert [o["topic"] for o in data["emails_turned_off"]] == ["answers"]
    assert {m["subject"] for m in data["emails_kept"]} == {"Iscrizione 0", "Iscrizione 1"}
    assert data["second_factors"][0]["type"] == "totp"
    assert "JBSWY3DPEHPK3PXP" not in response.content.decode()
    assert "luca@example.org" not in response.content.decode()
    assert "Di Luca" not in response.content.decode()


def test_only_the_person_downloads_it(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_links_the_download(client):
    client.force_login(UserFactory())
    assert URL in client.get(reverse("profile:detail")).content.decode()


def test_the_download_takes_the_same_queries_whatever_was_done(client):
    counts = []
    for times in (1, 8):
        user = UserFactory()
        activity(user, times=times)
        client.force_login(user)
        client.get(URL)  # the session's first queries
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] and counts[0] <= 40, counts
