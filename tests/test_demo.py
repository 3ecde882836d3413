"""``manage.py load_demo``: what it builds from the seeds, the demo accounts and idempotency (the
production guard: test_demo_production.py). The demo is loaded once for the module, whose tests
only read it; what a test writes is rolled back at its end, the demo at the module's end."""

import csv
import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from incontri.models import Meeting, MeetingKind, MeetingStatus
from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.snapshots import compute_fingerprint
from patto.demo import content
from patto.demo.content import DEMO_ACCOUNTS, TARGETS, TOOLS
from patto.models import (
    REDAZIONE_GROUP,
    ActionMonitoring,
    ActorCategory,
    Decision,
    Follow,
    ImplementationState,
    IndicatorValue,
    ItemKind,
    MonitoringIndicator,
    MonitoringReport,
    MonitoringUpdate,
    Programme,
    UpdateStatus,
    User,
    VersionStatus,
)
from patto.monitoring.report import report_context
from tavoli.models import ANSWERED_STATUSES, Contribution, ContributionStatus, ThematicTable
from tests.page_titles import assert_no_two_pages_share_a_title
from zone.models import Zone

pytestmark = pytest.mark.django_db

PATTO = "patto-sviluppo-comunita-solidali"
PIANO = "piano-sociale-metropolitano"

# As the seeds name them.
TABLES_2015 = [
    "Integrazione socio-sanitaria",
    "Contrasto alla povertà e inclusione sociale",
    "Politiche di sostegno alle responsabilità familiari",
    "Sportelli di accesso alla rete dei servizi territoriali",
]
TABLES_2017 = [
    "Lotta alla povertà e politiche per l'inclusione sociale",
    "Politiche di sostegno alle responsabilità familiari",
    "Dalla politica della casa alle politiche per l'abitare",
    "Servizio civile universale",
    "Integrazione socio-sanitaria: politiche per non auto-sufficienze e disabilità",
]
POLICIES = [
    "Sostegno alle Famiglie, ai Minori e alla Genitorialità",
    "Inclusione sociale e Contrasto alla povertà",
    "Integrazione socio-sanitaria",
    "Sostegno alla cultura della cittadinanza e delle pari opportunità",
    "Pubbliche Tutele",
]


def run_load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The output of load_demo, run once for the module in a transaction rolled back at its end
    (each test runs in a savepoint inside it)."""
    test_settings = override_settings(  # as every test has them (tests/conftest.py)
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        output = run_load_demo()
        yield output
        transaction.set_rollback(True)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_builds_both_programmes(demo):
    patto = Programme.objects.get(slug=PATTO)
    piano = Programme.objects.get(slug=PIANO)
    assert (patto.kind, patto.promoter) == ("patto", "Regione Piemonte")
    assert (
        patto.promoter_office == "Assessorato alle Politiche sociali, della famiglia e della casa"
    )
    assert str(patto.end_date) == "2019-12-31"
    assert not patto.validating_zones.exists()
    assert (piano.kind, piano.promoter) == ("piano", "Città Metropolitana di Torino")
    assert set(piano.validating_zones.all()) == set(Zone.objects.all())
    assert piano.validating_zones.count() == 11


def test_patto_phases_and_tables(demo):
    patto = Programme.objects.get(slug=PATTO)
    phases = list(patto.phases.order_by("position"))
    assert [p.title for p in phases] == [
        "Patto per il sociale",
        "Un nuovo Patto per il sociale",
        "Patto di sviluppo di comunità solidali",
    ]
    assert str(phases[1].start_date) == "2017-07-05"
    tables = ThematicTable.objects.filter(programme=patto).order_by("position")
    assert [t.title for t in tables if t.phase == phases[0]] == TABLES_2015
    assert [t.title for t in tables if t.phase == phases[1]] == TABLES_2017


def test_meetings_come_from_the_csv(demo):
    meetings = Meeting.objects.filter(programme__slug=PATTO)
    assert meetings.count() == 10
    assert meetings.filter(kind=MeetingKind.PLENARY).count() == 1
    assert meetings.filter(kind=MeetingKind.PROVINCIAL).count() == 9
    undated = meetings.filter(date__isnull=True)
    assert undated.count() == 4
    assert all(m.date_note and m.status == MeetingStatus.SCHEDULED for m in undated)
    assert all(m.status == MeetingStatus.HELD for m in meetings.filter(date__isnull=False))

    plenary = meetings.get(kind=MeetingKind.PLENARY)
    assert (str(plenary.date), plenary.venue) == ("2017-07-05", "Torino, Campus Luigi Einaudi")
    assert plenary.title.startswith("Un nuovo Patto per il sociale")

    with (django_settings.REFERENCE_DATA_DIR / "incontri_2017.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    shown_sources = content.MEETINGS["patto_2017"]["sources"]
    for row in rows:
        source = shown_sources.get(row["fonte"], row["fonte"])
        if row["data"]:
            assert meetings.filter(date=row["data"], source=source).exists()
    # a reader sees a source in words or an address, never the csv's note for maintainers
    assert not meetings.filter(source__in=list(shown_sources)).exists()
    assert meetings.filter(source__startswith="Nessuna fonte pubblica").count() == 4
    assert meetings.filter(province__name="Torino", kind=MeetingKind.PROVINCIAL).count() == 2
    assert meetings.get(title="Incontro provinciale di Cuneo").province.name == "Cuneo"
    assert all(m.province_id for m in meetings.filter(kind=MeetingKind.PROVINCIAL))
    for meeting in meetings:
        assert meeting.audiences
        assert set(meeting.audiences) <= set(ActorCategory.values)
        assert ActorCategory.HOUSING in meeting.audiences


def test_meetings_without_a_date_were_expected_by_the_end_of_november_2017(demo):
    undated = Meeting.objects.filter(programme__slug=PATTO, date__isnull=True)
    # "nei mesi di ottobre e novembre 2017" (seed 000): the period, not an invented date
    assert {(m.date_note, m.expected_by) for m in undated} == {
        ("ottobre–novembre 2017", datetime.date(2017, 11, 30))
    }
    assert not Meeting.objects.filter(programme__slug=PATTO).upcoming().exists()
    assert set(Meeting.objects.past().filter(date__isnull=True)) == set(undated)


def test_a_demo_loaded_before_meetings_had_an_expected_period_gets_it(demo):
    undated = Meeting.objects.filter(programme__slug=PATTO, date__isnull=True)
    undated.update(expected_by=None)
    run_load_demo()
    assert {m.expected_by for m in undated} == {datetime.date(2017, 11, 30)}


def test_upcoming_illustrative_meetings_take_registrations(demo):
    from incontri.models import Registration

    upcoming = list(Meeting.objects.filter(programme__slug=PIANO).upcoming().order_by("date"))
    assert len(upcoming) == 2
    assert all("illustrativ" in m.agenda and m.accepts_registrations() for m in upcoming)
    open_one, full_one = upcoming
    citizen = Registration.objects.get(user__email="cittadino@demo.patto.localhost")
    assert citizen.meeting == open_one and citizen.status == "confirmed"
    assert full_one.registrations.filter(status="confirmed").count() == full_one.capacity
    for meeting in upcoming:
        assert meeting.registrations.filter(status="confirmed").count() <= meeting.capacity


def test_piano_versions_and_validations(demo):
    piano = Programme.objects.get(slug=PIANO)
    v1 = piano.versions.get(number=1)
    v2 = piano.versions.get(number=2)

    assert v1.status == VersionStatus.PUBLISHED
    assert list(Policy.objects.filter(version=v1).values_list("title", flat=True)) == POLICIES
    assert ActionArea.objects.filter(version=v1).count() == 12
    assert 25 <= Action.objects.filter(version=v1).count() <= 35
    assert v1.fingerprint == compute_fingerprint(v1)
    assert v1.validations.filter(decision=Decision.APPROVED).count() == 11
    assert v1.published_at.year == 2016

    assert v2.status == VersionStatus.IN_VALIDATION
    assert v2.based_on == v1
    assert v2.change_note
    decided = set(v2.validations.values_list("zone__number", flat=True))
    assert decided and decided != set(range(1, 12))
    assert not decided & {1, 5}
    assert not v2.validations.exclude(decision=Decision.APPROVED).exists()
    remark = v2.validations.get(remarks__isnull=False).remarks.get()
    assert remark.item_kind == ItemKind.ACTION
    assert Action.objects.filter(version=v2, key=remark.item_key).exists()

    # v2 adds some actions, removes one and rewrites one.
    keys_v1 = dict(Action.objects.filter(version=v1).values_list("key", "description"))
    keys_v2 = dict(Action.objects.filter(version=v2).values_list("key", "description"))
    assert len(keys_v2.keys() - keys_v1.keys()) in (2, 3)
    assert len(keys_v1.keys() - keys_v2.keys()) == 1
    assert sum(keys_v1[k] != keys_v2[k] for k in keys_v1.keys() & keys_v2.keys()) == 1

    # Zone 1's demo spokesperson can still decide on v2.
    zone_1 = Zone.objects.get(number=1)
    spokesperson = User.objects.get(email="portavoce.zona1@demo.patto.localhost")
    assert list(Zone.objects.for_spokesperson(spokesperson)) == [zone_1]


def test_illustrative_content_says_so(demo):
    assert Action.objects.exists()
    for action in Action.objects.all():
        assert "Azione illustrativa" in action.description, action
    for area in ActionArea.objects.all():
        assert "a titolo illustrativo" in area.description, area
    illustrative = {code for code, _name, quote in (*TOOLS, *TARGETS) if quote is None}
    assert illustrative
    for item in [*Tool.objects.all(), *Target.objects.all()]:
        if item.code in illustrative:
            assert "illustrativa" in item.description, item
        else:
            assert item.description.startswith("Dal documento del Piano"), item
    for contribution in Contribution.objects.all():
        assert "Contributo illustrativo" in contribution.text
        assert "(esempio)" in contribution.author_name
    # the monitoring history is made up too, and every text of it says so
    assert MonitoringUpdate.objects.exists() and MonitoringIndicator.objects.exists()
    for update in MonitoringUpdate.objects.all():
        assert update.title.endswith("(illustrativo)"), update
        assert "Aggiornamento illustrativo" in update.text, update
        if update.status == UpdateStatus.DECLINED:
            assert "Motivo illustrativo" in update.decline_reason, update
    for monitoring in ActionMonitoring.objects.exclude(state_reason=""):
        assert "Motivo illustrativo" in monitoring.state_reason, monitoring
    for indicator in MonitoringIndicator.objects.all():
        assert indicator.name.endswith("(illustrativo)"), indicator
    for value in IndicatorValue.objects.all():
        assert value.note == "Valore illustrativo.", value
    # and the figures, which carry no text, are introduced by the Piano's note on its data,
    # shown above them on the overview and on each action's page
    piano = Programme.objects.get(slug=PIANO)
    assert "inventati" in piano.monitoring_note


def test_contributions_with_every_outcome(demo):
    contributions = Contribution.objects.filter(channel="table")
    assert 12 <= contributions.count() <= 20
    assert set(contributions.values_list("status", flat=True)) == set(ContributionStatus.values)
    for contribution in contributions.filter(status__in=ANSWERED_STATUSES):
        assert contribution.response.strip()
        assert contribution.answered_by.is_redazione
    piano_accepted = contributions.filter(programme__slug=PIANO, status=ContributionStatus.ACCEPTED)
    assert piano_accepted.exists()
    assert all(c.led_to.exists() for c in piano_accepted)
    assert contributions.filter(programme__slug=PATTO, table__isnull=False).exists()
    assert contributions.filter(programme__slug=PATTO, meeting__isnull=False).exists()


def test_the_plan_in_force_has_a_monitoring_history(demo):
    piano = Programme.objects.get(slug=PIANO)
    in_force = piano.versions.get(status=VersionStatus.PUBLISHED)
    published_on = in_force.published_at.date()
    today = timezone.localdate()
    keys = set(Action.objects.filter(version=in_force).values_list("key", flat=True))
    staff = User.objects.get(email="redazione@demo.patto.localhost")

    # state, progress and money for a good share of the actions, written through the services
    states = ActionMonitoring.objects.filter(programme=piano)
    assert {m.action_key for m in states} <= keys
    assert states.count() >= len(keys) / 2
    assert {ImplementationState.IN_PROGRESS, ImplementationState.COMPLETED} <= set(
        states.values_list("state", flat=True)
    )
    assert states.filter(committed__gt=0, spent__gt=0).count() >= len(keys) / 2
    assert all(m.spent <= m.committed for m in states.filter(spent__isnull=False))
    suspended = states.get(state=ImplementationState.SUSPENDED)
    assert suspended.state_reason.strip()
    assert suspended.history.get().history_user == staff
    assert all(published_on <= m.updated_at.date() <= today for m in states)

    # dated updates over the months since publication, never in the future
    updates = MonitoringUpdate.objects.filter(programme=piano)
    assert {u.action_key for u in updates} <= keys
    dates = sorted(updates.values_list("happened_on", flat=True))
    assert published_on <= dates[0] and dates[-1] <= today
    assert (dates[-1] - dates[0]).days > 180
    by_staff = updates.filter(author=staff)
    assert by_staff.count() >= 5
    assert all(u.status == UpdateStatus.PUBLISHED and u.zone is None for u in by_staff)
    proposals = {u.status: u for u in updates.exclude(author=staff)}
    assert set(proposals) == set(UpdateStatus.values)  # one published, one declined, one waiting
    for update in proposals.values():
        assert Zone.objects.for_spokesperson(update.author).filter(pk=update.zone_id).exists()
    assert proposals[UpdateStatus.PUBLISHED].published_by == staff
    assert (
        proposals[UpdateStatus.PUBLISHED].published_at.date()
        > proposals[UpdateStatus.PUBLISHED].happened_on
    )
    assert proposals[UpdateStatus.DECLINED].decline_reason.strip()
    assert proposals[UpdateStatus.PROPOSED].published_at is None
    # a spokesperson the demo can log in as wrote the one that waits for staff
    waiting_author = proposals[UpdateStatus.PROPOSED].author.email
    assert waiting_author in {account.email for account in DEMO_ACCOUNTS}

    # indicators with their targets and values at dates
    indicators = MonitoringIndicator.objects.filter(programme=piano)
    assert indicators.count() >= 2
    for indicator in indicators:
        assert indicator.action_key in keys and indicator.target is not None
        values = list(indicator.values.all())
        assert len(values) >= 2
        assert all(published_on < v.measured_on <= today for v in values)

    # the actions whose contributions led to them show how they are going
    led_to = Action.objects.filter(version=in_force, contributions__isnull=False)
    assert states.filter(action_key__in=led_to.values("key")).exists()


def test_a_monitoring_report_at_a_date_of_the_story_shows_what_was_recorded_by_then(demo):
    piano = Programme.objects.get(slug=PIANO)
    in_force = piano.versions.get(status=VersionStatus.PUBLISHED)
    latest = ActionMonitoring.objects.filter(programme=piano).latest("updated_at")
    as_of = timezone.localtime(latest.updated_at).date()
    context = report_context(MonitoringReport(programme=piano, version=in_force, as_of=as_of))
    shown = {
        action.key: action.status
        for policy in context["policies"]
        for area in policy.action_areas.all()
        for action in area.actions.all()
    }
    assert shown[latest.action_key]["state"] == latest.state
    assert shown[latest.action_key]["progress"] == latest.progress
    recorded = ActionMonitoring.objects.filter(programme=piano)
    assert context["totals"].committed == sum(m.committed or 0 for m in recorded)
    # the day before the demo's first record, nothing had been recorded yet
    first = recorded.earliest("updated_at")
    before = timezone.localtime(first.updated_at).date() - datetime.timedelta(days=1)
    context = report_context(MonitoringReport(programme=piano, version=in_force, as_of=before))
    assert not context["totals"].committed


def test_a_demo_loaded_before_monitoring_existed_gets_it(demo):
    counts = {
        model: model.objects.count()
        for model in (ActionMonitoring, MonitoringUpdate, MonitoringIndicator, IndicatorValue)
    }
    IndicatorValue.objects.all().delete()
    MonitoringIndicator.objects.all().delete()
    MonitoringUpdate.objects.all().delete()
    ActionMonitoring.objects.all().delete()
    run_load_demo()
    assert {model: model.objects.count() for model in counts} == counts


def test_demo_accounts_log_in(demo):
    for account in DEMO_ACCOUNTS:
        user = authenticate(username=account.email, password=account.password)
        assert user is not None and user.email == account.email
        assert account.email in demo and account.password in demo

        client = Client()
        assert client.login(email=account.email, password=account.password)

        client = Client()
        response = client.post(
            "/account/login/", {"login": account.email, "password": account.password}
        )
        assert response.status_code == 302, account.email
        assert client.session["_auth_user_id"] == str(user.pk)


def test_roles_of_the_demo_accounts(demo):
    admin = User.objects.get(email="admin@demo.patto.localhost")
    staff = User.objects.get(email="redazione@demo.patto.localhost")
    citizen = User.objects.get(email="cittadino@demo.patto.localhost")
    assert admin.is_superuser
    assert staff.groups.filter(name=REDAZIONE_GROUP).exists() and not staff.is_superuser
    assert staff.is_redazione
    assert not citizen.is_redazione and not citizen.is_staff
    assert not Zone.objects.for_spokesperson(citizen).exists()
    zone_5 = User.objects.get(email="portavoce.zona5@demo.patto.localhost")
    assert [z.number for z in Zone.objects.for_spokesperson(zone_5)] == [5]
    # the other zones' spokespersons exist but cannot log in
    other = User.objects.get(email="portavoce.zona3@demo.patto.localhost")
    assert not other.has_usable_password()
    assert all(zone.current_spokespersons() for zone in Zone.objects.all())


def test_the_demo_citizen_follows_the_piano(demo):
    citizen = User.objects.get(email="cittadino@demo.patto.localhost")
    assert citizen.actor_category == ActorCategory.CITIZEN
    assert "illustrativo" in citizen.body_name
    assert Follow.objects.filter(user=citizen, programme__slug=PIANO).exists()


def test_no_two_pages_share_a_title(demo):
    """Every page of the demo, for each role, has a ``<title>`` of its own (the crawl of
    tests/page_titles.py, on this module's demo content)."""
    assert_no_two_pages_share_a_title()


def test_second_run_changes_nothing(demo):
    before = row_counts()
    output = run_load_demo()
    assert row_counts() == before
    assert "Nessun dato nuovo" in output
    assert "admin@demo.patto.localhost" in output


def test_an_open_consultation_on_the_proposal(demo):
    from tavoli.consultation import consultation_of
    from tavoli.models import Moderation

    piano = Programme.objects.get(slug=PIANO)
    consultation = consultation_of(piano)
    assert consultation.is_open
    assert consultation.version.status == "in_validation"
    online = Contribution.objects.filter(programme=piano, channel="online")
    assert sorted(online.values_list("moderation", flat=True)) == sorted(
        [Moderation.APPROVED, Moderation.PENDING, Moderation.HIDDEN]
    )
    answered = online.get(moderation=Moderation.APPROVED)
    assert answered.is_answered and answered.author.email == "cittadino@demo.patto.localhost"
    assert "illustrativ" in consultation.phase.title
