"""The writes of the monitoring (``patto.monitoring.services``): what each records, who may
call it, what it refuses with a message, and the conflict of two people saving the same
action's state."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from patto.core.locking import ConflictError
from patto.models import (
    ActionMonitoring,
    DroppedAction,
    ImplementationState,
    IndicatorValue,
    MonitoringUpdate,
    UpdateAttachment,
    UpdateStatus,
    VersionStatus,
)
from patto.monitoring import services
from tests.monitoring.conftest import fake_pdf, pdf_upload
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today
YESTERDAY = datetime.date(2024, 5, 2)


def record(world, by=None, **fields):
    values = {
        "programme": world.programme,
        "action_key": world.local.key,
        "state": ImplementationState.IN_PROGRESS,
        "progress": 40,
        "committed": Decimal("1000.00"),
        "spent": Decimal("250.50"),
        "expected_revision": None,
        "by": by or world.staff,
    }
    return services.record_implementation(**{**values, **fields})


def update(world, by=None, **fields):
    values = {
        "programme": world.programme,
        "action_key": world.local.key,
        "happened_on": YESTERDAY,
        "title": "Aperto lo sportello",
        "text": "Lo sportello è aperto il martedì.",
        "by": by or world.staff,
    }
    return services.add_update(**{**values, **fields})


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# State, progress, money -----------------------------------------------------------------------


def test_staff_record_where_an_action_stands_and_then_change_it(world):
    first = record(world)
    assert (first.state, first.progress, first.spent, first.revision) == (
        "in_progress",
        40,
        Decimal("250.50"),
        1,
    )
    again = record(world, state=ImplementationState.COMPLETED, progress=100, expected_revision=1)
    assert (again.state, again.progress, again.revision) == ("completed", 100, 2)
    assert ActionMonitoring.objects.count() == 1
    assert again.history.first().history_user == world.staff


def test_a_save_on_an_outdated_form_is_refused_and_changes_nothing(world, other_staff):
    record(world)
    record(world, progress=60, expected_revision=1, by=other_staff)
    with pytest.raises(ConflictError) as refused:
        record(world, progress=90, expected_revision=1)
    assert "avanzamento" in str(refused.value).lower()
    assert ActionMonitoring.objects.get().progress == 60


def test_suspended_or_cancelled_needs_a_reason(world):
    for state in (ImplementationState.SUSPENDED, ImplementationState.CANCELLED):
        with pytest.raises(ValidationError) as refused:
            record(world, state=state, state_reason="  ")
        assert "motivo" in refused.value.message_dict["state_reason"][0]
    kept = record(world, state=ImplementationState.SUSPENDED, state_reason="Manca il bando.")
    assert kept.state_reason == "Manca il bando."
    # a reason is kept only where it means something
    assert record(world, expected_revision=1, state_reason="Vecchio").state_reason == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"progress": 150}, "da 0 a 100"),
        ({"progress": -1}, "da 0 a 100"),
        ({"committed": Decimal("-1")}, "negative"),
        ({"spent": Decimal("-0.01")}, "negative"),
        (
            {"state_reason": "x" * 3000, "state": "suspended"},
            "troppo lungo: al massimo 2.000 caratteri (ne hai scritti 3.000)",
        ),
    ],
)
def test_impossible_values_are_refused(world, fields, message):
    with pytest.raises(ValidationError) as refused:
        record(world, **fields)
    assert message in " ".join(refused.value.messages)
    assert not ActionMonitoring.objects.exists()


def test_only_staff_record_and_only_for_the_plan_in_force(world):
    for person in (world.sp1, world.registered):
        with pytest.raises(PermissionDenied):
            record(world, by=person)
    draft = build_version(world.programme, number=2, actions=1)
    with pytest.raises(ValidationError, match="piano in vigore"):
        record(world, action_key=draft.action.key)
    assert not ActionMonitoring.objects.exists()


# Updates ------------------------------------------------------------------------------------


def test_staff_update_is_published_at_once_with_its_pdfs(world):
    written = update(world, attachments=[pdf_upload("Relazione_trimestrale.pdf"), pdf_upload()])
    assert written.status == UpdateStatus.PUBLISHED and written.published_by == world.staff
    titles = [a.title for a in written.attachments.all()]
    assert titles == ["Relazione trimestrale", "relazione"]
    assert all(a.file.read().startswith(b"%PDF-") for a in written.attachments.all())
    assert len(stored_files()) == 2


def test_a_spokesperson_proposes_about_their_zone_and_staff_decide(world):
    proposed = update(world, by=world.sp1, zone=world.zone1)
    assert proposed.status == UpdateStatus.PROPOSED and proposed.published_at is None
    published = services.publish_update(update=proposed, by=world.staff)
    assert published.status == UpdateStatus.PUBLISHED and published.published_by == world.staff
    with pytest.raises(ValidationError, match="già stato pubblicato"):
        services.publish_update(update=proposed, by=world.staff)

    other = update(world, by=world.sp1, zone=world.zone1, action_key=world.everywhere.key)
    with pytest.raises(ValidationError):
        services.decline_update(update=other, reason=" ", by=world.staff)
    with pytest.raises(PermissionDenied):
        services.decline_update(update=other, reason="No", by=world.sp1)
    declined = services.decline_update(update=other, reason="Ripetuto.", by=world.staff)
    assert (declined.status, declined.decline_reason) == ("declined", "Ripetuto.")


def test_a_spokesperson_may_not_write_about_another_zone_or_publish(world):
    refused = [
        {"by": world.sp2, "zone": world.zone1},  # not their zone
        {"by": world.sp2, "zone": world.zone2},  # the action is zone 1's only
        {"by": world.sp1, "zone": None},  # no zone: only staff write about every zone
        {"by": world.registered, "zone": world.zone1},
    ]
    for fields in refused:
        with pytest.raises(PermissionDenied):
            update(world, **fields)
    assert not MonitoringUpdate.objects.exists()
    # the action of every zone: each spokesperson about their own
    assert update(world, by=world.sp2, zone=world.zone2, action_key=world.everywhere.key)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"happened_on": datetime.date(2999, 1, 1)}, "futuro"),
        ({"title": " "}, "Scrivi il titolo"),
        ({"text": "x" * 10_001}, "al massimo 10.000 caratteri (ne hai scritti 10.001)"),
        ({"title": "x" * 201}, "200"),
        ({"attachments": [fake_pdf()]}, "non è un PDF valido"),
        ({"attachments": [pdf_upload(), fake_pdf("falso.pdf")]}, "«falso.pdf»"),
        ({"attachments": [pdf_upload() for _ in range(6)]}, "al massimo 5"),
    ],
)
def test_a_refused_update_stores_nothing(world, fields, message):
    with pytest.raises(ValidationError) as refused:
        update(world, **fields)
    assert message in " ".join(refused.value.messages)
    assert not MonitoringUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()
    assert stored_files() == []


def test_an_attachment_over_the_size_limit_is_refused(world, settings):
    settings.MINUTES_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError, match="troppo grande"):
        update(world, attachments=[pdf_upload()])
    assert not MonitoringUpdate.objects.exists()


# Indicators ---------------------------------------------------------------------------------


def test_staff_define_an_indicator_and_record_its_values(world):
    indicator = services.add_indicator(
        programme=world.programme,
        action_key=world.local.key,
        name="Famiglie seguite",
        unit="famiglie",
        baseline=Decimal(10),
        target=Decimal(120),
        target_date=datetime.date(2030, 12, 31),
        by=world.staff,
    )
    with pytest.raises(ValidationError, match="già un indicatore"):
        services.add_indicator(
            programme=world.programme,
            action_key=world.local.key,
            name="famiglie SEGUITE",
            target=Decimal(1),
            by=world.staff,
        )
    value = services.record_indicator_value(
        indicator=indicator, measured_on=YESTERDAY, value=Decimal(42), by=world.staff
    )
    assert value.recorded_by == world.staff
    for measured_on, message in [
        (YESTERDAY, "già un valore"),
        (timezone.localdate() + datetime.timedelta(days=1), "futuro"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.record_indicator_value(
                indicator=indicator, measured_on=measured_on, value=Decimal(1), by=world.staff
            )
    with pytest.raises(PermissionDenied):
        services.record_indicator_value(
            indicator=indicator, measured_on=TODAY(), value=Decimal(1), by=world.sp1
        )
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [Decimal(42)]


# Dropped actions ----------------------------------------------------------------------------


def test_staff_say_why_an_action_was_dropped(world):
    newer = build_version(world.programme, number=2, actions=1)
    freeze(world.version, VersionStatus.ARCHIVED)
    freeze(newer.version, VersionStatus.PUBLISHED, published_at=timezone.now())
    dropped = services.record_dropped_actions(previous=world.version, version=newer.version)
    assert len(dropped) == 3
    item = DroppedAction.objects.get(action_key=world.local.key)
    with pytest.raises(ValidationError):
        services.explain_dropped_action(dropped=item, reason=" ", by=world.staff)
    with pytest.raises(PermissionDenied):
        services.explain_dropped_action(dropped=item, reason="Finita", by=world.sp1)
    explained = services.explain_dropped_action(
        dropped=item, reason="Confluita nella nuova azione.", by=world.staff
    )
    assert (explained.reason, explained.reason_by) == ("Confluita nella nuova azione.", world.staff)
