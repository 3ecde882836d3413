"""SQL query counts of the staff pages of tables, bodies and contributions, pinned at two data
sizes so an N+1 fails here. Each page's count includes the session, the user, the redazione
check and the site header's programme menu."""

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
from tests.people import login_as
from tests.tavoli.factories import TableMembershipFactory, answered
from tests.versions import build_version

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def populate(size):
    """A programme with ``size`` tables, bodies, meetings and contributions (every outcome, some
    with a body, all linked to actions), the first table with ``size`` members, and a table whose
    history and membership history have ``size`` entries."""
    programme = ProgrammeFactory(slug="patto")
    phase = PhaseFactory(programme=programme)
    tables = [ThematicTableFactory(programme=programme, phase=phase) for _ in range(size)]
    bodies = [BodyFactory() for _ in range(size)]
    for body in bodies:
        TableMembershipFactory(table=tables[0], body=body)
    for table, body in zip(tables[1:], bodies, strict=False):
        TableMembershipFactory(table=table, body=body)
    actions = build_version(
        programme, actions=[f"1.{i}" for i in range(size)], status="published"
    ).actions
    statuses = list(ContributionStatus)
    contributions = []
    for i in range(size):
        meeting = MeetingFactory(programme=programme)
        status = statuses[i % len(statuses)]
        extra = (
            answered(status=status)
            if status in ("accepted", "partly_accepted", "not_accepted")
            else {"status": status}
        )
        contribution = ContributionFactory(
            programme=programme,
            table=tables[i],
            meeting=meeting,
            body=bodies[i],
            submitted_on=datetime.date(2017, 10, 1) + datetime.timedelta(days=i),
            **extra,
        )
        contribution.led_to.set(actions[: i + 1])
        contributions.append(contribution)
    for i in range(size):  # a history as long as the size
        tables[0].title = f"Titolo {i}"
        tables[0].save()
        contributions[0].led_to.set(actions[i : i + 2])
    return tables[0], bodies[0], contributions[0]


# page: (queries, address)
PAGES = {
    "tables": (7, lambda t, b, c: reverse("redazione:tavoli_tables")),
    "tables of a programme": (
        8,
        lambda t, b, c: reverse("redazione:tavoli_tables") + "?programma=patto",
    ),
    "bodies": (7, lambda t, b, c: reverse("redazione:tavoli_bodies")),
    "bodies searched": (7, lambda t, b, c: reverse("redazione:tavoli_bodies") + "?q=Ente"),
    # no programme chosen: no meetings to choose from, so no query for them
    "contributions": (8, lambda t, b, c: reverse("redazione:tavoli_contributions")),
    "contributions filtered": (
        11,
        lambda t, b, c: (
            reverse("redazione:tavoli_contributions")
            + f"?programma=patto&tavolo={t.pk}&esito=in_attesa"
        ),
    ),
    "table": (13, lambda t, b, c: reverse("redazione:tavoli_table", args=[t.pk])),
    "body": (8, lambda t, b, c: reverse("redazione:tavoli_body", args=[b.pk])),
    "contribution": (14, lambda t, b, c: reverse("redazione:tavoli_contribution", args=[c.pk])),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_query_count(client, django_assert_num_queries, page, size):
    items = populate(size)
    login_as(client, "staff")
    queries, url = PAGES[page]
    with django_assert_num_queries(queries):
        response = client.get(url(*items))
    assert response.status_code == 200
