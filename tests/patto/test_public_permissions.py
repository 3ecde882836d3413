"""Who may read the public pages of the programmes, as a table: every role (anonymous, a
registered user, a spokesperson, the redazione) reads the list of programmes, a programme, its
versions and the plan in force alike; a draft does not exist for anyone on the public site (404,
staff included: they read it in their own area); nothing is changed there with a POST (405)."""

import pytest
from django.urls import reverse

from patto.models import VersionStatus
from tests.factories import PlanVersionFactory, ProgrammeFactory
from tests.people import login_as
from tests.versions import freeze

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "spokesperson", "staff"]


@pytest.fixture
def programme():
    programme = ProgrammeFactory(slug="piano", title="Piano di prova")
    freeze(PlanVersionFactory(programme=programme, number=1), VersionStatus.PUBLISHED)
    freeze(PlanVersionFactory(programme=programme, number=2), VersionStatus.IN_VALIDATION)
    PlanVersionFactory(programme=programme, number=3)  # a draft
    return programme


# method, url name, args, the answer for every role
TABLE = [
    ("get", "patto:programmes", [], 200),
    ("post", "patto:programmes", [], 405),
    ("get", "patto:programme", ["piano"], 200),
    ("post", "patto:programme", ["piano"], 405),
    ("get", "patto:programme", ["non-esiste"], 404),
    ("get", "patto:versions", ["piano"], 200),
    ("get", "patto:version", ["piano", 1], 200),
    ("get", "patto:version", ["piano", 2], 200),
    ("get", "patto:version", ["piano", 3], 404),  # the draft
    ("post", "patto:version", ["piano", 1], 405),
    ("get", "patto:published", ["piano"], 302),
    ("get", "matrice:matrix", ["piano", 1], 200),
    ("get", "matrice:matrix", ["piano", 3], 404),
    ("get", "matrice:actions", ["piano", 1], 200),
    ("get", "matrice:actions", ["piano", 3], 404),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "args", "expected"),
    TABLE,
    ids=[f"{row[0]} {row[1]} {row[2]}" for row in TABLE],
)
def test_permissions(client, programme, role, method, name, args, expected):
    login_as(client, role)
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == expected
