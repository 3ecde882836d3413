"""Who may use the staff pages of tables, bodies and contributions: a table of every role ×
every page (GET) and every state change (POST). Anonymous visitors are sent to the login page,
logged-in people outside the redazione get 403, the redazione gets the page (or the change);
objects that do not exist, or belong elsewhere, are 404. A refused POST changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tavoli import services
from tavoli.models import Body, Contribution, ContributionStatus, TableMembership, ThematicTable
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    PhaseFactory,
    ProgrammeFactory,
    ThematicTableFactory,
)
from tests.people import login_as, someone
from tests.tavoli.factories import TableMembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "spokesperson", "staff"]


@dataclass
class Data:
    programme: object
    table: object
    other_table: object
    body: object
    free_body: object
    membership: object
    meeting: object
    contribution: object


@pytest.fixture
def data():
    programme = ProgrammeFactory(slug="patto")
    phase = PhaseFactory(programme=programme)
    table = ThematicTableFactory(programme=programme, phase=phase, slug="abitare", title="Abitare")
    other_table = ThematicTableFactory(programme=programme, slug="famiglie")
    body = BodyFactory(name="Cooperativa Il Ponte")
    membership = TableMembershipFactory(table=table, body=body)
    meeting = MeetingFactory(programme=programme)
    contribution = ContributionFactory(programme=programme, table=table, title="Più case")
    return Data(
        programme,
        table,
        other_table,
        body,
        BodyFactory(name="ASL Città di Torino"),
        membership,
        meeting,
        contribution,
    )


def assert_outcome(response, role, allowed_status):
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in ("registered", "spokesperson"):
        assert response.status_code == 403
    else:
        assert response.status_code == allowed_status


# Pages ---------------------------------------------------------------------------------------

PAGES = {
    "tables": lambda d: reverse("redazione:tavoli_tables"),
    "tables filtered": lambda d: reverse("redazione:tavoli_tables") + "?programma=patto",
    "new table: choose programme": lambda d: reverse("redazione:tavoli_table_create"),
    "new table": lambda d: reverse("redazione:tavoli_table_create") + "?programma=patto",
    "table": lambda d: reverse("redazione:tavoli_table", args=[d.table.pk]),
    "remove member: confirm": lambda d: reverse(
        "redazione:tavoli_membership_remove", args=[d.table.pk, d.membership.pk]
    ),
    "bodies": lambda d: reverse("redazione:tavoli_bodies"),
    "new body": lambda d: reverse("redazione:tavoli_body_create"),
    "body": lambda d: reverse("redazione:tavoli_body", args=[d.body.pk]),
    "contributions": lambda d: reverse("redazione:tavoli_contributions"),
    "new contribution: choose programme": lambda d: reverse("redazione:tavoli_contribution_create"),
    "new contribution": lambda d: (
        reverse("redazione:tavoli_contribution_create") + f"?programma=patto&tavolo={d.table.pk}"
    ),
    "contribution": lambda d: reverse("redazione:tavoli_contribution", args=[d.contribution.pk]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages(client, data, page, role):
    login_as(client, role)
    response = client.get(PAGES[page](data))
    assert_outcome(response, role, 200)


# State changes -------------------------------------------------------------------------------


@dataclass
class Change:
    url: Callable
    payload: Callable
    done: Callable  # has the change happened?


CHANGES = {
    "create table": Change(
        lambda d: reverse("redazione:tavoli_table_create") + "?programma=patto",
        lambda d: {"title": "Nuovo tavolo", "slug": "nuovo", "position": 3},
        lambda d: ThematicTable.objects.filter(slug="nuovo").exists(),
    ),
    "edit table": Change(
        lambda d: reverse("redazione:tavoli_table", args=[d.table.pk]),
        lambda d: {"revision": 1, "title": "Casa e abitare", "slug": "abitare", "position": 1},
        lambda d: ThematicTable.objects.get(pk=d.table.pk).title == "Casa e abitare",
    ),
    "add member": Change(
        lambda d: reverse("redazione:tavoli_membership_add", args=[d.table.pk]),
        lambda d: {"body": d.free_body.pk, "role": "Componente"},
        lambda d: TableMembership.objects.filter(table=d.table, body=d.free_body).exists(),
    ),
    "remove member": Change(
        lambda d: reverse("redazione:tavoli_membership_remove", args=[d.table.pk, d.membership.pk]),
        lambda d: {},
        lambda d: not TableMembership.objects.filter(pk=d.membership.pk).exists(),
    ),
    "create body": Change(
        lambda d: reverse("redazione:tavoli_body_create"),
        lambda d: {"name": "Comune di Pinerolo"},
        lambda d: Body.objects.filter(name="Comune di Pinerolo").exists(),
    ),
    "edit body": Change(
        lambda d: reverse("redazione:tavoli_body", args=[d.body.pk]),
        lambda d: {"revision": 1, "name": "Cooperativa Il Ponte scs"},
        lambda d: Body.objects.get(pk=d.body.pk).name == "Cooperativa Il Ponte scs",
    ),
    "record contribution": Change(
        lambda d: reverse("redazione:tavoli_contribution_create") + "?programma=patto",
        lambda d: {"table": d.table.pk, "kind": "request", "title": "Affitti", "text": "Testo."},
        lambda d: Contribution.objects.filter(title="Affitti").exists(),
    ),
    "edit contribution": Change(
        lambda d: reverse("redazione:tavoli_contribution", args=[d.contribution.pk]),
        lambda d: {
            "revision": 1,
            "table": d.table.pk,
            "kind": "proposal",
            "title": "Più case popolari",
            "text": "Testo.",
        },
        lambda d: Contribution.objects.get(pk=d.contribution.pk).title == "Più case popolari",
    ),
    "answer contribution": Change(
        lambda d: reverse("redazione:tavoli_contribution_answer", args=[d.contribution.pk]),
        lambda d: {"revision": 1, "status": "accepted", "response": "Accolto."},
        lambda d: Contribution.objects.get(pk=d.contribution.pk).status == "accepted",
    ),
    "change status inline": Change(
        lambda d: reverse("redazione:tavoli_contribution_status", args=[d.contribution.pk]),
        lambda d: {
            f"c{d.contribution.pk}-revision": 1,
            f"c{d.contribution.pk}-status": "under_review",
        },
        lambda d: Contribution.objects.get(pk=d.contribution.pk).status == "under_review",
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("change", CHANGES)
def test_state_changes(client, data, change, role):
    login_as(client, role)
    response = client.post(CHANGES[change].url(data), CHANGES[change].payload(data))
    assert_outcome(response, role, 302)
    assert CHANGES[change].done(data) is (role == "staff")


# Objects that do not exist or belong elsewhere -----------------------------------------------

MISSING = {
    "table": ("get", lambda d: reverse("redazione:tavoli_table", args=[999999])),
    "add member to a missing table": (
        "post",
        lambda d: reverse("redazione:tavoli_membership_add", args=[999999]),
    ),
    "membership of another table": (
        "post",
        lambda d: reverse(
            "redazione:tavoli_membership_remove", args=[d.other_table.pk, d.membership.pk]
        ),
    ),
    "body": ("get", lambda d: reverse("redazione:tavoli_body", args=[999999])),
    "contribution": ("get", lambda d: reverse("redazione:tavoli_contribution", args=[999999])),
    "answer a missing contribution": (
        "post",
        lambda d: reverse("redazione:tavoli_contribution_answer", args=[999999]),
    ),
    "status of a missing contribution": (
        "post",
        lambda d: reverse("redazione:tavoli_contribution_status", args=[999999]),
    ),
    "unknown programme": (
        "get",
        lambda d: reverse("redazione:tavoli_table_create") + "?programma=nessuno",
    ),
    "new contribution, unknown programme": (
        "post",
        lambda d: reverse("redazione:tavoli_contribution_create") + "?programma=nessuno",
    ),
}


@pytest.mark.parametrize("case", MISSING)
def test_missing_objects_are_404_for_staff(client, data, case):
    login_as(client, "staff")
    method, url = MISSING[case]
    response = getattr(client, method)(url(data))
    assert response.status_code == 404
    assert TableMembership.objects.filter(pk=data.membership.pk).exists()


@pytest.mark.parametrize("role", ["registered", "spokesperson"])
def test_services_refuse_people_outside_the_redazione(data, role):
    user = someone(role)
    calls = [
        lambda: services.create_table(programme=data.programme, by=user, title="X", slug="x"),
        lambda: services.update_table(table=data.table, by=user, expected_revision=1, title="X"),
        lambda: services.create_body(by=user, name="Ente"),
        lambda: services.add_member(table=data.table, by=user, body=data.free_body),
        lambda: services.remove_member(membership=data.membership, by=user),
        lambda: services.record_contribution(
            programme=data.programme,
            by=user,
            table=data.table,
            kind="proposal",
            title="T",
            text="x",
        ),
        lambda: services.answer_contribution(
            contribution=data.contribution,
            by=user,
            expected_revision=1,
            status=ContributionStatus.ACCEPTED,
            response="Sì.",
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert TableMembership.objects.filter(pk=data.membership.pk).exists()
    assert Contribution.objects.get(pk=data.contribution.pk).status == "received"
