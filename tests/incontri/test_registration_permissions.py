"""Who may do what with registrations: a table of every role × every page and POST. Anonymous
visitors are sent to the login page (with the way back); a registration is its owner's alone
(anyone else, the redazione included, gets 404 on its pages: they need not know it exists);
the staff pages answer 403 to people outside the redazione. A refused POST changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from incontri import services
from incontri.models import Registration, RegistrationStatus
from tests.factories import MeetingFactory, UserFactory
from tests.people import login_as

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "registered", "spokesperson", "staff"]


@dataclass
class Data:
    meeting: object
    owner: object
    registration: object
    other_meeting: object


@pytest.fixture
def data(days):
    meeting = MeetingFactory(date=days(0), capacity=10)  # today: registrations and presences
    owner = UserFactory()
    registration = services.register(meeting=meeting, user=owner)
    return Data(meeting, owner, registration, MeetingFactory(date=days(3), capacity=10))


def assert_login_redirect(response, path):
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next={path}" in response.url.replace("%2F", "/")


@dataclass
class Case:
    method: str
    url: Callable
    # role -> expected status code ("login" for the login redirect)
    expected: dict
    payload: Callable = lambda d: {}
    done: Callable | None = None  # role -> whether the change must have happened


def _status(pk):
    return Registration.objects.get(pk=pk).status


EVERYONE_LOGGED = {"owner", "registered", "spokesperson", "staff"}

CASES = {
    "meeting page": Case(
        "get",
        lambda d: reverse("incontri:detail", args=[d.meeting.pk]),
        dict.fromkeys(ROLES, 200),
    ),
    "register": Case(
        "post",
        lambda d: reverse("incontri:register", args=[d.other_meeting.pk]),
        {"anonymous": "login", **dict.fromkeys(EVERYONE_LOGGED, 302)},
        payload=lambda d: {"body_name": "Ente", "actor_category": "cittadini"},
        done=lambda d, role, user: (
            Registration.objects.filter(meeting=d.other_meeting).exists() is (role != "anonymous")
        ),
    ),
    "cancel: confirm": Case(
        "get",
        lambda d: reverse("incontri:registration_cancel", args=[d.registration.pk]),
        {"anonymous": "login", "owner": 200, "registered": 404, "spokesperson": 404, "staff": 404},
    ),
    "cancel": Case(
        "post",
        lambda d: reverse("incontri:registration_cancel", args=[d.registration.pk]),
        {"anonymous": "login", "owner": 302, "registered": 404, "spokesperson": 404, "staff": 404},
        done=lambda d, role, user: (
            (_status(d.registration.pk) == RegistrationStatus.CANCELLED) is (role == "owner")
        ),
    ),
    "staff: registrations": Case(
        "get",
        lambda d: reverse("redazione:incontri_meeting_registrations", args=[d.meeting.pk]),
        {"anonymous": "login", "owner": 403, "registered": 403, "spokesperson": 403, "staff": 200},
    ),
    "staff: CSV": Case(
        "get",
        lambda d: reverse("redazione:incontri_meeting_registrations_csv", args=[d.meeting.pk]),
        {"anonymous": "login", "owner": 403, "registered": 403, "spokesperson": 403, "staff": 200},
    ),
    "staff: presences": Case(
        "post",
        lambda d: reverse("redazione:incontri_meeting_presences", args=[d.meeting.pk]),
        {"anonymous": "login", "owner": 403, "registered": 403, "spokesperson": 403, "staff": 302},
        payload=lambda d: {"revision": d.meeting.revision, "present": [d.registration.pk]},
        done=lambda d, role, user: (
            (Registration.objects.get(pk=d.registration.pk).attended is True) is (role == "staff")
        ),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES)
def test_permissions(client, data, case, role):
    spec = CASES[case]
    user = login_as(client, role, owner=data.owner)
    url = spec.url(data)
    response = getattr(client, spec.method)(url, spec.payload(data))
    expected = spec.expected[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if spec.done is not None:
        assert spec.done(data, role, user)


def test_the_register_address_leads_back_to_the_meeting_after_login(client, data):
    client.force_login(data.owner)
    response = client.get(reverse("incontri:register", args=[data.other_meeting.pk]))
    assert response.status_code == 302
    assert response.url == reverse("incontri:detail", args=[data.other_meeting.pk]) + "#iscrizione"


@pytest.mark.parametrize(
    "method, name",
    [
        ("post", "incontri:register"),
        ("get", "incontri:registration_cancel"),
        ("post", "incontri:registration_cancel"),
        ("get", "redazione:incontri_meeting_registrations"),
        ("get", "redazione:incontri_meeting_registrations_csv"),
        ("post", "redazione:incontri_meeting_presences"),
    ],
)
def test_missing_objects_are_404(client, data, method, name):
    login_as(client, "staff")
    response = getattr(client, method)(reverse(name, args=[999999]), {"revision": 1})
    assert response.status_code == 404
