"""Following a programme: the button on the programme page (plain form and htmx), the list on
the profile, and the e-mails to followers when a version is submitted or published, each with a
one-click unsubscribe that needs no login."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut, Follow
from patto.programme import services
from tests.factories import (
    ProgrammeFactory,
    UserFactory,
    ZoneFactory,
)
from tests.people import someone
from tests.versions import build_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(title="Piano Sociale Metropolitano")


@pytest.fixture
def person(client):
    user = UserFactory(first_name="Anna")
    client.force_login(user)
    return user


def test_follow_and_unfollow_from_the_programme_page(client, person, programme):
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Segui questo programma" in page
    response = client.post(
        reverse("profile:follow", args=[programme.slug]), {"next": programme.get_absolute_url()}
    )
    assert response["Location"] == programme.get_absolute_url()
    assert Follow.objects.filter(user=person, programme=programme).exists()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Ora segui «Piano Sociale Metropolitano»." in page
    assert "Non seguire più" in page

    client.post(reverse("profile:follow", args=[programme.slug]))  # twice is once
    assert Follow.objects.filter(user=person).count() == 1

    response = client.post(
        reverse("profile:unfollow", args=[programme.slug]),
        {"next": reverse("profile:detail") + "#programmi"},
    )
    assert response["Location"] == reverse("profile:detail") + "#programmi"
    assert not Follow.objects.exists()


def test_with_htmx_the_answer_is_the_button(client, person, programme):
    response = client.post(reverse("profile:follow", args=[programme.slug]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Ora segui questo programma:" in html
    assert reverse("profile:unfollow", args=[programme.slug]) in html
    response = client.post(
        reverse("profile:unfollow", args=[programme.slug]), HTTP_HX_REQUEST="true"
    )
    assert "Non segui più questo programma." in response.content.decode()
    assert not Follow.objects.exists()


def test_an_outside_next_address_is_ignored(client, person, programme):
    response = client.post(
        reverse("profile:follow", args=[programme.slug]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == programme.get_absolute_url()


def test_anonymous_visitors_are_asked_to_log_in_and_come_back(client, programme):
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Accedi per seguire questo programma" in page
    response = client.post(reverse("profile:follow", args=[programme.slug]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={programme.get_absolute_url()}"
    assert not Follow.objects.exists()


def test_an_unknown_programme_is_404(client, person):
    assert client.post(reverse("profile:follow", args=["nessuno"])).status_code == 404


# E-mails to followers ------------------------------------------------------------------------


def draft(programme):
    """Version 1 of ``programme``, a draft with one action."""
    return build_version(programme, tools=0, targets=0).version


def unsubscribe_link(message) -> str:
    return re.search(r"http://\S+/disiscrizione/\S+/", message.body).group(0)


@pytest.mark.parametrize("with_zones", [True, False], ids=["piano with zones", "patto"])
def test_followers_hear_of_submission_and_publication(
    programme, eager_celery, django_capture_on_commit_callbacks, with_zones
):
    if with_zones:
        programme.validating_zones.add(ZoneFactory())
    staff = someone("staff")
    followers = [UserFactory(first_name="Anna"), UserFactory()]
    for user in followers:
        Follow.objects.create(user=user, programme=programme)
    UserFactory()  # does not follow
    gone = UserFactory(is_active=False)
    Follow.objects.create(user=gone, programme=programme)
    opted_out = UserFactory()
    Follow.objects.create(user=opted_out, programme=programme)
    EmailOptOut.objects.create(user=opted_out, topic=EmailTopic.FOLLOWING)
    version = draft(programme)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_version(version=version, by=staff)
    submitted = [m for m in mail.outbox if "consultabile" in m.subject]
    assert sorted(m.to[0] for m in submitted) == sorted(u.email for u in followers)
    message = next(m for m in submitted if m.to == [followers[0].email])
    assert message.subject == "Piano Sociale Metropolitano: la proposta (versione 1) è consultabile"
    assert message.body.startswith("Ciao Anna,")
    assert version.get_absolute_url() in message.body
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.alternatives[0][0]

    mail.outbox.clear()
    if with_zones:
        version.status = "validated"
        version.save(update_fields=["status"])
    else:
        with django_capture_on_commit_callbacks(execute=True):
            services.validate_by_staff(version=version, by=staff)
        mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_version(version=version, by=staff)
    published = [m for m in mail.outbox if m.to[0] in {u.email for u in followers}]
    assert len(published) == 2
    assert published[0].subject == "Piano Sociale Metropolitano: pubblicata la versione 1"
    assert "List-Unsubscribe" in published[0].extra_headers


def test_the_unsubscribe_link_works_without_login_in_one_click(
    client, programme, eager_celery, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    Follow.objects.create(user=follower, programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_version(version=draft(programme), by=someone("staff"))
    (message,) = mail.outbox
    link = unsubscribe_link(message).removeprefix("http://127.0.0.1:8000")
    # what a mail client does with List-Unsubscribe-Post: one POST, no session, no CSRF token
    csrf_client = type(client)(enforce_csrf_checks=True)
    response = csrf_client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follow.objects.filter(user=follower).exists()


def test_a_deleted_follower_is_skipped(programme, eager_celery, django_capture_on_commit_callbacks):
    from patto.programme.notifications import follower_mail

    version = draft(programme)
    assert follower_mail(version.pk, 999_999, "submitted") == 0


def test_followers_hear_when_the_proposal_they_were_told_of_is_withdrawn(
    programme, eager_celery, django_capture_on_commit_callbacks
):
    programme.validating_zones.add(ZoneFactory())
    staff = someone("staff")
    follower = UserFactory(first_name="Anna")
    Follow.objects.create(user=follower, programme=programme)
    version = draft(programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_version(version=version, by=staff)
    mail.outbox.clear()
    reason = "Mancano le risorse del fondo regionale: la rivediamo <entro marzo>."
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_version(version=version, by=staff, reason=reason)
    (message,) = [m for m in mail.outbox if m.to == [follower.email]]
    assert message.subject == (
        "Piano Sociale Metropolitano: la proposta (versione 1) è stata ritirata"
    )
    assert message.body.startswith("Ciao Anna,")
    assert "la redazione ha ritirato la versione 1 del Piano Sociale Metropolitano" in message.body
    assert f"Il motivo: {reason}" in message.body
    assert version.get_absolute_url() in message.body
    html = message.alternatives[0][0]
    assert "&lt;entro marzo&gt;" in html and "<entro marzo>" not in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link(message)}>"
    # the spokespersons' own e-mail is still theirs alone
    assert not any(
        "ritirato dalla validazione" in m.body for m in mail.outbox if m.to == [follower.email]
    )
