"""SQL query counts of every page and export, pinned at two data sizes so an N+1 fails here.
The site header's programme menu is one of the queries of each HTML page."""

import datetime

import pytest
from django.urls import reverse

from tavoli.models import ContributionStatus
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    PhaseFactory,
    ProgrammeFactory,
    ThematicTableFactory,
)
from tests.tavoli.factories import TableMembershipFactory, answered
from tests.versions import build_version

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def populate(size):
    """A programme with ``size`` tables over two phases (and one without), each table with
    ``size`` members; ``size`` meetings and ``size`` contributions at the first table, each with
    its meeting, body and actions in a published and in a draft version."""
    programme = ProgrammeFactory(slug="patto")
    phases = [PhaseFactory(programme=programme, position=p) for p in (1, 2)]
    tables = [
        ThematicTableFactory(programme=programme, phase=phases[i % 2] if i else None, position=i)
        for i in range(size)
    ]
    bodies = [BodyFactory() for _ in range(size)]
    for table in tables:
        for body in bodies:
            TableMembershipFactory(table=table, body=body)
    codes = [f"1.{i}" for i in range(size)]
    published = build_version(programme, actions=codes, status="published").actions
    draft = build_version(programme, number=2, actions=codes).actions
    statuses = list(ContributionStatus)
    contributions = []
    for i in range(size):
        meeting = MeetingFactory(programme=programme)
        meeting.tables.set([tables[0], tables[i]])
        status = statuses[i % len(statuses)]
        extra = (
            answered(status=status)
            if status in ("accepted", "partly_accepted", "not_accepted")
            else {"status": status}
        )
        contribution = ContributionFactory(
            programme=programme,
            table=tables[0] if i % 3 else tables[i],
            meeting=meeting,
            body=bodies[i],
            actor_category="cooperative",
            submitted_on=datetime.date(2017, 10, 1) + datetime.timedelta(days=i),
            **extra,
        )
        contribution.led_to.set([published[i], draft[i]])
        contributions.append(contribution)
    ContributionFactory(programme=programme)  # at no table or meeting
    return programme, tables, contributions


def assert_queries(client, django_assert_num_queries, url, n, params=None):
    with django_assert_num_queries(n):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", SIZES)
def test_table_list(client, django_assert_num_queries, size):
    programme, _tables, _ = populate(size)
    # menu, programme, tables with member counts, outcome counts per table, programme counts
    response = assert_queries(
        client, django_assert_num_queries, reverse("tavoli:list", args=[programme.slug]), 5
    )
    assert len(response.context["tables"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_table_detail(client, django_assert_num_queries, size):
    programme, tables, _ = populate(size)
    # menu, programme, table, members, meetings, contributions, their public actions
    response = assert_queries(
        client,
        django_assert_num_queries,
        reverse("tavoli:detail", args=[programme.slug, tables[0].slug]),
        7,
    )
    assert len(response.context["table"].memberships.all()) == size
    assert len(response.context["table"].meetings.all()) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "params",
    [{}, {"tavolo": "x", "esito": "accepted", "tipo": "proposal", "q": "Contributo"}],
    ids=["all", "filtered"],
)
def test_contribution_list(client, django_assert_num_queries, size, params):
    programme, tables, _ = populate(size)
    if params:
        params = {**params, "tavolo": tables[0].slug}
    # menu, programme, (the chosen table, validated,) count, page, its public actions, outcome
    # counts, the table options of the form
    response = assert_queries(
        client,
        django_assert_num_queries,
        reverse("tavoli:contributions", args=[programme.slug]),
        8 if params else 7,
        params,
    )
    assert response.context["paginator"].count >= 1


@pytest.mark.parametrize("size", SIZES)
def test_contribution_detail(client, django_assert_num_queries, size):
    programme, _tables, contributions = populate(size)
    # menu, programme, contribution, its public actions, its comments, consultation phases
    assert_queries(
        client,
        django_assert_num_queries,
        reverse("tavoli:contribution", args=[programme.slug, contributions[-1].pk]),
        6,
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "name", ["tavoli:opendata_csv", "tavoli:opendata_excel", "tavoli:opendata_json"]
)
def test_open_data(client, django_assert_num_queries, size, name):
    programme, _tables, _ = populate(size)
    # programme, contributions, their public actions
    assert_queries(client, django_assert_num_queries, reverse(name, args=[programme.slug]), 3)
