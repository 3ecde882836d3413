"""Who may do what with accounts, profiles and follows, as a table: anonymous visitors are sent
to the login page, a person only ever reads and changes their own account, and staff have no
special power over someone else's."""

import pytest
from django.urls import reverse

from patto.models import Follow
from tests.factories import ContributionFactory, ProgrammeFactory, UserFactory
from tests.people import login_as

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def world():
    programme = ProgrammeFactory(slug="piano")
    owner = UserFactory(body_name="Ente della proprietaria")
    Follow.objects.create(user=owner, programme=programme)
    ContributionFactory(author=owner, title="Contributo della proprietaria")
    return {"programme": programme, "owner": owner}


ROLES = ["anonymous", "user", "other user", "staff"]
LOGIN = "login"

# method, url name, args, data, then the answer for: anonymous, user, other user, staff
L = LOGIN
TABLE = [
    ("get", "profile:detail", [], None, (L, 200, 200, 200)),
    ("post", "profile:email_preferences", [], {}, (L, 302, 302, 302)),
    ("get", "profile:email_preferences", [], None, (L, 405, 405, 405)),
    ("get", "profile:delete", [], None, (L, 200, 200, 200)),
    ("post", "profile:delete", [], {"password": PASSWORD}, (L, 302, 302, 403)),
    ("post", "profile:follow", ["piano"], {}, (L, 302, 302, 302)),
    ("post", "profile:unfollow", ["piano"], {}, (L, 302, 302, 302)),
    ("get", "profile:follow", ["piano"], None, (405, 405, 405, 405)),
    ("get", "account_change_password", [], None, (L, 200, 200, 200)),
    ("get", "account_email", [], None, (L, 200, 200, 200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "args", "data", "expected"),
    TABLE,
    ids=[f"{row[0]} {row[1]}" for row in TABLE],
)
def test_permissions(client, world, role, method, name, args, data, expected):
    login_as(client, role, user=world["owner"])
    address = reverse(name, args=args)
    response = (
        getattr(client, method)(address, data)
        if data is not None
        else getattr(client, method)(address)
    )
    want = expected[ROLES.index(role)]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


def test_a_person_sees_and_changes_only_their_own_account(client, world):
    owner, programme = world["owner"], world["programme"]
    login_as(client, "other user")
    html = client.get(reverse("profile:detail")).content.decode()
    assert "Ente della proprietaria" not in html
    assert "Contributo della proprietaria" not in html
    assert programme.title not in html.split('id="programmi"')[1].split("</section>")[0]
    client.post(reverse("profile:unfollow", args=[programme.slug]))
    assert Follow.objects.filter(user=owner, programme=programme).exists()
    client.post(reverse("profile:delete"), {"password": PASSWORD})
    owner.refresh_from_db()  # still there: deleting deletes only one's own account
    assert owner.contributions.count() == 1
