"""SQL queries of /cerca/ pinned at two sizes: every kind has results at both, and the number of
results does not change the number of queries, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from tavoli.models import TableMembership
from tests.factories import (
    ActionFactory,
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    MunicipalityFactory,
    ThematicTableFactory,
    ZoneFactory,
)
from tests.patto.search_world import make_world

pytestmark = pytest.mark.django_db

SIZES = [1, 12]
POSTGRES = "postgresql"

# Every search reads the programmes (the filter), the versions' order and the main menu's
# programmes: 3 queries. Then, for each of the 9 kinds, PostgreSQL finds in one query; SQLite
# reads the kind into its index the first time in a content generation (and the bodies'
# memberships: 10 queries), then none. Then one query reads each kind's results shown (two
# for the bodies, with their tables).


def populate(world, size):
    """``size`` more of every kind, each with the word «solidale»."""
    version = world.draft
    for n in range(size):
        ActionFactory(version=version, area=version.action_areas.get(), code=f"1.1.{20 + n}")
        ContributionFactory(programme=world.programme, title=f"Rete solidale {n}")
        MeetingFactory(programme=world.programme, title=f"Incontro solidale {n}")
        table = ThematicTableFactory(programme=world.programme, title=f"Tavolo solidale {n}")
        body = BodyFactory(name=f"Cooperativa solidale {n}")
        TableMembership.objects.create(table=table, body=body)
        ZoneFactory(name=f"Solidale {n}")
        MunicipalityFactory(name=f"Solidale {n}")


@pytest.mark.parametrize("size", SIZES)
def test_every_kind_at_two_sizes(client, staff, django_assert_num_queries, size):
    world = make_world(staff)
    populate(world, size)
    postgres = connection.vendor == POSTGRES
    # actions, policies, areas, contributions, meetings, tables: 6 kinds shown
    with django_assert_num_queries(3 + 9 + 6 if postgres else 3 + 10 + 6):
        response = client.get("/cerca/", {"q": "famiglie"})
    html = response.content.decode()
    for kind in ("azioni", "politiche", "ambiti", "contributi", "incontri", "tavoli"):
        assert f'id="risultati-{kind}"' in html, kind
    # contributions, meetings, tables, bodies (2), zones, comuni: 7; SQLite's index is read;
    # the menu is kept since the first search (patto.cache.kept)
    with django_assert_num_queries(2 + 9 + 7 if postgres else 2 + 7):
        response = client.get("/cerca/", {"q": "solidale"})
    html = response.content.decode()
    for kind in ("contributi", "incontri", "tavoli", "enti", "zone", "comuni"):
        assert f'id="risultati-{kind}"' in html, kind


@pytest.mark.parametrize("size", [25, 70])
def test_one_kind_paginated_at_two_sizes(client, staff, django_assert_num_queries, size):
    world = make_world(staff)
    for n in range(size):
        MeetingFactory(programme=world.programme, title=f"Incontro solidale {n}")
    # the programmes, the meetings found (or read into the index), those shown, the menu
    with django_assert_num_queries(4):
        response = client.get("/cerca/", {"q": "solidale", "tipo": "incontri", "page": 2})
    assert response.status_code == 200
    assert "Pagina 2 di" in response.content.decode()
