"""Login rate limits on the real Redis cache: the 11th failed login in a minute from one
address is refused, even with the right password; the Django admin has no login form of its
own that could be used to get around it."""

import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory
from tests.people import login_as, someone

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

REFUSED = "Troppi tentativi di accesso"


@pytest.fixture
def address(redis_url, settings):
    """An address of this run's own (the counters live in Redis across runs), with the cache
    the portal is configured with (the tests otherwise get a local one each)."""
    from patto import settings as configured

    assert configured.CACHES["default"]["BACKEND"] == "patto.cache.backends.ResilientRedisCache"
    assert configured.CACHES["default"]["LOCATION"] == redis_url
    settings.CACHES = configured.CACHES
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def login(client, address, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_11th_failed_login_in_a_minute_from_one_address_is_refused(client, address):
    user = UserFactory(email="cittadina@example.org")
    user.set_password("la-password-giusta-2018")
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    # ten failures, each on another account (the per-account limit is not what is under test)
    for n in range(10):
        response = login(client, address, f"nessuno{n}@example.org", "sbagliata")
        assert response.status_code == 200
        assert REFUSED not in response.content.decode()
        assert "non sono corretti" in response.content.decode() or "errat" in (
            response.content.decode()
        )
    # the 11th attempt is refused before the password is even checked: the right one too
    response = login(client, address, user.email, "la-password-giusta-2018")
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # from another address the same login succeeds
    other = login(client, "192.0.2.77", user.email, "la-password-giusta-2018")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_counters_are_in_redis(client, address):
    login(client, address, "qualcuno@example.org", "sbagliata")
    keys = cache._cache.get_client(write=False).keys("*login_failed*")
    assert keys, "no rate-limit counter in Redis"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_admin_login_sends_people_to_the_portal_login(client, method):
    staff = someone("staff", is_staff=True)
    staff.set_password("password-dello-staff-2018")
    staff.save()
    url = reverse("admin:login")
    data = {"username": staff.email, "password": "password-dello-staff-2018"}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in client.session  # the admin's own form is never reached


def test_the_admin_refuses_a_logged_in_user_who_is_not_staff(client):
    login_as(client, "registered")
    assert client.get(reverse("admin:login")).status_code == 403
