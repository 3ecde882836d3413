"""The warning before a session ends (WCAG 2.2.1, Timing Adjustable): every page of a logged-in
person carries the time its session has left and the words of the warning; the session's status
answers without extending or ending it (GET), and «Continua la sessione» extends it (POST, CSRF
protected) — for each role its own lifetimes. The warning itself, in Chromium, is
``tests/e2e/test_session_warning_journey.py``."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from patto.accounts import session_expiry
from tests.people import login_as

pytestmark = pytest.mark.django_db

STATUS = reverse("profile:session")


def age(client, *, idle_seconds=0, hours=0.0):
    session = client.session
    now = time.time()
    session[session_expiry.SEEN] = now - idle_seconds
    session[session_expiry.STARTED] = now - max(hours * 3600, idle_seconds)
    session.save()


def warning(page: str) -> dict:
    found = re.search(r'<div id="session-warning"[^>]*>', page)
    assert found, "no session warning on the page"
    return {
        k: int(v)
        for k, v in re.findall(
            r'data-(idle-seconds|idle-left|absolute-left|login)="(\d+)"', found[0]
        )
    }


def test_an_anonymous_visitor_has_no_warning_and_no_session(client):
    page = client.get(reverse("home")).content.decode()
    assert 'id="session-warning"' not in page and "js/session.js" not in page
    assert client.get(STATUS).json() == {"state": "closed"}


@pytest.mark.parametrize(
    ("role", "idle_minutes", "hours"),
    [("registered", 60, 12), ("staff", 30, 8), ("spokesperson", 30, 8)],
)
def test_every_page_of_a_logged_in_person_says_how_long_the_session_has(
    client, role, idle_minutes, hours
):
    login_as(client, role)
    client.get(reverse("profile:detail"))
    age(client, idle_seconds=30, hours=1)  # within the minute: the request does not rewrite it
    page = client.get(reverse("profile:detail")).content.decode()
    timing = warning(page)
    assert timing["idle-seconds"] == idle_minutes * 60
    assert idle_minutes * 60 - 32 <= timing["idle-left"] <= idle_minutes * 60 - 29
    assert (hours - 1) * 3600 - 2 <= timing["absolute-left"] <= (hours - 1) * 3600
    assert 'role="alertdialog"' in page and 'src="/static/js/session.js"' in page
    assert f"dopo {idle_minutes} minuti senza attività" in page
    assert f"dura al massimo {hours} ore" in page
    assert "Continua la sessione" in page


def test_asking_how_the_session_stands_neither_extends_nor_ends_it(client):
    login_as(client, "staff")
    client.get(reverse("profile:detail"))
    age(client, idle_seconds=29 * 60, hours=2)
    seen = client.session[session_expiry.SEEN]
    answer = client.get(STATUS)
    assert "no-store" in answer["Cache-Control"]
    status = answer.json()
    assert status["state"] == "going" and 55 <= status["idle_left"] <= 60
    assert status["idle_seconds"] == 1800 and status["absolute_left"] > 5 * 3600
    assert client.session[session_expiry.SEEN] == seen  # not extended
    # past the end: said expired, and the session is not ended by the asking
    age(client, idle_seconds=31 * 60, hours=2)
    assert client.get(STATUS).json() == {"state": "expired"}
    assert "_auth_user_id" in client.session
    # so the form being written still finds the session expired, and keeps the text
    typed = "Un testo abbastanza lungo da essere tenuto da parte"
    response = client.post(reverse("profile:detail"), {"body_name": typed, "loaded": "x"})
    assert response.status_code == 302
    assert "Quello che hai scritto non è perso" in client.get(response["Location"]).content.decode()


def test_continuing_the_session_gives_the_idle_time_again(client):
    login_as(client, "spokesperson")
    client.get(reverse("profile:detail"))
    age(client, idle_seconds=29 * 60, hours=2)
    status = client.post(STATUS).json()
    assert status["state"] == "going" and status["idle_left"] >= 1799
    assert time.time() - client.session[session_expiry.SEEN] < 5
    # an expired session is not brought back
    age(client, idle_seconds=31 * 60, hours=2)
    assert client.post(STATUS).json() == {"state": "expired"}
    age(client, idle_seconds=60, hours=9)  # the absolute end: nothing extends it
    assert client.post(STATUS).json() == {"state": "expired"}


def test_continuing_needs_the_pages_csrf_token():
    client = Client(enforce_csrf_checks=True)
    login_as(client, "registered")
    page = client.get(reverse("profile:detail")).content.decode()
    age(client, idle_seconds=59 * 60, hours=1)
    assert client.post(STATUS).status_code == 403
    assert client.session[session_expiry.SEEN] < time.time() - 58 * 60  # not extended
    form = re.search(r'<form method="post" action="/profilo/sessione/".*?</form>', page, re.S)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    status = client.post(STATUS, {"csrfmiddlewaretoken": token}).json()
    assert status["state"] == "going" and status["idle_left"] >= 3599


def test_the_warning_speaks_english_on_english_pages(client):
    login_as(client, "registered")
    page = client.get("/en" + reverse("profile:detail")).content.decode()
    assert 'data-status-url="/en/profilo/sessione/"' in page
    assert client.get("/en/profilo/sessione/").json()["state"] == "going"


def test_the_tabs_share_what_they_learn_only_about_the_same_login(client):
    login_as(client, "staff")
    client.get(reverse("profile:detail"))
    age(client, idle_seconds=10, hours=1)
    started = int(client.session[session_expiry.STARTED])
    page = client.get(reverse("profile:detail")).content.decode()
    assert warning(page)["login"] == started
    assert client.get(STATUS).json()["login"] == started


def test_a_privileged_person_setting_up_the_second_factor_can_keep_the_session(client, settings):
    """On the pages that set up the second factor (the only ones such a person may see when it
    is compulsory), the warning's status and «Continua la sessione» answer, not the setup page."""
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    login_as(client, "staff")
    assert client.get(reverse("profile:detail")).status_code == 302  # sent to the setup
    age(client, idle_seconds=29 * 60, hours=1)
    assert client.get(STATUS).json()["state"] == "going"
    status = client.post(STATUS).json()
    assert status["state"] == "going" and status["idle_left"] >= 1799
