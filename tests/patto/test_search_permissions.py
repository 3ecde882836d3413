"""What the site-wide search may show, as a table: for every role (anonymous, a registered user,
a spokesperson, the redazione), what is public is found and what is not public never is — a
draft's action, a contribution waiting for moderation or hidden by it, a name its person kept
private, a body that sits at no table (it has no page). The search is one public page for
everyone: staff read drafts and the moderation queue in their own area."""

import re

import pytest

from tests.patto.search_world import make_world
from tests.people import login_as

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "spokesperson", "staff"]

# the word looked for, and whether it is found
TABLE = [
    ("famiglie", True),  # the published plan, its tables, meetings and contributions
    ("anziani", True),  # the proposal under validation
    ("Cooperativa Girasole", True),  # a body at a table
    ("Bozzasegreta", False),  # an action of the draft
    ("Attesamoderazione", False),  # a contribution waiting for moderation
    ("Nascostissimo", False),  # a contribution hidden by the redazione
    ("Riservatissimo", False),  # the name of an author who did not sign publicly
    ("senza tavolo", False),  # a body at no table
]


@pytest.fixture
def world(staff):
    return make_world(staff)


@pytest.mark.parametrize("role", ROLES)
def test_only_what_is_public_is_found(client, world, role):
    login_as(client, role)
    for word, found in TABLE:
        response = client.get("/cerca/", {"q": word})
        assert response.status_code == 200
        html = response.content.decode()
        results = re.findall(r'<li class="search-result">', html)
        assert bool(results) is found, (role, word)
        if not found:  # nor anywhere in the results, but where they repeat the query
            results = html[html.index('<section aria-labelledby="results-title">') :]
            assert word not in results.replace(f"«{word}»", ""), (role, word)


@pytest.mark.parametrize("role", ROLES)
def test_nothing_is_changed_with_a_post(client, world, role):
    login_as(client, role)
    assert client.post("/cerca/", {"q": "famiglie"}).status_code == 405
