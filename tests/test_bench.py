"""The benchmark's parts, at a small size: the dataset's monitoring of the plan in force
(``bench/dataset.py``'s ``add_monitoring``, on a small version) and the overview page as a
scenario with its own verdict against the public-page targets (issue 20); the people at work
(issue 23: ``add_consultation``'s consultation, backlog, draft and version in validation, every
role's pages and writes as ``bench/roles.py`` measures them, the distinct addresses of the cache
misses) and the verdicts on their targets (``bench/run.py``). ``make bench`` runs the whole
benchmark; these tests only check that what it builds, asks for and reports says what it
should."""

import datetime
import os
import random
import subprocess
import sys
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from bench import dataset, misses, roles
from bench import run as bench
from bench.dataset import VALUES_PER_INDICATOR, add_monitoring
from matrice.models import Action
from patto.accounts.roles import roles_of
from patto.accounts.second_factor import has_second_factor
from patto.models import (
    STATES_WITH_REASON,
    ActionMonitoring,
    ImplementationState,
    MonitoringIndicator,
    MonitoringUpdate,
    PlanVersion,
    UpdateStatus,
    User,
    Validation,
    VersionStatus,
)
from tavoli.consultation import consultation_of
from tavoli.models import Comment, Contribution, Moderation
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    StaffFactory,
    ZoneFactory,
)
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


@pytest.fixture
def consultation(db, monkeypatch):
    """``add_consultation`` at scale 1 with ten actions per version and a few of everything."""
    for name, value in {
        "ACTIONS_PER_SCALE": 10,
        "CITIZENS": 2,
        "PENDING_CONTRIBUTIONS": 4,
        "APPROVED_CONTRIBUTIONS": 3,
        "PENDING_COMMENTS": 2,
        "APPROVED_COMMENTS": 1,
    }.items():
        monkeypatch.setattr(dataset, name, value)
    zones = [ZoneFactory(number=number) for number in (1, 2, 3, 4)]
    staff = User.objects.create_user(username=dataset.STAFF_EMAIL, email=dataset.STAFF_EMAIL)
    counts = dataset.add_consultation(
        scale=1, rng=random.Random(7), staff=staff, zones=zones, position=0, now=timezone.now()
    )
    return counts


def test_the_dataset_puts_every_role_at_work_on_a_consultation(consultation):
    versions = PlanVersion.objects.filter(programme__slug=dataset.CONSULTATION_PROGRAMME)
    published, proposal, draft = versions.order_by("number")
    assert [v.status for v in (published, proposal, draft)] == [
        VersionStatus.PUBLISHED,
        VersionStatus.IN_VALIDATION,
        VersionStatus.DRAFT,
    ]
    assert all(Action.objects.filter(version=v).count() == 10 for v in versions)
    # the open consultation is about the version in validation
    open_now = consultation_of(proposal.programme)
    assert open_now.is_open and open_now.is_about(proposal)
    # the backlog: online contributions on it, most waiting, and comments waiting
    online = Contribution.objects.filter(version=proposal)
    assert online.filter(moderation=Moderation.PENDING).count() == 4
    assert online.filter(moderation=Moderation.APPROVED).count() == 3
    assert Comment.objects.filter(moderation=Moderation.PENDING).count() == 2
    assert consultation == {"people": 6, "online contributions": 7, "waiting for moderation": 6}
    # every zone approved the published version; the spokespersons have still to decide
    assert Validation.objects.filter(version=published).count() == 4
    assert not Validation.objects.filter(version=proposal).exists()
    # the people: confirmed addresses, the privileged with a second factor
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count() == 6
    staff = User.objects.get(email=dataset.STAFF_EMAIL)
    spokesperson = User.objects.get(email=roles.spokesperson_email(1))
    assert roles_of(staff)["redazione"] and has_second_factor(staff)
    assert roles_of(spokesperson)["spokesperson"] and has_second_factor(spokesperson)


def test_every_role_page_the_bench_measures_answers_and_every_write_is_carried_out(
    consultation, monkeypatch
):
    emails = {
        roles.CITIZEN: roles.citizen_emails()[0],
        roles.STAFF: dataset.STAFF_EMAIL,
        roles.SPOKESPERSON: roles.spokesperson_email(1),
    }
    clients = {role: roles.client_of(email) for role, email in emails.items()}
    pages = roles.role_pages()
    assert {p["role"] for p in pages} == set(emails)
    for page in pages:
        assert clients[page["role"]].get(page["path"]).status_code == 200, page

    # each write once (moves twice: down and up), the lifecycle in one turn
    for name, value in {"SAVES": 1, "MOVES": 2, "CYCLES": 1, "SPOKESPERSON_ZONES": (2,)}.items():
        monkeypatch.setattr(roles, name, value)
    writes = roles.writes()
    assert all(figures["ok"] for figures in writes.values()), writes
    assert {label: len(figures["runs"]) for label, figures in writes.items()} == {
        "save an action": 1,
        bench.MOVE_WRITE: 2,
        "decide with 20 remarks: check": 1,
        "decide with 20 remarks: confirm": 1,
        "withdraw": 2,
        "submit": 1,
        "new version": 1,
    }
    assert Validation.objects.filter(version__number=2, zone__number=2).exists()


def test_the_cache_misses_are_distinct_public_pages_of_every_kind_that_answer(consultation):
    MeetingFactory()
    MunicipalityFactory(name="Torre Pellice")
    paths = misses.miss_paths(80)
    assert len(paths) == len(set(paths)) == 80
    kinds = ("/azioni/?", "/azioni/", "zona=", "q=", "/incontri/", "/zone/cerca-comune/")
    assert all(any(kind in path for path in paths) for kind in kinds)
    anonymous = Client()
    for path in paths[:: len(paths) // 20]:
        assert anonymous.get(path).status_code == 200, path


def traffic(**figures):
    return {
        "p95_ms": 150.0,
        "rps": 500.0,
        "ratio_to_floor": 0.25,
        "requests": 5000,
        "non_2xx_3xx": 0,
        "socket_errors": 0,
        "wrapped": 0,
        **figures,
    }


def test_the_cache_misses_and_the_citizens_are_judged_on_their_targets():
    def verdicts(misses=None, citizens=None, share=0.8):
        found = bench.traffic_verdicts(
            [row("home", ratio_to_floor=share)],
            traffic(**(misses or {})),
            traffic(**(citizens or {})),
        )
        return [met for _target, met, _measured in found]

    assert verdicts() == [True, True, True, True]
    assert verdicts(share=0.7) == [False, True, True, True]
    assert verdicts(misses={"p95_ms": 201.0, "ratio_to_floor": 0.19}) == [True, False, False, True]
    # a request that asked for an address again was a cache hit: the misses prove nothing
    assert verdicts(misses={"wrapped": 3}) == [True, False, False, True]
    assert verdicts(citizens={"ratio_to_floor": 0.09}) == [True, True, True, False]
    assert verdicts(citizens={"non_2xx_3xx": 1}) == [True, True, True, False]


def role(page, **figures):
    return {
        "role": "staff",
        "page": page,
        "path": "/redazione/",
        "status": 200,
        "statuses": [200],
        "p95_ms": 100.0,
        "queries_cold": 20,
        "bytes": 100_000,
        **figures,
    }


def write(ms=300.0, ok=True, bytes_=0):
    return {
        "runs": [{"status": 302}],
        "median_ms": ms,
        "max_ms": ms,
        "queries": 20,
        "bytes": bytes_,
        "ok": ok,
    }


def judged(found, words):
    """(met, measured) of the one target whose name contains ``words``."""
    (verdict,) = [(met, measured) for target, met, measured in found if words in target]
    return verdict


def test_every_role_the_writes_and_the_memory_are_judged_on_their_targets():
    def verdicts(pages=(), writes=None, workers=(250.0, 260.0), other=None):
        return bench.role_verdicts(
            [role(bench.DRAFT_PAGE), *pages],
            {"p95_ms": 120.0, "requests": 40},
            [row("home", bytes=50_000)],
            writes
            or {
                bench.MOVE_WRITE: write(bytes_=5_000),
                "decide with 20 remarks: confirm": write(),
            },
            [{"pid": 1, "rss_mb": mb} for mb in workers],
            other,
        )

    assert all(met for _target, met, _measured in verdicts())
    found = verdicts(pages=[role("dashboard", p95_ms=4700.0, queries_cold=31, bytes=500_000)])
    one_at_a_time = judged(found, "one request at a time")
    assert not one_at_a_time[0] and "dashboard 4700 ms" in one_at_a_time[1]
    assert not judged(found, "SQL queries on every page")[0]
    assert not judged(found, "no HTML page over")[0]
    # a redirect (to the login, to set up a second factor) is fast and proves nothing
    found = verdicts(pages=[role("queue", status=302, statuses=[302])])
    assert not judged(found, "one request at a time")[0]
    # the htmx move answers a fragment, not the whole draft again
    found = verdicts(writes={bench.MOVE_WRITE: write(bytes_=90_000)})
    assert not judged(found, "htmx move")[0]
    assert not judged(verdicts(writes={"submit": write(ms=600.0)}), "submit ≤")[0]
    found = verdicts(writes={"decide with 20 remarks: confirm": write(ok=False)})
    assert not judged(found, "decision with remarks")[0]
    assert not judged(verdicts(workers=(250.0, 310.0)), "resident memory")[0]
    found = verdicts(other=[role(bench.DRAFT_PAGE, queries_cold=19)])
    assert judged(found, "scale 1 and scale 10") == (False, "they differ on draft overview")


@pytest.mark.django_db
def test_the_least_page_is_the_layout_and_one_query(client, settings, django_assert_num_queries):
    """``/__least__`` (bench/floor.py), which the cache misses are read against: the portal's
    whole layout and one query, rendered for every request."""
    settings.ROOT_URLCONF = "bench.floor"
    ProgrammeFactory(title="Programma del bench")
    with django_assert_num_queries(2):  # the programme, and the menu's the first time
        first = client.get("/__least__")
    with django_assert_num_queries(1):  # the menu is kept (patto.cache.kept)
        again = client.get("/__least__")
    for response in (first, again):
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Programma del bench</h1>" in html
        assert 'id="nav-main"' in html and 'id="footer"' in html
    assert client.get("/__floor__").content == b"ok"


def test_the_misses_are_read_against_the_least_page():
    least = traffic(ratio_to_floor=0.071)
    found = bench.traffic_verdicts([row("home")], traffic(), traffic(), least)
    assert "the least page not in the page cache: 7.1%" in found[2][2]
    # the citizens' sessions against the least page asked by them
    assert "the least page not in the page cache: 7.1%" in found[3][2]
    logged_in = traffic(ratio_to_floor=0.052)
    found = bench.traffic_verdicts([row("home")], traffic(), traffic(), least, logged_in)
    assert "the least page not in the page cache: 7.1%" in found[2][2]
    assert "the least page, logged in: 5.2%" in found[3][2]


def test_gunicorn_can_load_the_bench_application():
    """What ``make bench`` gives gunicorn (``bench.floor:application``) imports in a fresh
    process: Django is set up before the project's models and URLs are read."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import bench.floor; print(bench.floor.application)"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "patto.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "FloorHandler" in loaded.stdout
