"""Login with SPID, as a person meets it: off by default (no page, no button); when on, the
SPID button with the identity providers on the login page, the signed request the browser is
sent off with, the refusals of answers that cannot be taken, the accounts found by fiscal
number, created or linked, and the password login switched off for citizens. The whole SAML
exchange with a real (test) identity provider is tests/spid/test_spid_sp_test.py."""

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core.management.base import CommandError
from django.urls import reverse

from patto.accounts.spid import services
from patto.accounts.spid.registry import identity_providers
from patto.accounts.spid.saml import Identity
from patto.models import SpidIdentity, User
from tests.factories import StaffFactory, UserFactory
from tests.spid.conftest import TEST_IDP

pytestmark = pytest.mark.django_db

ANNA = Identity(
    fiscal_number="RSSNNA80A41L219X",
    given_name="Anna",
    family_name="Rossi",
    email="anna.rossi@example.org",
    idp=TEST_IDP,
)


def test_spid_is_off_by_default(client):
    assert client.get("/spid/metadata/").status_code == 404
    assert client.get(f"/spid/accedi/?idp={TEST_IDP}").status_code == 404
    assert client.post("/spid/acs/", {"SAMLResponse": "x"}).status_code == 404
    assert "Entra con SPID" not in client.get(reverse("account_login")).content.decode()
    assert "codice fiscale" not in client.get(reverse("legal:privacy")).content.decode()


def test_the_login_page_offers_spid_with_the_identity_providers(client, spid):
    html = client.get(reverse("account_login") + "?next=/zone/").content.decode()
    assert "Entra con SPID" in html
    # the test identity provider, by the name in its metadata, with the page to go back to
    assert "/spid/accedi/?idp=https%3A//localhost%3A8443&amp;next=/zone/" in html
    assert "codice fiscale" in client.get(reverse("legal:privacy")).content.decode()


def test_the_metadata_is_signed_and_names_the_administration(
    client, spid, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/spid/metadata/")
    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    assert "<ns1:SignatureValue>" in xml or "SignatureValue" in xml
    assert f">{spid.SPID_IPA_CODE}<" in xml
    assert "cie:Municipality" in client.get("/spid/metadata/?cie=1").content.decode()


def test_the_browser_is_sent_to_the_identity_provider_with_a_signed_request(client, spid):
    response = client.get(f"/spid/accedi/?idp={TEST_IDP}&next=https://evil.example/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{TEST_IDP}/samlsso"
    query = parse_qs(location.query)
    assert set(query) == {"SAMLRequest", "RelayState", "SigAlg", "Signature"}
    # an opaque RelayState: never the page to go back to
    assert "http" not in query["RelayState"][0]
    assert response.cookies["patto_spid"]["httponly"]


def test_an_unknown_identity_provider_gets_the_list(client, spid, django_assert_num_queries):
    # the header's programmes: the identity providers are read from memory
    with django_assert_num_queries(1):
        response = client.get("/spid/accedi/?idp=https://idp.evil.example/" + "x" * 3000)
    assert response.status_code == 400
    html = response.content.decode()
    assert "non è tra quelli riconosciuti" in html
    assert "Entra con SPID" in html
    assert client.get("/spid/accedi/").status_code == 200


def test_an_answer_nobody_asked_for_is_refused(client, spid):
    response = client.post("/spid/acs/", {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4="})
    assert response.status_code == 403
    assert "ricomincia dall" in response.content.decode()
    assert not User.objects.exists()


def test_a_forged_answer_is_refused_and_taken_once(client, spid):
    client.get(f"/spid/accedi/?idp={TEST_IDP}")
    response = client.post("/spid/acs/", {"SAMLResponse": "bm90IFNBTUw="})
    assert response.status_code == 403
    assert "non ha confermato chi sei" in response.content.decode()
    # the pending login is spent: the same browser cannot try again with it
    response = client.post("/spid/acs/", {"SAMLResponse": "bm90IFNBTUw="})
    assert "ricomincia dall" in response.content.decode()


def test_a_first_login_creates_the_account_a_later_one_finds_it():
    user, created = services.user_for_identity(identity=ANNA)
    assert created
    assert (user.first_name, user.last_name, user.email) == ("Anna", "Rossi", ANNA.email)
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert user.spid_identity.fiscal_number == "RSSNNA80A41L219X"

    again, created = services.user_for_identity(identity=ANNA)
    assert (again, created) == (user, False)
    assert User.objects.count() == 1


def test_an_existing_email_account_is_linked_only_after_logging_in_to_it():
    existing = UserFactory(email="anna.rossi@example.org")
    with pytest.raises(services.EmailTaken) as refused:
        services.user_for_identity(identity=ANNA)
    assert "accedi con email e password" in refused.value.messages[0]
    assert not SpidIdentity.objects.exists()

    user, created = services.user_for_identity(identity=ANNA, link_to=existing)
    assert (user, created) == (existing, False)
    assert services.user_for_identity(identity=ANNA) == (existing, False)


def test_an_identity_is_linked_to_one_account_only():
    services.user_for_identity(identity=ANNA)
    with pytest.raises(services.ValidationError):
        services.user_for_identity(identity=ANNA, link_to=UserFactory())


def test_the_profile_shows_the_linked_identity_and_the_data_download_has_it(client, spid):
    user, _ = services.user_for_identity(identity=ANNA)
    client.force_login(user)
    html = client.get(reverse("profile:detail")).content.decode()
    assert "codice fiscale RSSNNA80A41L219X" in html
    data = client.get(reverse("profile:personal_data")).json()
    assert data["digital_identity"][0]["fiscal_number"] == "RSSNNA80A41L219X"

    client.force_login(UserFactory())
    assert "Collega SPID" in client.get(reverse("profile:detail")).content.decode()


def test_password_login_can_be_switched_off_for_citizens(client, settings):
    settings.PASSWORD_LOGIN_FOR_CITIZENS = False
    citizen = UserFactory(email="cittadino@example.org")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    staff = StaffFactory(email="redazione@example.org")
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)

    login = reverse("account_login")
    response = client.post(login, {"login": citizen.email, "password": "pw-for-tests-only"})
    assert response.status_code == 200
    assert "Accedi con SPID o con la Carta d" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(login, {"login": staff.email, "password": "pw-for-tests-only"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    # and nobody signs up with a password any more
    client.logout()
    response = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_the_registry_is_refreshed_and_a_bad_source_keeps_the_last_copy(spid, tmp_path):
    from django.core.management import call_command

    out = StringIO()
    call_command("spid_idps", stdout=out)
    assert TEST_IDP in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_text("<html>not metadata</html>")
    spid.SPID_IDP_METADATA = [str(bad)]
    with pytest.raises(CommandError):
        call_command("spid_idps", stdout=StringIO())
    # the last good copy is still what the login offers
    assert [p.entity_id for p in identity_providers()] == [TEST_IDP]


def pending_without_email(client, **extra):
    """What the answer of an identity provider that sends no e-mail (the CIE) leaves in the
    session (AssertionConsumerView), as the browser brings it to /spid/email/."""
    import time
    from dataclasses import asdict, replace

    from patto.accounts.spid.views import EMAIL_PENDING

    session = client.session
    session[EMAIL_PENDING] = {
        **asdict(replace(ANNA, email="")),
        "next": "",
        "at": time.time(),
        **extra,
    }
    session.save()


def test_without_an_email_from_the_identity_provider_the_person_gives_one(client, spid):
    from patto.models import OutgoingEmail

    assert client.get("/spid/email/")["Location"] == reverse("account_login")
    pending_without_email(client)
    assert "Il tuo indirizzo email" in client.get("/spid/email/").content.decode()
    response = client.post("/spid/email/", {"email": "not an address\x00"})
    assert response.status_code == 400
    response = client.post("/spid/email/", {"email": "Anna.Rossi@Example.org"})
    assert response["Location"] == reverse("profile:detail")
    user = SpidIdentity.objects.get(fiscal_number="RSSNNA80A41L219X").user
    assert client.session["_auth_user_id"] == str(user.pk)
    # the address is the person's word, not the identity provider's: it waits for its link
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified) == ("Anna.Rossi@example.org", False)
    assert OutgoingEmail.objects.filter(to="Anna.Rossi@example.org").exists()
    # the pending identity is spent
    client.logout()
    assert client.get("/spid/email/")["Location"] == reverse("account_login")


def test_the_email_given_cannot_be_another_accounts_and_the_wait_expires(client, spid):
    UserFactory(email="anna.rossi@example.org")
    pending_without_email(client)
    response = client.post("/spid/email/", {"email": "anna.rossi@example.org"})
    assert response.status_code == 400
    assert "Esiste già un account" in response.content.decode()
    assert not SpidIdentity.objects.exists()

    pending_without_email(client, at=0)
    assert client.get("/spid/email/")["Location"] == reverse("account_login")
