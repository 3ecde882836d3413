"""The participants' e-mails: sent only to who still wants them, each with a signed one-click
unsubscribe that needs no login (link in the body, RFC 8058 headers)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from patto.mail.participants import EmailTopic, send_participant_mail, unsubscribe_url
from patto.models import EmailOptOut, Follow
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "prova/email_subject.txt": "Oggetto di prova\n",
    "prova/email.txt": (
        "Ciao {{ user.first_name }}.{% include 'patto/email/includes/unsubscribe.txt' %}"
    ),
    "prova/email.html": "<p>Ciao</p>{% include 'patto/email/includes/unsubscribe.html' %}",
}


@pytest.fixture(autouse=True)
def _test_templates(settings):
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options.pop("loaders", None)
    engine["APP_DIRS"] = False
    options["loaders"] = [
        ("django.template.loaders.locmem.Loader", TEMPLATES),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    engine["OPTIONS"] = options
    settings.TEMPLATES = [engine]


def send(user, topic=EmailTopic.ANSWERS, programme=None):
    return send_participant_mail(user, topic, "prova/email", {}, programme=programme)


def link_in(message) -> str:
    return re.search(r"http://\S+/disiscrizione/\S+/", message.body).group(0)


def test_the_message_carries_the_unsubscribe_link_and_one_click_headers():
    user = UserFactory(first_name="Anna")
    assert send(user) == 1
    (message,) = mail.outbox
    assert message.subject == "Oggetto di prova"
    assert message.to == [user.email]
    link = link_in(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert link in html
    assert "Non ricevere più queste email" in html


def test_the_link_shows_a_page_with_one_button_and_unsubscribes_on_click(client):
    user = UserFactory()
    send(user)
    path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200
    assert user.email in page.content.decode()
    assert not EmailOptOut.objects.exists()  # opening the link changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "non arriveranno più email" in done.content.decode()
    assert EmailOptOut.objects.filter(user=user, topic=EmailTopic.ANSWERS).exists()
    mail.outbox.clear()
    assert send(user) == 0
    assert mail.outbox == []
    # other topics still arrive
    assert send(user, EmailTopic.MEETINGS) == 1


def test_one_click_post_from_a_mail_client_needs_no_csrf_token_and_is_idempotent():
    from django.test import Client

    user = UserFactory()
    path = unsubscribe_url(user, EmailTopic.MEETINGS).removeprefix("http://127.0.0.1:8000")
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert EmailOptOut.objects.filter(user=user, topic=EmailTopic.MEETINGS).count() == 1


def test_programme_news_go_to_followers_only_and_unsubscribing_stops_following(client):
    user = UserFactory()
    followed, other = ProgrammeFactory(), ProgrammeFactory()
    Follow.objects.create(user=user, programme=followed)

    assert send(user, EmailTopic.FOLLOWING, other) == 0
    assert send(user, EmailTopic.FOLLOWING, followed) == 1
    path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    assert followed.title in client.get(path).content.decode()
    client.post(path)
    assert not Follow.objects.filter(user=user, programme=followed).exists()
    assert send(user, EmailTopic.FOLLOWING, followed) == 0


def test_inactive_people_get_nothing():
    assert send(UserFactory(is_active=False)) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ:forged:signature"])
def test_a_forged_or_broken_link_is_a_404_and_changes_nothing(client, token):
    assert client.get(reverse("unsubscribe", args=[token])).status_code == 404
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 404
    assert not EmailOptOut.objects.exists()


def test_a_link_for_a_deleted_account_is_a_404(client):
    user = UserFactory()
    path = unsubscribe_url(user, EmailTopic.ANSWERS).removeprefix("http://127.0.0.1:8000")
    user.delete()
    assert client.post(path).status_code == 404
