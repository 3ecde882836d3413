"""The lifecycle of a plan version through its services: every legal transition, and the illegal
ones refused with a message a person can act on."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.snapshots import compute_fingerprint
from patto.core.exceptions import TransitionError
from patto.models import Decision, ItemKind, PlanVersion, VersionStatus
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.factories import (
    PlanVersionFactory,
    ProgrammeFactory,
    SpokespersonFactory,
    UserFactory,
    ZoneFactory,
)
from tests.people import someone
from tests.versions import build_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_with_zones():
    programme = ProgrammeFactory()
    zones = [ZoneFactory(), ZoneFactory()]
    programme.validating_zones.set(zones)
    spokespersons = [someone("spokesperson", zone=z) for z in zones]
    return programme, zones, spokespersons


def draft_with_content(programme):
    """Version 1 of ``programme``, a draft with an action that uses a tool."""
    return build_version(programme, tools=1, targets=0).version


def test_submit_freezes_the_draft_and_records_its_fingerprint(programme_with_zones, staff):
    programme, _zones, _sp = programme_with_zones
    version = draft_with_content(programme)
    expected = compute_fingerprint(version)
    programme_services.submit_version(version=version, by=staff)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_VALIDATION
    assert version.fingerprint == expected
    assert version.submitted_by == staff


def test_an_empty_draft_cannot_be_submitted(staff):
    version = PlanVersionFactory()
    with pytest.raises(ValidationError, match="vuota"):
        programme_services.submit_version(version=version, by=staff)


def test_only_staff_can_submit(programme_with_zones):
    programme, _zones, spokespersons = programme_with_zones
    version = draft_with_content(programme)
    for user in [UserFactory(), spokespersons[0]]:
        with pytest.raises(PermissionDenied):
            programme_services.submit_version(version=version, by=user)
    assert PlanVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_all_zones_approving_validates_the_version(programme_with_zones, staff):
    programme, zones, spokespersons = programme_with_zones
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    validation_services.decide_validation(
        version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
    )
    assert PlanVersion.objects.get(pk=version.pk).status == VersionStatus.IN_VALIDATION
    validation_services.decide_validation(
        version=version, zone=zones[1], by=spokespersons[1], decision=Decision.APPROVED
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.VALIDATED
    assert version.validated_at is not None


def test_a_zone_asking_for_changes_stops_the_validation(programme_with_zones, staff):
    programme, zones, spokespersons = programme_with_zones
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    action = Action.objects.get(version=version)
    validation = validation_services.decide_validation(
        version=version,
        zone=zones[0],
        by=spokespersons[0],
        decision=Decision.CHANGES_REQUESTED,
        reason="Manca la zona 3 nell'azione.",
        remarks=[
            validation_services.Remark(
                ItemKind.ACTION, str(action.key), action.title, "Da rivedere"
            )
        ],
    )
    assert validation.remarks.get().item_key == action.key
    assert PlanVersion.objects.get(pk=version.pk).status == VersionStatus.CHANGES_REQUESTED
    with pytest.raises(TransitionError):
        validation_services.decide_validation(
            version=version, zone=zones[1], by=spokespersons[1], decision=Decision.APPROVED
        )


def test_asking_for_changes_without_a_reason_is_refused(programme_with_zones, staff):
    programme, zones, spokespersons = programme_with_zones
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    with pytest.raises(ValidationError, match="motivo"):
        validation_services.decide_validation(
            version=version,
            zone=zones[0],
            by=spokespersons[0],
            decision=Decision.CHANGES_REQUESTED,
            reason="   ",
        )
    assert not version.validations.exists()


def test_a_zone_decides_once_and_only_through_its_current_spokesperson(programme_with_zones, staff):
    programme, zones, spokespersons = programme_with_zones
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    former = SpokespersonFactory(
        zone=zones[0], start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2015, 12, 31)
    ).user
    for intruder in [spokespersons[1], former, staff, UserFactory()]:
        with pytest.raises(PermissionDenied):
            validation_services.decide_validation(
                version=version, zone=zones[0], by=intruder, decision=Decision.APPROVED
            )
    validation_services.decide_validation(
        version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
    )
    with pytest.raises(TransitionError, match="già deciso"):
        validation_services.decide_validation(
            version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
        )
    assert version.validations.count() == 1


def test_no_decision_on_a_draft(programme_with_zones):
    programme, zones, spokespersons = programme_with_zones
    version = draft_with_content(programme)
    with pytest.raises(TransitionError, match="bozza"):
        validation_services.decide_validation(
            version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
        )


def test_a_programme_without_zones_is_validated_by_staff(staff):
    programme = ProgrammeFactory()
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    with pytest.raises(PermissionDenied):
        programme_services.validate_by_staff(version=version, by=UserFactory())
    programme_services.validate_by_staff(version=version, by=staff)
    version.refresh_from_db()
    assert version.status == VersionStatus.VALIDATED
    assert version.validated_by == staff


def test_staff_cannot_validate_for_the_zones(programme_with_zones, staff):
    programme, _zones, _sp = programme_with_zones
    version = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    with pytest.raises(TransitionError):
        programme_services.validate_by_staff(version=version, by=staff)


def test_publishing_archives_the_previous_published_version(staff):
    programme = ProgrammeFactory()
    first = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    programme_services.validate_by_staff(version=first, by=staff)
    programme_services.publish_version(version=first, by=staff)

    second = programme_services.create_version(programme=programme, by=staff, change_note="Seconda")
    assert second.number == 2 and second.based_on == first
    programme_services.submit_version(version=second, by=staff)
    with pytest.raises(TransitionError, match="pubblicare"):
        programme_services.publish_version(version=second, by=staff)
    programme_services.validate_by_staff(version=second, by=staff)
    programme_services.publish_version(version=second, by=staff)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == VersionStatus.ARCHIVED and first.archived_at is not None
    assert second.status == VersionStatus.PUBLISHED
    assert PlanVersion.objects.public().filter(pk=first.pk).exists()


def test_a_new_version_copies_the_content_with_the_same_keys(staff):
    programme = ProgrammeFactory()
    first = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    second = programme_services.create_version(programme=programme, by=staff)
    old, new = Action.objects.get(version=first), Action.objects.get(version=second)
    assert old.pk != new.pk and old.key == new.key and old.title == new.title
    assert [t.key for t in new.tools.all()] == [t.key for t in old.tools.all()]
    assert new.tools.get().version == second
    assert compute_fingerprint(second) == first.fingerprint
    # the copy is a draft: it can be changed, the original cannot
    new.title = "Rivista"
    new.save()
    assert Tool.objects.filter(version=second).count() == 1


def link_all(i, action, content) -> None:
    action.tools.add(*content.tools)
    action.targets.add(*content.targets)
    action.zones.add(*content.zones)
    action.tables.add(*content.tables)


@pytest.mark.parametrize("actions", [1, 6])
def test_a_new_version_is_copied_in_a_fixed_number_of_queries(
    staff, django_assert_num_queries, actions
):
    first = build_version(
        actions=actions, tools=3, zones=2, tables=1, status=VersionStatus.PUBLISHED, link=link_all
    ).version
    with django_assert_num_queries(33):
        second = programme_services.create_version(programme=first.programme, by=staff)
    # every link is copied, to the new version's catalogue entries
    assert compute_fingerprint(second) == compute_fingerprint(first)
    copy = Action.objects.filter(version=second).first()
    assert {tool.version_id for tool in copy.tools.all()} == {second.pk}
    assert copy.tools.count() == 3 and copy.zones.count() == 2 and copy.tables.count() == 1
    # each copy starts its history with one record: copied, by whom, as it was copied
    for model in (Tool, Target, Policy, ActionArea, Action):
        records = model.history.filter(version=second)
        assert records.count() == model.objects.filter(version=second).count()
        assert {(r.history_type, r.history_user_id, r.history_change_reason) for r in records} == {
            ("+", staff.pk, f"copia dalla versione {first.number}")
        }
    record = copy.history.get()
    assert (record.title, record.area_id, record.revision) == (copy.title, copy.area_id, 1)
    # with its links, so that its first edit does not look as if it set them
    assert {row.tool_id for row in record.tools.all()} == {t.pk for t in copy.tools.all()}
    assert {row.zone_id for row in record.zones.all()} == {z.pk for z in copy.zones.all()}
    if connection.vendor == "postgresql":  # each copy has the search document of its original
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM matrice_action new JOIN matrice_action old "
                "ON old.key = new.key AND old.version_id = %s WHERE new.version_id = %s "
                "AND new.search_document = old.search_document",
                [first.pk, second.pk],
            )
            assert cursor.fetchone()[0] == actions


@pytest.mark.parametrize(
    "shape",
    [
        {"policies": 0, "areas": 0, "actions": 0, "tools": 0, "targets": 0},
        {"policies": 1, "areas": 0, "actions": 0},
        {"policies": 2, "areas": 1, "actions": 0},
        {"policies": 1, "areas": 1, "actions": 2, "tools": 0, "targets": 0},
    ],
    ids=["empty", "policy only", "no action", "no catalogue"],
)
def test_a_version_with_a_kind_of_item_missing_is_copied_too(staff, shape):
    """A version may be sent with a policy and nothing under it: its new version is a copy
    of what there is, never an error."""
    first = build_version(**shape, status=VersionStatus.PUBLISHED).version
    second = programme_services.create_version(programme=first.programme, by=staff)
    assert second.status == VersionStatus.DRAFT
    assert compute_fingerprint(second) == compute_fingerprint(first)
    for model, count in ((Policy, "policies"), (ActionArea, "areas"), (Action, "actions")):
        expected = shape[count] * (shape["policies"] if count == "areas" else 1)
        assert model.objects.filter(version=second).count() == expected


def test_only_one_draft_at_a_time(staff):
    programme = ProgrammeFactory()
    draft_with_content(programme)
    with pytest.raises(TransitionError, match="bozza"):
        programme_services.create_version(programme=programme, by=staff)


def test_a_changed_copy_has_a_different_fingerprint(staff):
    programme = ProgrammeFactory()
    first = programme_services.submit_version(version=draft_with_content(programme), by=staff)
    second = programme_services.create_version(programme=programme, by=staff)
    Action.objects.filter(version=second).update(title="Altro titolo")
    assert compute_fingerprint(second) != first.fingerprint
