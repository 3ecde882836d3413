"""SQL query counts of the staff's monitoring pages, pinned at two data sizes so an N+1 fails
here. Each count includes the session, the user, the staff menu's programmes and the tabs'
two counts (proposals waiting, dropped actions without a reason)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patto.models import (
    ActionMonitoring,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    UpdateAttachment,
    UpdateStatus,
)
from tests.monitoring.conftest import make_world

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def populate(size):
    """A plan in force of ``size`` actions, each with its state and two updates (one
    published, one proposed by zone 1's spokesperson)."""
    world = make_world(actions=size)
    actions = list(world.version.actions.all())
    ActionMonitoring.objects.bulk_create(
        ActionMonitoring(
            programme=world.programme, action_key=a.key, state="in_progress", progress=i % 101
        )
        for i, a in enumerate(actions)
    )
    now = timezone.now()
    MonitoringUpdate.objects.bulk_create(
        MonitoringUpdate(
            programme=world.programme,
            action_key=a.key,
            happened_on=datetime.date(2024, 1, 1),
            title=f"Aggiornamento {i}",
            text="Testo",
            author=world.sp1 if status == UpdateStatus.PROPOSED else world.staff,
            zone=world.zone1 if status == UpdateStatus.PROPOSED else None,
            status=status,
            published_at=now if status == UpdateStatus.PUBLISHED else None,
        )
        for i, a in enumerate(actions)
        for status in (UpdateStatus.PUBLISHED, UpdateStatus.PROPOSED)
    )
    # the first action: ``size`` more updates with a PDF each, ``size`` indicators with values
    updates = MonitoringUpdate.objects.bulk_create(
        MonitoringUpdate(
            programme=world.programme,
            action_key=world.local.key,
            happened_on=datetime.date(2024, 2, 1),
            title=f"Con allegato {i}",
            text="Testo",
            author=world.staff,
            status=UpdateStatus.PUBLISHED,
            published_at=now,
        )
        for i in range(size)
    )
    UpdateAttachment.objects.bulk_create(
        UpdateAttachment(update=u, title="Relazione", file="x.pdf", uploaded_by=world.staff)
        for u in updates
    )
    indicators = MonitoringIndicator.objects.bulk_create(
        MonitoringIndicator(
            programme=world.programme, action_key=world.local.key, name=f"Ind {i}", target=10
        )
        for i in range(size)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=ind,
            measured_on=datetime.date(2024, 1, 1),
            value=1,
            recorded_by=world.staff,
        )
        for ind in indicators
    )
    return world


# page: (queries, address)
PAGES = {
    "actions": (12, lambda w: reverse("redazione:monitoring", args=[w.programme.slug])),
    "filtered actions": (
        12,
        lambda w: (
            reverse("redazione:monitoring", args=[w.programme.slug])
            + "?stato=in_progress&proposte=1"
        ),
    ),
    "action": (
        17,
        lambda w: reverse("redazione:monitoring_action", args=[w.programme.slug, w.local.key]),
    ),
    "proposals": (
        13,
        lambda w: reverse("redazione:monitoring_proposals", args=[w.programme.slug]),
    ),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_staff_monitoring_pages_make_a_fixed_number_of_queries(
    client, django_assert_num_queries, size, page
):
    world = populate(size)
    client.force_login(world.staff)
    queries, address = PAGES[page]
    with django_assert_num_queries(queries):
        response = client.get(address(world))
    assert response.status_code == 200
    shown = {
        "actions": "1.1.1",
        "filtered actions": "1.1.1",
        "action": f"Con allegato {size - 1}",
    }
    assert shown.get(page, f"Aggiornamento {size - 1}") in response.content.decode()
