"""The services the redazione edits a draft with: they validate everything before writing,
refuse a version that is no longer a draft and anyone outside the redazione, refuse a save based
on an outdated revision (saying who changed what), and leave one history record per change."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from matrice import services
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.core.exceptions import FrozenVersionError
from patto.core.locking import ConflictError
from patto.models import VersionStatus
from patto.programme import services as programme_services
from tests.factories import ThematicTableFactory, UserFactory
from tests.people import someone
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db


def action_values(draft, **changes):
    values = {
        "area": draft.area,
        "code": "1.1.9",
        "title": "Sportello unico per le famiglie",
        "description": "Un **sportello** in ogni zona.",
        "tools": draft.tools,
        "targets": [draft.targets[0]],
        "zones": [draft.zones[0]],
        "tables": [draft.table],
        "lead_body": "Città Metropolitana di Torino",
        "partners": "Enti gestori",
        "start_date": datetime.date(2018, 1, 1),
        "end_date": datetime.date(2019, 12, 31),
        "budget": Decimal("150000.00"),
        "indicators": "Famiglie accolte",
    }
    return values | changes


def errors_of(exc_info) -> dict:
    return {field: " ".join(messages) for field, messages in exc_info.value.message_dict.items()}


# Creating and changing -----------------------------------------------------------------------


def test_create_action_saves_every_field_and_one_history_record(draft, staff):
    action = services.create_action(version=draft.version, by=staff, **action_values(draft))

    action.refresh_from_db()
    assert action.title == "Sportello unico per le famiglie"
    assert action.position == 2  # after the existing action of the area
    assert set(action.tools.all()) == set(draft.tools)
    assert list(action.targets.all()) == [draft.targets[0]]
    assert list(action.zones.all()) == [draft.zones[0]]
    assert list(action.tables.all()) == [draft.table]
    assert action.budget == Decimal("150000.00")
    records = list(action.history.all())
    assert len(records) == 1
    assert records[0].history_type == "+"
    assert records[0].history_user == staff
    assert {row.tool_id for row in records[0].historicalaction_tools_set.all()} == {
        t.pk for t in draft.tools
    }


def test_create_policy_area_and_catalogue_entries_go_to_the_end(draft, staff):
    policy = services.create_policy(version=draft.version, by=staff, code="2", title="Casa")
    area = services.create_area(
        version=draft.version, by=staff, policy=policy, code="2.1", title="Affitti"
    )
    tool = services.create_tool(version=draft.version, by=staff, code="S3", name="Contributi")
    target = services.create_target(version=draft.version, by=staff, code="D3", name="Giovani")

    assert policy.position == 2 and area.position == 1
    assert tool.position == 3 and target.position == 3
    assert policy.history.get().history_user == staff


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "1.1.1"}, "code", "già usato in questa versione"),
        ({"code": "1 1"}, "code", "senza spazi"),
        ({"code": "a/b"}, "code", "solo lettere, cifre"),
        ({"code": ""}, "code", "Scrivi il codice"),
        ({"title": "   "}, "title", "Scrivi il titolo"),
        ({"title": "x" * 301}, "title", "al massimo 300 caratteri"),
        (
            {"start_date": datetime.date(2019, 1, 1), "end_date": datetime.date(2018, 1, 1)},
            "end_date",
            "La fine non può precedere l'inizio",
        ),
        ({"budget": Decimal("-1")}, "budget", "non possono essere negative"),
        ({"budget": Decimal("1.234")}, "budget", "al massimo due decimali"),
    ],
)
def test_create_action_refuses_invalid_values_and_saves_nothing(
    draft, staff, changes, field, message
):
    before = Action.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.create_action(version=draft.version, by=staff, **action_values(draft, **changes))
    assert message in errors_of(exc_info)[field]
    assert Action.objects.count() == before


def test_choices_of_another_version_or_programme_are_refused(draft, staff):
    other = build_version(slug="altro", **FAMILIES)
    with pytest.raises(ValidationError) as exc_info:
        services.create_action(
            version=draft.version,
            by=staff,
            **action_values(
                draft,
                area=other.area,
                tools=[other.tools[0]],
                targets=[other.targets[0]],
                tables=[ThematicTableFactory(programme=other.programme)],
            ),
        )
    assert set(errors_of(exc_info)) == {"area", "tools", "targets", "tables"}


def test_update_action_changes_fields_and_relations_in_one_record(draft, staff):
    action = draft.action
    records_before = action.history.count()
    services.update_action(
        action=action, by=staff, revision=action.revision, **action_values(draft, code="1.1.1")
    )

    action.refresh_from_db()
    assert action.revision == 2
    assert action.title == "Sportello unico per le famiglie"
    assert set(action.tools.all()) == set(draft.tools)
    record = action.history.order_by("-history_date").first()
    assert record.history_user == staff and record.history_type == "~"
    assert action.history.count() == records_before + 1  # one record for fields and relations


def test_line_ends_typed_in_a_browser_are_stored_as_plain_newlines(draft, staff):
    policy = services.update_policy(
        policy=draft.policy,
        by=staff,
        revision=1,
        code="1",
        title="Famiglie",
        description="Prima riga\r\nSeconda riga\r\n",
    )
    assert policy.description == "Prima riga\nSeconda riga"


def test_moving_an_area_to_another_policy_puts_it_at_the_end(draft, staff):
    policy = services.create_policy(version=draft.version, by=staff, code="2", title="Casa")
    services.create_area(version=draft.version, by=staff, policy=policy, code="2.1", title="A")
    area = services.update_area(
        area=draft.area,
        by=staff,
        revision=draft.area.revision,
        policy=policy,
        code="2.2",
        title=draft.area.title,
    )
    assert area.policy == policy and area.position == 2


def test_only_the_redazione_may_edit(draft):
    for user in (UserFactory(), None):
        with pytest.raises(PermissionDenied):
            services.create_policy(version=draft.version, by=user, code="2", title="Casa")
    assert Policy.objects.count() == 1


# Optimistic locking --------------------------------------------------------------------------


def test_second_save_at_the_same_revision_is_refused_and_says_what_changed(draft, other_staff):
    staff = someone("staff", first_name="Anna", last_name="Redattrice")  # the message names her
    policy = draft.policy
    opened_at = policy.revision
    services.update_policy(
        policy=policy, by=staff, revision=opened_at, code="1", title="Famiglie, minori e casa"
    )

    with pytest.raises(ConflictError) as exc_info:
        services.update_policy(
            policy=policy, by=other_staff, revision=opened_at, code="1", title="Solo famiglie"
        )
    message = str(exc_info.value.message)
    assert "Anna Redattrice" in message
    assert "Ha cambiato: titolo." in message  # the value is in the form's side-by-side table
    assert [(c.label, c.theirs) for c in exc_info.value.changes] == [
        ("titolo", "Famiglie, minori e casa")
    ]
    policy.refresh_from_db()
    assert policy.title == "Famiglie, minori e casa"  # nothing overwritten


def test_a_conflict_on_an_action_names_the_tools_the_other_person_changed(
    draft, staff, other_staff
):
    action = draft.action
    opened_at = action.revision
    services.update_action(
        action=action,
        by=staff,
        revision=opened_at,
        **action_values(draft, code=action.code, title=action.title, tools=[draft.tools[1]]),
    )
    with pytest.raises(ConflictError) as exc_info:
        services.update_action(
            action=action,
            by=other_staff,
            revision=opened_at,
            **action_values(draft, code=action.code, title="Altro titolo"),
        )
    message = str(exc_info.value.message)
    assert "strumenti" in message
    assert any(c.label == "strumenti" and "Voucher" in c.theirs for c in exc_info.value.changes)
    action.refresh_from_db()
    assert action.title == "Centri per le famiglie 1"
    assert list(action.tools.all()) == [draft.tools[1]]


def test_deleting_an_item_changed_meanwhile_is_refused(draft, staff, other_staff):
    tool = draft.tools[0]
    opened_at = tool.revision
    services.update_tool(tool=tool, by=staff, revision=opened_at, code="S1", name="Sportelli unici")
    with pytest.raises(ConflictError):
        services.delete_tool(tool=tool, by=other_staff, revision=opened_at)
    assert Tool.objects.filter(pk=tool.pk).exists()


# Frozen versions -----------------------------------------------------------------------------


def frozen_calls(d, by):
    """Every service, called on the content of ``d`` (whose version is frozen)."""
    v = d.version
    return {
        "create_policy": lambda: services.create_policy(version=v, by=by, code="9", title="T"),
        "update_policy": lambda: services.update_policy(
            policy=d.policy, by=by, revision=1, code="1", title="T"
        ),
        "delete_policy": lambda: services.delete_policy(policy=d.policy, by=by, revision=1),
        "create_area": lambda: services.create_area(
            version=v, by=by, policy=d.policy, code="9.9", title="T"
        ),
        "update_area": lambda: services.update_area(
            area=d.area, by=by, revision=1, policy=d.policy, code="1.1", title="T"
        ),
        "delete_area": lambda: services.delete_area(area=d.area, by=by, revision=1),
        "create_action": lambda: services.create_action(
            version=v, by=by, **action_values(d, code="9.9.9")
        ),
        "update_action": lambda: services.update_action(
            action=d.action, by=by, revision=1, **action_values(d, code="1.1.1")
        ),
        "delete_action": lambda: services.delete_action(action=d.action, by=by, revision=1),
        "create_tool": lambda: services.create_tool(version=v, by=by, code="S9", name="T"),
        "update_tool": lambda: services.update_tool(
            tool=d.tools[0], by=by, revision=1, code="S1", name="T"
        ),
        "delete_tool": lambda: services.delete_tool(tool=d.tools[0], by=by, revision=1),
        "create_target": lambda: services.create_target(version=v, by=by, code="D9", name="T"),
        "update_target": lambda: services.update_target(
            target=d.targets[0], by=by, revision=1, code="D1", name="T"
        ),
        "delete_target": lambda: services.delete_target(target=d.targets[0], by=by, revision=1),
        "move_policy": lambda: services.move_item(item=d.policy, by=by, direction="down"),
        "move_action": lambda: services.move_item(item=d.action, by=by, direction="up"),
    }


SERVICE_NAMES = [
    "create_policy",
    "update_policy",
    "delete_policy",
    "create_area",
    "update_area",
    "delete_area",
    "create_action",
    "update_action",
    "delete_action",
    "create_tool",
    "update_tool",
    "delete_tool",
    "create_target",
    "update_target",
    "delete_target",
    "move_policy",
    "move_action",
]


@pytest.mark.parametrize("status", [VersionStatus.IN_VALIDATION, VersionStatus.PUBLISHED])
@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_service_refuses_a_version_that_is_not_a_draft(staff, name, status):
    d = build_version(actions=2, **FAMILIES)
    freeze(d.version, status)
    counts = [m.objects.count() for m in (Policy, ActionArea, Action, Tool, Target)]
    with pytest.raises(FrozenVersionError) as exc_info:
        frozen_calls(d, staff)[name]()
    assert "non si può più modificare" in str(exc_info.value.message)
    assert [m.objects.count() for m in (Policy, ActionArea, Action, Tool, Target)] == counts
    d.policy.refresh_from_db()
    assert d.policy.title == "Famiglie e minori"


# Order ---------------------------------------------------------------------------------------


def test_move_swaps_with_the_neighbour_and_records_it(staff):
    d = build_version(actions=3, **FAMILIES)
    third = d.area.actions.order_by("position").last()
    services.move_item(item=third, by=staff, direction="up")

    assert list(d.area.actions.order_by("position").values_list("code", flat=True)) == [
        "1.1.1",
        "1.1.3",
        "1.1.2",
    ]
    third.refresh_from_db()
    assert third.revision == 1  # a move never makes an open form stale
    assert third.history.order_by("-history_date").first().history_user == staff


def test_move_at_the_edge_changes_nothing_and_ties_are_numbered(staff):
    d = build_version(actions=3, **FAMILIES)
    Action.objects.filter(area=d.area).update(position=0)  # ties: ordered by code
    first = Action.objects.get(code="1.1.1")
    services.move_item(item=first, by=staff, direction="up")
    assert list(d.area.actions.order_by("position", "code").values_list("code", flat=True)) == [
        "1.1.1",
        "1.1.2",
        "1.1.3",
    ]
    services.move_item(item=first, by=staff, direction="down")
    assert list(d.area.actions.order_by("position").values_list("code", flat=True)) == [
        "1.1.2",
        "1.1.1",
        "1.1.3",
    ]
    with pytest.raises(ValidationError):
        services.move_item(item=first, by=staff, direction="sideways")


# Deleting ------------------------------------------------------------------------------------


def test_deleting_a_tool_takes_it_from_the_actions_and_says_so_in_their_history(draft, staff):
    tool = draft.tools[0]
    losing = services.delete_tool(tool=tool, by=staff, revision=tool.revision)

    assert losing == [draft.action]
    assert not Tool.objects.filter(pk=tool.pk).exists()
    action = Action.objects.get(pk=draft.action.pk)
    assert list(action.tools.all()) == []
    record = action.history.order_by("-history_date").first()
    assert record.history_user == staff
    assert record.history_change_reason == "Strumento «Sportelli» eliminato dal catalogo"
    assert Tool.history.filter(id=tool.pk, history_type="-").get().history_user == staff


def test_deleting_a_policy_deletes_its_areas_and_actions_recording_who(staff):
    d = build_version(actions=2, **FAMILIES)
    services.delete_policy(policy=d.policy, by=staff, revision=d.policy.revision)

    assert not Policy.objects.filter(version=d.version).exists()
    assert not ActionArea.objects.filter(version=d.version).exists()
    assert not Action.objects.filter(version=d.version).exists()
    deletions = Action.history.filter(history_type="-", version_id=d.version.pk)
    assert deletions.count() == 2
    assert {r.history_user for r in deletions} == {staff}


def test_content_of_another_version_is_untouched(staff):
    d = build_version(**FAMILIES)
    other = build_version(slug="altro", **FAMILIES)
    services.delete_action(action=d.action, by=staff, revision=d.action.revision)
    assert Action.objects.filter(pk=other.action.pk).exists()
    assert not Action.objects.filter(pk=d.action.pk).exists()


def test_a_conflict_on_a_copied_action_names_only_what_the_other_person_changed(staff, other_staff):
    """A tester's journey: action 2.2.1 of a draft copied from the version before, opened by
    two people; one changes its title, description and zones and saves, then the other saves.
    The refusal named tools and targets too, because the copy's first history record held no
    links: it must name only the fields really changed."""
    published = build_version(
        **FAMILIES, status=VersionStatus.PUBLISHED, link=_link_tools_and_targets
    )
    draft = programme_services.create_version(programme=published.programme, by=staff)
    action = Action.objects.get(version=draft)
    opened_at = action.revision
    unchanged = {
        "area": action.area,
        "code": action.code,
        "tools": list(action.tools.all()),
        "targets": list(action.targets.all()),
        "zones": [],
        "tables": [],
    }
    services.update_action(
        action=action,
        by=staff,
        revision=opened_at,
        **unchanged
        | {
            "title": "Centri per le famiglie e i giovani",
            "description": "Un centro _in ogni_ zona.",
            "zones": [published.zones[0]],
        },
    )

    with pytest.raises(ConflictError) as exc_info:
        services.update_action(
            action=action,
            by=other_staff,
            revision=opened_at,
            **unchanged | {"title": "Altro titolo"},
        )
    assert {change.field for change in exc_info.value.changes} == {
        "title",
        "description",
        "zones",
    }
    message = str(exc_info.value.message)
    assert "strumenti" not in message and "destinatari" not in message


def _link_tools_and_targets(i, action, content) -> None:
    action.tools.add(*content.tools)
    action.targets.add(*content.targets)


def test_copies_made_before_get_their_links_in_their_first_history_record(staff):
    """Migration matrice.0007 gives the copy records written without links those of the action
    copied, mapped to the draft's own catalogue entries."""
    migration = importlib.import_module("matrice.migrations.0007_copied_history_links")
    published = build_version(
        **FAMILIES, status=VersionStatus.PUBLISHED, link=_link_tools_and_targets
    )
    draft = programme_services.create_version(programme=published.programme, by=staff)
    action = Action.objects.get(version=draft)
    record = action.history.get()
    expected = {tool.pk for tool in action.tools.all()}
    assert {row.tool_id for row in record.tools.all()} == expected
    for name in ("tools", "targets", "zones", "tables"):
        getattr(record, name).all().delete()  # as a copy made before the fix left it

    migration.fill_in(django_apps, _Editor())
    migration.fill_in(django_apps, _Editor())  # twice changes nothing

    assert sorted(row.tool_id for row in record.tools.all()) == sorted(expected)
    assert {row.target_id for row in record.targets.all()} == {
        target.pk for target in action.targets.all()
    }


class _Editor:
    """What a data migration uses of the schema editor (SQLite refuses a real one inside the
    test's transaction)."""

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
