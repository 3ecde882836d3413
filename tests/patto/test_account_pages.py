"""Accounts (allauth) in the portal: every page renders in the portal's layout, in Italian and
English; sign-up asks for name, body and category and sends a confirmation e-mail whose link
activates the account; password reset and e-mail change work end to end."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from patto.models import REDAZIONE_GROUP, ActorCategory, User
from tests.factories import SpokespersonFactory, UserFactory
from tests.people import login_as

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "Una-nuova-Password-2018"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache; every test starts from zero."""
    cache.clear()


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def link_in(message) -> str:
    """The path of the link in ``message``, which starts with SITE_URL (not the request's host)."""
    site = settings.SITE_URL.rstrip("/")
    return re.search(re.escape(site) + r"/\S+", message.body).group(0).removeprefix(site)


ANONYMOUS_PAGES = [
    ("account_login", "Accedi"),
    ("account_signup", "Registrati"),
    ("account_reset_password", "Reimposta la password"),
    ("account_reset_password_done", "Controlla la tua email"),
    ("account_email_verification_sent", "Conferma il tuo indirizzo email"),
]
LOGGED_IN_PAGES = [
    ("account_logout", "Esci"),
    ("account_change_password", "Cambia la password"),
    ("account_email", "Indirizzo email"),
    ("profile:detail", "Il mio profilo"),
    ("profile:delete", "Elimina il mio account"),
]


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_PAGES)
def test_the_anonymous_pages_render_in_the_portal_layout(client, language, name, heading):
    response = client.get(url(name, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="it-header-wrapper"' in html  # the portal's header
    assert 'class="breadcrumb"' in html
    assert f'<html lang="{language}">' in html
    if language == "it":
        assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize(("name", "heading"), LOGGED_IN_PAGES)
def test_the_logged_in_pages_render_in_the_portal_layout(client, language, name, heading):
    client.force_login(verified_user())
    response = client.get(url(name, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="breadcrumb"' in html
    assert f'<html lang="{language}">' in html
    if language == "it":
        assert f"<h1>{heading}</h1>" in html


# the account e-mails leave from the outbox once the request's transaction has committed
# (delivered in this process, whatever REDIS_URL says)
@pytest.mark.django_db(transaction=True)
def test_sign_up_confirm_the_email_then_log_in(client, eager_celery):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "anna.rossi@example.org",
            "first_name": "Anna",
            "last_name": "Rossi",
            "body_name": "Cooperativa Il Ponte",
            "actor_category": ActorCategory.COOPERATIVE,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna.rossi@example.org")
    assert (user.first_name, user.last_name) == ("Anna", "Rossi")
    assert (user.body_name, user.actor_category) == ("Cooperativa Il Ponte", "cooperative")

    # not confirmed yet: logging in sends the person back to the confirmation step
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "anna.rossi@example.org", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")

    message = mail.outbox[0]
    assert message.to == ["anna.rossi@example.org"]
    assert message.subject == "[Patto] Conferma la registrazione"
    assert "per un account sul portale Patto" in message.body
    confirm = link_in(message)
    page = client.get(confirm)
    assert "Confermi che anna.rossi@example.org è il tuo indirizzo email?" in page.content.decode()
    client.post(confirm)
    assert EmailAddress.objects.get(email="anna.rossi@example.org").verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "anna.rossi@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Anna Rossi" in home and "Il mio profilo" in home


def test_sign_up_with_bad_input_stores_nothing_and_says_why(client):
    verified_user(email="gia@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "email": "non-una-email",
            "actor_category": "astronauti",
            "body_name": "x" * 201,
            "password1": "corta",
            "password2": "diversa",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Controlla i campi segnalati qui sotto." in html
    assert 'class="text-danger small mb-0"' in html
    assert "astronauti non è tra quelle disponibili" in html
    assert User.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("", "La password è troppo corta: deve avere almeno 12 caratteri.", "too short"),
        ("/en", "The password is too short: it must have at least 12 characters.", "troppo"),
    ],
)
def test_a_short_password_is_refused_in_the_pages_language(client, language, said, not_said):
    response = client.post(
        language + reverse("account_signup"),
        {"email": "nuova@example.org", "password1": "Breve-9", "password2": "Breve-9"},
    )
    html = response.content.decode()
    assert said in html and not_said not in html
    assert not User.objects.filter(email="nuova@example.org").exists()


def test_a_wrong_password_is_an_italian_form_error(client):
    verified_user(email="anna@example.org")
    response = client.post(reverse("account_login"), {"login": "anna@example.org", "password": "x"})
    assert response.status_code == 200
    assert "non sono corretti" in response.content.decode()


# the account e-mails leave from the outbox once the request's transaction has committed
# (delivered in this process, whatever REDIS_URL says)
@pytest.mark.django_db(transaction=True)
def test_password_reset_from_the_email_link(client, eager_celery):
    user = verified_user(email="anna@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "anna@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    message = mail.outbox[0]
    assert message.subject == "[Patto] Reimposta la password"
    link = link_in(message)
    page = client.get(link, follow=True)
    action = page.request["PATH_INFO"]
    assert "Scegli una nuova password" in page.content.decode()
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # the link works once
    again = client.get(link, follow=True).content.decode()
    assert "Collegamento non valido" in again


def test_password_change(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# the account e-mails leave from the outbox once the request's transaction has committed
# (delivered in this process, whatever REDIS_URL says)
@pytest.mark.django_db(transaction=True)
def test_changing_the_email_keeps_the_old_address_until_the_new_one_is_confirmed(
    client, eager_celery
):
    user = verified_user(email="vecchia@example.org")
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "nuova@example.org"})
    page = client.get(reverse("account_email")).content.decode()
    assert "nuova@example.org" in page and "da confermare" in page
    user.refresh_from_db()
    assert user.email == "vecchia@example.org"
    client.post(link_in(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email == "nuova@example.org"
    assert not EmailAddress.objects.filter(email="vecchia@example.org").exists()


def test_the_header_shows_login_or_the_persons_menu(client):
    html = client.get("/").content.decode()
    assert reverse("account_login") in html
    assert "Il mio profilo" not in html

    client.force_login(verified_user(first_name="Anna", last_name="Rossi"))
    html = client.get("/").content.decode()
    assert "Anna Rossi" in html
    assert reverse("profile:detail") in html
    assert f'action="{reverse("account_logout")}" method="post"' in html
    assert "Area redazione" not in html and "Area portavoce" not in html
    # the Django admin is for its administrators: no link anywhere for anyone else
    assert reverse("admin:index") not in html


def test_the_header_links_the_areas_of_the_persons_roles(client):
    login_as(client, "staff")
    html = client.get("/").content.decode()
    assert "Area redazione" in html and "Area portavoce" not in html

    login_as(client, "spokesperson")
    html = client.get("/").content.decode()
    assert "Area portavoce" in html and "Area redazione" not in html
    assert reverse("admin:index") not in html

    client.force_login(UserFactory(is_staff=True))  # the Django admin's own flag
    html = client.get("/").content.decode()
    assert "Amministrazione del sito" in html and reverse("admin:index") in html


def test_logout_is_a_post(client):
    client.force_login(verified_user())
    assert client.get(reverse("account_logout")).status_code == 200  # the confirmation page
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "landing"),
    [("citizen", "home"), ("staff", "redazione:dashboard"), ("spokesperson", "portavoce:home")],
)
def test_each_person_lands_in_their_own_area_after_logging_in(client, role, landing):
    """Without a page asked for: the redazione's dashboard, the spokesperson's home, the home
    page for everyone else; with one (``next``), that page."""
    person = verified_user(email=f"{role}@example.org")
    if role == "staff":
        person.groups.add(Group.objects.get_or_create(name=REDAZIONE_GROUP)[0])
    elif role == "spokesperson":
        SpokespersonFactory(user=person)
    credentials = {"login": person.email, "password": PASSWORD}
    response = client.post(reverse("account_login"), credentials)
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)
    client.logout()
    asked = reverse("patto:programmes")
    response = client.post(reverse("account_login") + f"?next={asked}", credentials)
    assert response["Location"] == asked


def test_logging_in_and_out_in_english_stays_in_english(client):
    """From /en/, the home page after logging in or out is the English one, and the messages
    are in the portal's words: the address used, not a username nobody chose."""
    person = verified_user(email="anna@example.org")
    login, logout = reverse("account_login"), reverse("account_logout")  # before /en/ is read
    response = client.post(
        "/en" + login,
        {"login": person.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/en/"
    assert "You are logged in with anna@example.org." in response.content.decode()
    response = client.post("/en" + logout, follow=True)
    assert response.redirect_chain[-1][0] == "/en/"
    assert "You have closed your session. See you soon!" in response.content.decode()
    response = client.post(login, {"login": person.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Hai fatto l&#x27;accesso con anna@example.org." in response.content.decode()
