"""Deleting one's account: the contributions stay public without the name, registrations are
cancelled, follows and preferences go, the account goes; staff and spokespersons cannot delete
themselves (their signatures are part of the public validation record)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from incontri.models import Registration, RegistrationStatus
from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut, Follow, User
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    PlanVersionFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.people import someone

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def person(client):
    user = UserFactory(first_name="Anna", last_name="Rossi", body_name="Cooperativa Il Ponte")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    return user


def test_the_confirm_page_says_what_happens(client, person):
    ContributionFactory(author=person)
    ContributionFactory(author=person)
    html = client.get(reverse("profile:delete")).content.decode()
    assert "i tuoi 2 contributi restano, senza il tuo nome" in html
    assert "quelli pubblicati restano pubblici" in html
    assert "commenti" not in html  # none written
    assert 'name="password"' in html


def test_a_wrong_password_deletes_nothing(client, person):
    response = client.post(reverse("profile:delete"), {"password": "sbagliata"})
    assert response.status_code == 400
    assert "La password non è corretta." in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()


def test_deleting_anonymises_contributions_and_removes_the_rest(client, person):
    contribution = ContributionFactory(
        author=person,
        author_name="Anna Rossi",
        signed_publicly=True,
        title="Più educativa di strada",
    )
    contribution.author_name = "Anna Rossi (cooperativa)"  # a second revision in the history
    contribution.save()
    revision = contribution.revision
    someone_else = ContributionFactory(author_name="Mario Bianchi")
    meeting = MeetingFactory()
    Registration.objects.create(meeting=meeting, user=person)
    Follow.objects.create(user=person, programme=ProgrammeFactory())
    EmailOptOut.objects.create(user=person, topic=EmailTopic.ANSWERS)

    response = client.post(reverse("profile:delete"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert "Il tuo account è stato eliminato" in client.get("/").content.decode()

    assert not User.objects.filter(pk=person.pk).exists()
    assert not EmailAddress.objects.filter(email=person.email).exists()
    contribution.refresh_from_db()
    assert contribution.author is None and contribution.author_name == ""
    assert not contribution.signed_publicly
    assert contribution.revision == revision + 1  # a staff form opened before cannot undo it
    assert not contribution.history.filter(author_name__contains="Anna").exists()
    someone_else.refresh_from_db()
    assert someone_else.author_name == "Mario Bianchi"
    assert not Registration.objects.filter(meeting=meeting).exists()
    assert not Follow.objects.exists() and not EmailOptOut.objects.exists()

    page = client.get(
        reverse("tavoli:contribution", args=[contribution.programme.slug, contribution.pk])
    )
    html = page.content.decode()
    assert "Più educativa di strada" in html
    assert "Anna" not in html and "Rossi" not in html


def test_a_place_freed_by_a_deleted_account_goes_to_the_waiting_list(
    client, person, eager_celery, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(date=datetime.date.today() + datetime.timedelta(days=30), capacity=1)
    Registration.objects.create(meeting=meeting, user=person, status=RegistrationStatus.CONFIRMED)
    waiting = Registration.objects.create(
        meeting=meeting, user=UserFactory(), status=RegistrationStatus.WAITING
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profile:delete"), {"password": PASSWORD})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert list(Registration.objects.filter(meeting=meeting)) == [waiting]


@pytest.mark.parametrize(
    "make_protected",
    [
        pytest.param(lambda: someone("staff"), id="redazione"),
        pytest.param(lambda: UserFactory(is_staff=True), id="admin staff"),
        pytest.param(lambda: someone("spokesperson"), id="spokesperson"),
        pytest.param(
            lambda: PlanVersionFactory(created_by=UserFactory()).created_by,
            id="signed a version",
        ),
    ],
)
def test_staff_and_spokespersons_cannot_delete_themselves(client, make_protected):
    user = make_protected()
    client.force_login(user)
    page = client.get(reverse("profile:delete")).content.decode()
    assert "amministratore di disattivar" in page
    assert 'name="password"' not in page
    response = client.post(reverse("profile:delete"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
