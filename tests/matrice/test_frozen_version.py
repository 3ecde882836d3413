"""Once a version leaves the draft state its content never changes: the models refuse it, and
below them the database refuses it too (raw SQL, bulk updates)."""

import pytest
from django.db import IntegrityError, connection, transaction

from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.core.exceptions import FrozenVersionError
from patto.models import PlanVersion, VersionStatus
from tests.factories import (
    ActionFactory,
    PlanVersionFactory,
    TargetFactory,
    ZoneFactory,
)
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_action():
    """An action using a tool, in a version in validation."""
    return build_version(tools=1, targets=0, status=VersionStatus.IN_VALIDATION).action


def test_a_draft_can_be_edited():
    action = ActionFactory()
    action.title = "Nuovo titolo"
    action.save()
    action.refresh_from_db()
    assert action.title == "Nuovo titolo"


@pytest.mark.parametrize(
    "status",
    [
        VersionStatus.IN_VALIDATION,
        VersionStatus.CHANGES_REQUESTED,
        VersionStatus.VALIDATED,
        VersionStatus.PUBLISHED,
        VersionStatus.ARCHIVED,
    ],
)
def test_saving_content_of_a_frozen_version_is_refused(status):
    version = PlanVersionFactory()
    action = ActionFactory(area__policy__version=version)
    freeze(version, status)
    action.title = "Cambiato"
    with pytest.raises(FrozenVersionError):
        action.save()
    assert Action.objects.get(pk=action.pk).title != "Cambiato"


def test_deleting_content_of_a_frozen_version_is_refused(frozen_action):
    with pytest.raises(FrozenVersionError):
        frozen_action.delete()
    with pytest.raises(FrozenVersionError):
        Action.objects.filter(pk=frozen_action.pk).delete()
    assert Action.objects.filter(pk=frozen_action.pk).exists()


def test_adding_content_to_a_frozen_version_is_refused(frozen_action):
    version = frozen_action.version
    with pytest.raises(FrozenVersionError):
        Policy.objects.create(version=version, code="99", title="Nuova")
    with pytest.raises(FrozenVersionError):
        Tool.objects.bulk_create([Tool(version=version, code="S99", name="Nuovo")])
    assert not Policy.objects.filter(version=version, code="99").exists()


def test_queryset_update_on_frozen_content_is_refused(frozen_action):
    with pytest.raises(FrozenVersionError):
        Action.objects.filter(pk=frozen_action.pk).update(title="Cambiato")


def test_relations_of_a_frozen_action_cannot_change(frozen_action):
    zone = ZoneFactory()
    # m2m writes run in an atomic block; a refusal rolls back that block only
    with pytest.raises(FrozenVersionError), transaction.atomic():
        frozen_action.tools.clear()
    with pytest.raises(FrozenVersionError), transaction.atomic():
        frozen_action.zones.add(zone)
    assert frozen_action.tools.count() == 1


def test_reverse_relation_changes_are_refused(frozen_action):
    tool = frozen_action.tools.get()
    with pytest.raises(FrozenVersionError), transaction.atomic():
        tool.actions.clear()


def test_moving_draft_content_into_a_frozen_version_is_refused(frozen_action):
    draft = PlanVersionFactory(programme=frozen_action.version.programme)
    target = TargetFactory(version=draft)
    target.version = frozen_action.version
    with pytest.raises(FrozenVersionError):
        target.save()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE matrice_action SET title = 'via SQL' WHERE id = %(action)s",
        "DELETE FROM matrice_action WHERE id = %(action)s",
        "UPDATE matrice_policy SET title = 'via SQL' WHERE version_id = %(version)s",
        "DELETE FROM matrice_action_tools WHERE action_id = %(action)s",
        "UPDATE matrice_action_tools SET tool_id = tool_id WHERE action_id = %(action)s",
        "INSERT INTO matrice_action_zones (action_id, zone_id) VALUES (%(action)s, %(zone)s)",
        "INSERT INTO matrice_tool (version_id, key, code, position, name, description) "
        "VALUES (%(version)s, '00000000000000000000000000000001', 'S-SQL', 0, 'x', '')",
    ],
)
def test_the_database_refuses_raw_writes_to_frozen_content(frozen_action, sql):
    zone = ZoneFactory()
    params = {"action": frozen_action.pk, "version": frozen_action.version_id, "zone": zone.pk}
    with (
        pytest.raises(IntegrityError, match="frozen"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql % params)
    assert Action.objects.get(pk=frozen_action.pk).title == frozen_action.title
    assert frozen_action.tools.count() == 1


def test_the_database_refuses_to_unfreeze_a_version(frozen_action):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=frozen_action.version_id).update(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=frozen_action.version_id).update(fingerprint="0" * 64)


def test_raw_writes_to_a_draft_are_allowed():
    action = ActionFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE matrice_action SET title = 'via SQL' WHERE id = %s", [action.pk])
    action.refresh_from_db()
    assert action.title == "via SQL"


def test_a_draft_version_can_be_deleted_with_its_content():
    action = ActionFactory()
    version = action.version
    ActionArea.objects.filter(version=version).delete()
    Policy.objects.filter(version=version).delete()
    version.delete()
    assert not Action.objects.filter(pk=action.pk).exists()
    assert not Target.objects.filter(version_id=version.pk).exists()
