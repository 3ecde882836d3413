"""The second factor (allauth.mfa; patto/accounts/second_factor.py and middleware.py).

Who reaches what, as a table: every role (citizen, staff, spokesperson, administrator) with
``MFA_REQUIRED_FOR_PRIVILEGED`` off and on, without and with an authenticator, on the staff
dashboard, the spokesperson area, the profile and the Django admin: allowed, sent to set up the
second factor, or refused as without it. Then what a person does: activating the authenticator
app with a right and a wrong code, logging in with the app's code or a recovery code (each
once), and the pages of the second factor in the portal's words and within the
Content-Security-Policy."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from patto.models import PlanVersion
from tests.factories import ProgrammeFactory, UserFactory
from tests.people import someone
from tests.test_settings import manage, production_env

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"
SETUP = "setup"  # sent to the page that activates the authenticator app
LOGIN = "login"


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` at ``at`` (now): RFC 6238, SHA-1,
    30-second periods, 6 digits; computed here, not by allauth, so that a wrong computation on
    either side fails."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def person(role: str):
    """A new person of ``role``, with a confirmed e-mail address (so they may log in with a
    password and add a second factor). ``admin`` is a superuser outside the Redazione group."""
    if role == "admin":
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = someone({"citizen": "registered"}.get(role, role))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def give_authenticator(user) -> str:
    """Activate the authenticator app for ``user``, with recovery codes; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


# The setting ---------------------------------------------------------------------------------


# what production needs besides production_env()'s secrets
DEPLOYED = {"SITE_URL": "https://patto.example.org", "EMAIL_URL": "smtp://mail.example.org:25"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False"),
        (production_env(**DEPLOYED), "True"),
        (production_env(**DEPLOYED, MFA_REQUIRED_FOR_PRIVILEGED="false"), "False"),
        ({"MFA_REQUIRED_FOR_PRIVILEGED": "true"}, "True"),
    ],
    ids=["development", "production", "production-off", "development-on"],
)
def test_it_is_required_in_production_unless_said_otherwise(env, expected):
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.MFA_REQUIRED_FOR_PRIVILEGED)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True


# Who reaches what --------------------------------------------------------------------------

ROLES = ["citizen", "staff", "spokesperson", "admin"]
PAGES = ["redazione:dashboard", "portavoce:home", "profile:detail", "admin:index"]

S = SETUP
# role, MFA required, has an authenticator, then the answer on each of PAGES
TABLE = [
    ("citizen", False, False, (403, 403, 200, LOGIN)),
    ("citizen", False, True, (403, 403, 200, LOGIN)),
    ("citizen", True, False, (403, 403, 200, LOGIN)),
    ("citizen", True, True, (403, 403, 200, LOGIN)),
    ("staff", False, False, (200, 403, 200, LOGIN)),
    ("staff", False, True, (200, 403, 200, LOGIN)),
    ("staff", True, False, (S, S, S, S)),
    ("staff", True, True, (200, 403, 200, LOGIN)),
    ("spokesperson", False, False, (403, 200, 200, LOGIN)),
    ("spokesperson", False, True, (403, 200, 200, LOGIN)),
    ("spokesperson", True, False, (S, S, S, S)),
    ("spokesperson", True, True, (403, 200, 200, LOGIN)),
    ("admin", False, False, (200, 403, 200, 200)),
    ("admin", False, True, (200, 403, 200, 200)),
    ("admin", True, False, (S, S, S, S)),
    ("admin", True, True, (200, 403, 200, 200)),
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "mfa_required", "has_authenticator", "expected"),
    TABLE,
    ids=[
        f"{row[0]}-{'required' if row[1] else 'optional'}-{'with' if row[2] else 'without'}"
        for row in TABLE
    ],
)
def test_who_reaches_what(client, settings, page, role, mfa_required, has_authenticator, expected):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = mfa_required
    user = person(role)
    if has_authenticator:
        give_authenticator(user)
    client.force_login(user)

    response = client.get(reverse(page))

    want = expected[PAGES.index(page)]
    if want == SETUP:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    elif want == LOGIN:  # the Django admin sends whoever is not staff to the login page
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


def test_a_plain_django_admin_user_counts_as_administrator(client, required):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_a_former_spokesperson_is_not_asked(client, required):
    from tests.factories import SpokespersonFactory

    former = SpokespersonFactory(
        start_date="2010-01-01", end_date="2015-01-01", user=UserFactory()
    ).user
    client.force_login(former)
    assert client.get(reverse("profile:detail")).status_code == 200


def test_a_staff_action_is_not_carried_out_without_the_second_factor(client, required):
    programme = ProgrammeFactory(slug="piano")
    staff = person("staff")
    client.force_login(staff)
    address = reverse("redazione:new_version", args=[programme.slug])

    response = client.post(address, {"change_note": "prova"})
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.post(address, {"change_note": "prova"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    assert not PlanVersion.objects.filter(programme=programme).exists()

    give_authenticator(staff)
    client.post(address, {"change_note": "prova"})
    assert PlanVersion.objects.filter(programme=programme).exists()


def test_the_setup_pages_and_logout_stay_open_with_an_explanation(client, required):
    client.force_login(person("staff"))
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Per usare l'area della redazione devi attivare la verifica in due passaggi." in html
    # the password confirmation the setup may ask for first
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.get("/en" + reverse("mfa_index")).status_code == 200  # the other language
    assert client.get("/static/js/mfa.js").status_code != 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response["Location"] != reverse("mfa_activate_totp")
    assert "_auth_user_id" not in client.session


def test_an_address_change_left_halfway_can_be_finished_first(client, required):
    staff = person("staff")
    EmailAddress.objects.create(user=staff, email="nuovo@example.org", verified=False)
    ready_to_change_it(client, staff)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"] == reverse("mfa_index")
    html = client.get(response["Location"]).content.decode()
    assert "devi confermare il tuo indirizzo email" in html
    assert client.get(reverse("account_email")).status_code == 200


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("spokesperson", "Per usare l'area dei portavoce devi attivare"),
        ("admin", "Per usare l'area della redazione devi attivare"),  # superusers are staff
    ],
)
def test_the_explanation_names_the_area(client, required, role, words):
    client.force_login(person(role))
    assert words in client.get(reverse("mfa_index")).content.decode()


def test_nothing_is_asked_or_said_when_not_required(client):
    client.force_login(person("staff"))
    html = client.get(reverse("mfa_index")).content.decode()
    assert "devi attivare" not in html
    assert "Non attiva" in html


# Activating the authenticator app --------------------------------------------------------


def logged_in_with_password(client, user):
    """Log ``client`` in through the login form, as a person would."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return response


def ready_to_change_it(client, user):
    """Log in, then confirm the password as allauth asks before any change to the second
    factor (for the next five minutes it does not ask again)."""
    logged_in_with_password(client, user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def secret_on_the_page(html: str) -> str:
    return re.search(r'id="totp-secret"[^>]*value="([A-Z2-7]+)"', html).group(1)


def test_activating_the_app_with_a_wrong_code_activates_nothing(client, required):
    staff = person("staff")
    ready_to_change_it(client, staff)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = secret_on_the_page(html)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Il codice non è giusto." in html
    assert 'aria-invalid="true"' in html
    assert not Authenticator.objects.filter(user=staff).exists()
    assert client.get(reverse("redazione:dashboard"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db(transaction=True)  # allauth's message comes after the commit
def test_activating_the_app_with_the_right_code(client, required):
    staff = person("staff")
    ready_to_change_it(client, staff)
    # sent here from the staff area
    assert client.get(reverse("redazione:dashboard"))["Location"] == reverse("mfa_activate_totp")
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, an image
    secret = secret_on_the_page(html)

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    html = client.get(response["Location"]).content.decode()
    assert "Fatto: l&#x27;app di autenticazione è attiva." in html  # a message, escaped
    assert html.count('<li class="col-6 col-sm-4"><code') == 10  # the recovery codes
    assert client.get(reverse("redazione:dashboard")).status_code == 200


def test_activating_asks_for_the_password_again_after_a_while(client):
    staff = person("staff")
    client.force_login(staff)  # no record of a recent password
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(
        response["Location"], {"password": PASSWORD, "next": reverse("mfa_activate_totp")}
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


# Logging in with the second factor ---------------------------------------------------------


def test_logging_in_asks_for_the_code(client):
    staff = person("staff")
    secret = give_authenticator(staff)

    response = logged_in_with_password(client, staff)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Secondo passaggio" in html

    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Il codice non è giusto." in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("redazione:dashboard")).status_code == 200


def test_a_code_of_the_app_works_once(client):
    staff = person("staff")
    secret = give_authenticator(staff)
    code = totp_code(secret)
    logged_in_with_password(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))

    logged_in_with_password(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client):
    staff = person("staff")
    give_authenticator(staff)
    codes = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes"))
    code = codes.get_unused_codes()[0]

    logged_in_with_password(client, staff)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    client.post(reverse("account_logout"))

    logged_in_with_password(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "Il codice non è giusto." in response.content.decode()
    assert "_auth_user_id" not in client.session
    codes.instance.refresh_from_db()
    assert len(codes.get_unused_codes()) == 9


def test_a_citizen_may_add_one_and_is_then_asked_too(client, required):
    citizen = person("citizen")
    secret = give_authenticator(citizen)
    logged_in_with_password(client, citizen)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(citizen.pk), response


# The pages ---------------------------------------------------------------------------------


def test_the_profile_offers_it_to_everyone_and_recommends_it_to_staff(client):
    client.force_login(person("citizen"))
    html = client.get(reverse("profile:detail")).content.decode()
    assert "Verifica in due passaggi (facoltativa)" in html

    staff = person("staff")
    client.force_login(staff)
    html = client.get(reverse("profile:detail")).content.decode()
    assert reverse("mfa_index") in html and "non attiva" in html
    give_authenticator(staff)
    html = client.get(reverse("profile:detail")).content.decode()
    assert '<span class="badge bg-success">attiva</span>' in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


@pytest.mark.parametrize(
    "name",
    [
        "mfa_index",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_reauthenticate",
        "account_reauthenticate",
    ],
)
def test_the_pages_speak_italian_within_the_policy(client, name):
    user = person("staff")
    ready_to_change_it(client, user)
    if name != "mfa_activate_totp":
        give_authenticator(user)
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="it">' in html
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert " style=" not in html and "<style" not in html
    for english in ("Authenticator code", "Recovery Codes", "Security Key", "Two-Factor", "Code"):
        assert english not in html


def test_the_login_step_offers_a_security_key_only_to_who_has_one(client, monkeypatch):
    staff = person("staff")
    give_authenticator(staff)
    logged_in_with_password(client, staff)
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "data-webauthn" not in html and "webauthn.js" not in html

    # the options of a person with a key list it (registering one takes a browser: e2e)
    options = {"publicKey": {"challenge": "Y2hhbGxlbmdl", "rpId": "testserver"}}
    options["publicKey"]["allowCredentials"] = [{"type": "public-key", "id": "a2V5"}]
    monkeypatch.setattr(
        "allauth.mfa.base.views.webauthn_auth.begin_authentication", lambda user: options
    )
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'data-webauthn="authenticate"' in html
    assert '<script id="webauthn-data" type="application/json">' in html
    assert not INLINE_SCRIPT.search(html)
