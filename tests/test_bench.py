"""The benchmark's part of the monitoring (issue 20): the dataset's monitoring of the plan in
force (``bench/dataset.py``'s ``add_monitoring``, on a small version) and the overview page as a
scenario with its own verdict against the public-page targets (``bench/run.py``). ``make bench``
runs the whole benchmark; these tests only check that what it builds and reports says what it
should."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from bench import run as bench
from bench.dataset import VALUES_PER_INDICATOR, add_monitoring
from matrice.models import Action
from patto.models import (
    STATES_WITH_REASON,
    ActionMonitoring,
    ImplementationState,
    MonitoringIndicator,
    MonitoringUpdate,
    UpdateStatus,
)
from tests.factories import StaffFactory
from tests.versions import build_version


@pytest.mark.django_db
def test_the_dataset_monitors_every_action_of_the_plan_in_force():
    content = build_version(actions=24, zones=2)
    Action.objects.filter(version=content.version).update(budget=Decimal(100_000))
    actions = list(Action.objects.filter(version=content.version))
    Action.zones.through.objects.bulk_create(
        Action.zones.through(action=action, zone=content.zones[0]) for action in actions[:12]
    )
    published_at = timezone.now() - datetime.timedelta(days=200)
    today = timezone.localdate()

    counts = add_monitoring(
        programme=content.programme,
        actions=actions,
        rng=random.Random(7),
        staff=StaffFactory(),
        published_at=published_at,
    )

    states = ActionMonitoring.objects.filter(programme=content.programme)
    assert counts["monitored actions"] == states.count() == len(actions)
    assert {m.action_key for m in states} == {a.key for a in actions}
    assert len(set(states.values_list("state", flat=True))) >= 3
    for monitoring in states:
        assert bool(monitoring.state_reason) == (monitoring.state in STATES_WITH_REASON)
        if monitoring.state == ImplementationState.NOT_STARTED:
            assert monitoring.progress == 0 and monitoring.committed is None
        else:
            assert monitoring.spent <= monitoring.committed <= Decimal(100_000)

    updates = MonitoringUpdate.objects.filter(programme=content.programme)
    assert counts["updates"] == updates.count() >= len(actions)
    assert updates.filter(status=UpdateStatus.PUBLISHED).count() > updates.count() / 2
    assert all(
        published_at.date() < u.happened_on <= today
        and (u.published_at is not None) == (u.status == UpdateStatus.PUBLISHED)
        for u in updates
    )
    # an update about a zone is about one where its action applies
    applies = set(Action.zones.through.objects.values_list("action__key", "zone_id"))
    assert all((u.action_key, u.zone_id) in applies for u in updates.filter(zone__isnull=False))

    indicators = MonitoringIndicator.objects.filter(programme=content.programme)
    assert indicators.count() >= len(actions)
    for indicator in indicators.prefetch_related("values"):
        values = list(indicator.values.all())
        assert len(values) == VALUES_PER_INDICATOR
        assert all(published_at.date() < v.measured_on <= today for v in values)


def row(page, **figures):
    return {
        "page": page,
        "path": "/",
        "p95_ms": 20.0,
        "ratio_to_floor": 0.8,
        "queries_cold": 6,
        "status": 200,
        "non_2xx_3xx": 0,
        **figures,
    }


def test_the_monitoring_overview_is_measured_with_its_own_verdict():
    paths = dict(bench.pages("bench-1"))
    assert paths[bench.MONITORING_OVERVIEW] == "/programmi/bench-1/attuazione/"

    def verdict(**figures):
        _target, met, measured = bench.public_page_verdict(
            bench.MONITORING_OVERVIEW, [row("home"), row(bench.MONITORING_OVERVIEW, **figures)]
        )
        return met, measured

    assert verdict() == (True, "p95 20.0 ms, 80% of the floor, 6 SQL queries, status 200")
    assert not verdict(p95_ms=51.0)[0]
    assert not verdict(ratio_to_floor=0.4)[0]
    assert not verdict(queries_cold=13)[0]
    # a page that is not there answers fast and proves nothing
    met, measured = verdict(status=404, non_2xx_3xx=300, queries_cold=1)
    assert not met and "status 404, 300 non-2xx" in measured
    assert bench.public_page_verdict(bench.MONITORING_OVERVIEW, [row("home")])[1:] == (
        False,
        "not measured",
    )
