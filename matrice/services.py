"""Writes to the content of a version: the copy of a version's content into a new draft, and the
redazione's edits of a draft (below). The snapshot and fingerprint of a version, which only read,
are in ``matrice.snapshots``."""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.core.exceptions import FrozenVersionError
from patto.core.locking import ConflictError, FieldChange, save_with_revision
from patto.core.numbers import format_amount, grouped
from patto.core.permissions import require_redazione
from patto.models import PlanVersion

# The column of the search document the database keeps on the searched kinds' tables, on
# PostgreSQL (``patto.search.documents``, which this layer may not import).
SEARCH_DOCUMENT = "search_document"
SEARCHED = (Policy, ActionArea, Action)


@transaction.atomic
def copy_content(*, source, target, by=None) -> None:
    """Copy every item of ``source`` into the draft ``target``, keeping each item's stable key,
    and give each copy a first history record ("copied from version N", by ``by``), so later
    edits and conflicts can be explained from there.

    Set-based: each kind of item, its history records and each kind of link is one
    ``INSERT … SELECT``, however large the version, and the database never sends the content
    to Python, only each copy's id beside the id of the row it copies (one query per kind). A
    copy starts at revision 1; an area or action goes to the copy of its policy or area, a link
    to the copy of its action and, for a tool or target, to the copy of its entry. On
    PostgreSQL a copy also takes the search document of the row it copies (same text, same
    document), so the search triggers need not compute it again (``patto.search`` migration
    0002).

    Why the pairs of ids are read: the statements that give a copy its parent or its links
    used to find the copy by key among the rows just inserted, and PostgreSQL's statistics
    know nothing of those rows yet, so it planned a nested loop through every copy for every
    row (100 ms per kind of link on a version of 1,000 actions). A list of pairs written into
    the statement has a known size, and the plan is a hash join whatever the statistics say."""
    if target.is_frozen:
        raise FrozenVersionError(target)
    params = {
        "source": source.pk,
        "target": target.pk,
        "user": getattr(by, "pk", None),
        "date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "reason": f"copia dalla versione {source.number}",
    }
    with_document = connection.vendor == "postgresql"
    copies = {}  # model → [(id of the row in source, id of its copy in target)]

    def clone(model, parent=None):
        """The rows of ``model`` in ``source``, inserted into ``target``, then one history
        record ("+") for each of them. ``parent`` is the name of the foreign key to the item
        the row belongs to (an area's policy, an action's area)."""
        table = model._meta.db_table
        columns, values, joins, pairs = [], [], "", ""
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(field.column)
            if field.name == "version":
                values.append("%(target)s")
            elif field.name == "revision":
                values.append(str(int(field.get_default())))
            elif field.name == parent:
                if not copies[field.related_model]:  # no parent, so no row of this kind
                    copies[model] = []
                    return
                pairs = _with(parent_copy=copies[field.related_model])
                values.append("parent_copy.new_id")
                joins = f"JOIN parent_copy ON parent_copy.old_id = old.{field.column} "
            else:
                values.append(f"old.{field.column}")
        if with_document and model in SEARCHED:
            columns.append(SEARCH_DOCUMENT)
            values.append(f"old.{SEARCH_DOCUMENT}")
        history = model.history.model
        tracked = [field.attname for field in history.tracked_fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"{pairs}INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table} old {joins}"
                "WHERE old.version_id = %(source)s ORDER BY old.id",
                params,
            )
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} ({', '.join(tracked)}, history_date, "
                "history_change_reason, history_type, history_user_id) "
                f"SELECT {', '.join(tracked)}, %(date)s, %(reason)s, '+', %(user)s "
                f"FROM {table} WHERE version_id = %(target)s ORDER BY id",
                params,
            )
            cursor.execute(
                f"SELECT id, key, version_id FROM {table} WHERE version_id IN (%s, %s)",
                [source.pk, target.pk],
            )
            copies[model] = _paired_by_key(cursor.fetchall(), source.pk)

    clone(Tool)
    clone(Target)
    clone(Policy)
    clone(ActionArea, parent="policy")
    clone(Action, parent="area")
    if not copies[Action]:
        return

    def clone_links(field, column, catalogue=None):
        """The links of ``field`` (a many-to-many of Action) of the source's actions, given to
        their copies: one INSERT … SELECT, however many links there are. A link to a catalogue
        entry goes to the copy of the entry."""
        through = field.remote_field.through._meta.db_table
        lists, to_entry, joins = {"action_copy": copies[Action]}, f"link.{column}", ""
        if catalogue is not None:
            if not copies[catalogue]:
                return  # no entry, so no link to one
            lists["entry_copy"] = copies[catalogue]
            to_entry = "entry_copy.new_id"
            joins = f"JOIN entry_copy ON entry_copy.old_id = link.{column} "
        pairs = _with(**lists)  # the history's statement below reads action_copy only
        with connection.cursor() as cursor:
            cursor.execute(
                f"{pairs}INSERT INTO {through} (action_id, {column}) "
                f"SELECT action_copy.new_id, {to_entry} FROM {through} link "
                f"JOIN action_copy ON action_copy.old_id = link.action_id {joins}"
            )
            # the copy's first history record holds its links too: without them the first
            # edit of a copy looked as if it had set every tool and target, and a conflict on
            # it named tools and targets nobody had touched
            history_model = Action.history.model
            historical = history_model.__dict__[field.name].model._meta.db_table
            history_table = history_model._meta.db_table
            cursor.execute(
                f"{pairs}INSERT INTO {historical} (id, history_id, action_id, {column}) "
                f"SELECT link.id, record.history_id, link.action_id, link.{column} "
                f"FROM action_copy JOIN {through} link ON link.action_id = action_copy.new_id "
                f"JOIN {history_table} record ON record.id = link.action_id"
            )

    clone_links(Action._meta.get_field("tools"), "tool_id", Tool)
    clone_links(Action._meta.get_field("targets"), "target_id", Target)
    clone_links(Action._meta.get_field("zones"), "zone_id")
    clone_links(Action._meta.get_field("tables"), "thematictable_id")


def _paired_by_key(rows, source_id) -> list[tuple[int, int]]:
    """(id in source, id of the copy) for rows of (id, key, version id) of both versions; a
    row that was not copied (its parent was not in ``source``) has no pair."""
    copy_of = {key: pk for pk, key, version_id in rows if version_id != source_id}
    return [
        (pk, copy_of[key])
        for pk, key, version_id in rows
        if version_id == source_id and key in copy_of
    ]


def _with(**lists) -> str:
    """A WITH clause: a common table expression ``name(old_id, new_id)`` for each list of pairs
    (none empty) — integers read from the database, written into the statement rather than
    passed as parameters, of which SQLite allows a limited number. SQLite's limit on a
    statement's length (1,000,000 bytes by default) still holds: about 50,000 pairs, fifty
    times the largest version of the bench."""
    tables = (
        f"{name}(old_id, new_id) AS (VALUES "
        + ", ".join(f"({int(old)}, {int(new)})" for old, new in pairs)
        + ")"
        for name, pairs in lists.items()
    )
    return f"WITH {', '.join(tables)} "


# ---------------------------------------------------------------------------------------------
# Editing the content of a draft: policies → action areas → actions, and the catalogues of tools
# and targets. Every function below:
# - accepts only the redazione (PermissionDenied otherwise);
# - re-reads the version with a row lock and refuses unless it is a draft (FrozenVersionError),
#   so an edit and the submission of the version queue up instead of racing;
# - checks the item's revision (optimistic locking: ConflictError says who changed what);
# - validates everything before writing and raises one ValidationError keyed by form field, so
#   nothing is saved on error;
# - leaves one history record per change, with the person who made it.
# Reordering changes only ``position``: it is recorded in the history but does not bump the
# revision, because edit forms never write the position and so cannot overwrite it.

MOVE_UP = "up"
MOVE_DOWN = "down"
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_BUDGET = Decimal("999999999999.99")  # max_digits=14, decimal_places=2


def locked_draft(version_id: int) -> PlanVersion:
    """The version, re-read with a row lock; FrozenVersionError unless it is a draft."""
    version = PlanVersion.objects.select_for_update().select_related("programme").get(pk=version_id)
    if version.is_frozen:
        raise FrozenVersionError(version)
    return version


def _current(item, revision: int):
    """The stored row of ``item``, locked. If somebody saved it after ``revision``, raise the
    ConflictError of ``save_with_revision`` (which says who changed what) without writing."""
    current = type(item)._base_manager.select_for_update().get(pk=item.pk)
    if current.revision != revision:
        save_with_revision(current, expected_revision=revision, by=None)  # raises ConflictError
    return current


def _clean_text(
    value, *, field: str, label: str, max_length: int, errors: dict, required=True
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("Scrivi %(label)s.") % {"label": label}
    elif len(value) > max_length:
        errors[field] = _("%(label)s: al massimo %(max)s caratteri (ne hai scritti %(n)s).") % {
            "label": capfirst(label),
            "max": grouped(max_length),
            "n": grouped(len(value)),
        }
    return value


def _multiline(value) -> str:
    """Free text as typed, with the browser's CRLF line ends made plain newlines."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _code(model, *, version: PlanVersion, code: str, pk: int | None, errors: dict) -> str:
    code = (code or "").strip()
    if not code:
        errors["code"] = _("Scrivi il codice.")
    elif len(code) > 20:
        errors["code"] = _("Il codice può avere al massimo 20 caratteri.")
    elif not CODE_PATTERN.fullmatch(code):
        errors["code"] = _(
            "Il codice può contenere solo lettere, cifre, punti, trattini e trattini bassi, "
            "senza spazi (ad esempio 1.2.3 o S4)."
        )
    else:
        other = model.objects.filter(version=version, code=code).exclude(pk=pk).first()
        if other is not None:
            errors["code"] = _(
                "Il codice «%(code)s» è già usato in questa versione da «%(other)s»: "
                "scegline un altro."
            ) % {"code": code, "other": getattr(other, "title", None) or other.name}
    return code


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def siblings(item):
    """The items ``item`` is ordered among: actions of its area, areas of its policy, policies
    and catalogue entries of its version."""
    model = type(item)
    if isinstance(item, Action):
        return model.objects.filter(area_id=item.area_id)
    if isinstance(item, ActionArea):
        return model.objects.filter(policy_id=item.policy_id)
    return model.objects.filter(version_id=item.version_id)


def _delete_recorded(item, by) -> None:
    item._history_user = by
    item.delete()


# Policies ------------------------------------------------------------------------------------


@transaction.atomic
def create_policy(*, version: PlanVersion, by, code: str, title: str, description="") -> Policy:
    require_redazione(by)
    version = locked_draft(version.pk)
    errors = {}
    code = _code(Policy, version=version, code=code, pk=None, errors=errors)
    title = _clean_text(title, field="title", label=_("il titolo"), max_length=200, errors=errors)
    _raise_if(errors)
    policy = Policy(
        version=version,
        code=code,
        title=title,
        description=_multiline(description),
        position=_next_position(Policy.objects.filter(version=version)),
    )
    policy._history_user = by
    policy.save()
    return policy


@transaction.atomic
def update_policy(
    *, policy: Policy, by, revision: int, code: str, title: str, description=""
) -> Policy:
    require_redazione(by)
    version = locked_draft(policy.version_id)
    policy = _current(policy, revision)
    errors = {}
    policy.code = _code(Policy, version=version, code=code, pk=policy.pk, errors=errors)
    policy.title = _clean_text(
        title, field="title", label=_("il titolo"), max_length=200, errors=errors
    )
    policy.description = _multiline(description)
    _raise_if(errors)
    return save_with_revision(
        policy, expected_revision=revision, by=by, update_fields=["code", "title", "description"]
    )


@transaction.atomic
def delete_policy(*, policy: Policy, by, revision: int) -> None:
    """Delete a policy with its action areas and their actions (each recorded in the
    history)."""
    require_redazione(by)
    locked_draft(policy.version_id)
    policy = _current(policy, revision)
    for action in Action.objects.filter(area__policy=policy).select_for_update():
        _delete_recorded(action, by)
    for area in ActionArea.objects.filter(policy=policy).select_for_update():
        _delete_recorded(area, by)
    _delete_recorded(policy, by)


# Action areas --------------------------------------------------------------------------------


def _area_policy(version: PlanVersion, policy, errors: dict):
    if policy is None or policy.version_id != version.pk:
        errors["policy"] = _("Scegli una politica di questa versione.")
    return policy


@transaction.atomic
def create_area(
    *, version: PlanVersion, by, policy: Policy, code: str, title: str, description=""
) -> ActionArea:
    require_redazione(by)
    version = locked_draft(version.pk)
    errors = {}
    policy = _area_policy(version, policy, errors)
    code = _code(ActionArea, version=version, code=code, pk=None, errors=errors)
    title = _clean_text(title, field="title", label=_("il titolo"), max_length=300, errors=errors)
    _raise_if(errors)
    area = ActionArea(
        version=version,
        policy=policy,
        code=code,
        title=title,
        description=_multiline(description),
        position=_next_position(ActionArea.objects.filter(policy=policy)),
    )
    area._history_user = by
    area.save()
    return area


@transaction.atomic
def update_area(
    *,
    area: ActionArea,
    by,
    revision: int,
    policy: Policy,
    code: str,
    title: str,
    description="",
) -> ActionArea:
    """Change an action area; moving it to another policy puts it at the end of that policy."""
    require_redazione(by)
    version = locked_draft(area.version_id)
    area = _current(area, revision)
    errors = {}
    policy = _area_policy(version, policy, errors)
    area.code = _code(ActionArea, version=version, code=code, pk=area.pk, errors=errors)
    area.title = _clean_text(
        title, field="title", label=_("il titolo"), max_length=300, errors=errors
    )
    area.description = _multiline(description)
    _raise_if(errors)
    fields = ["code", "title", "description"]
    if policy.pk != area.policy_id:
        area.policy = policy
        area.position = _next_position(ActionArea.objects.filter(policy=policy))
        fields += ["policy", "position"]
    return save_with_revision(area, expected_revision=revision, by=by, update_fields=fields)


@transaction.atomic
def delete_area(*, area: ActionArea, by, revision: int) -> None:
    """Delete an action area with its actions (each recorded in the history)."""
    require_redazione(by)
    locked_draft(area.version_id)
    area = _current(area, revision)
    for action in Action.objects.filter(area=area).select_for_update():
        _delete_recorded(action, by)
    _delete_recorded(area, by)


# Actions -------------------------------------------------------------------------------------

ACTION_RELATIONS = ("tools", "targets", "zones", "tables")


def _action_values(
    version: PlanVersion,
    *,
    pk: int | None,
    area,
    code,
    title,
    description,
    tools,
    targets,
    zones,
    tables,
    lead_body,
    partners,
    start_date,
    end_date,
    budget,
    indicators,
) -> tuple[dict, dict]:
    """Checked values of an action: (fields, relations). ValidationError keyed by field."""
    errors = {}
    if area is None or area.version_id != version.pk:
        errors["area"] = _("Scegli un ambito d'azione di questa versione.")
    fields = {
        "area": area,
        "code": _code(Action, version=version, code=code, pk=pk, errors=errors),
        "title": _clean_text(
            title, field="title", label=_("il titolo"), max_length=300, errors=errors
        ),
        "description": _multiline(description),
        "lead_body": _clean_text(
            lead_body,
            field="lead_body",
            label=_("l'ente capofila"),
            max_length=200,
            errors=errors,
            required=False,
        ),
        "partners": _multiline(partners),
        "start_date": start_date,
        "end_date": end_date,
        "budget": budget,
        "indicators": _multiline(indicators),
    }
    tools, targets, zones, tables = list(tools), list(targets), list(zones), list(tables)
    if any(t.version_id != version.pk for t in tools):
        errors["tools"] = _("Scegli solo strumenti del catalogo di questa versione.")
    if any(t.version_id != version.pk for t in targets):
        errors["targets"] = _("Scegli solo destinatari del catalogo di questa versione.")
    if any(t.programme_id != version.programme_id for t in tables):
        errors["tables"] = _("Scegli solo tavoli di questo programma.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("La fine non può precedere l'inizio (%(start)s).") % {
            "start": date_format(start_date, "j E Y")
        }
    if budget is not None:
        if budget < 0:
            errors["budget"] = _("Le risorse non possono essere negative.")
        elif budget > MAX_BUDGET:
            errors["budget"] = _("Le risorse sono troppo alte: al massimo %(max)s euro.") % {
                "max": format_amount(MAX_BUDGET)
            }
        elif budget != budget.quantize(Decimal("0.01")):
            errors["budget"] = _("Le risorse si indicano in euro con al massimo due decimali.")
    _raise_if(errors)
    relations = {"tools": tools, "targets": targets, "zones": zones, "tables": tables}
    return fields, relations


def _set_relations(action: Action, relations: dict) -> None:
    """Set the action's tools, targets, zones and tables without a history record for each
    step: the next save records the action once, with all of them."""
    action.skip_history_when_saving = True
    try:
        for name, items in relations.items():
            getattr(action, name).set(items)
    finally:
        del action.skip_history_when_saving


def _relation_changes(current: Action, revision: int) -> list[FieldChange]:
    """Tools, targets, zones and tables that differ between the history record at ``revision``
    and now (the part of a conflict that ``save_with_revision`` does not see)."""
    before = current.history.filter(revision=revision).order_by("-history_date").first()
    if before is None:
        return []
    changes = []
    for name in ACTION_RELATIONS:
        field = Action._meta.get_field(name)
        column = f"{field.m2m_reverse_field_name()}_id"
        then = {getattr(row, column) for row in getattr(before, name).all()}
        now = list(getattr(current, name).all())
        if then != {obj.pk for obj in now}:
            shown = ", ".join(str(obj) for obj in now) or _("nessuno")
            changes.append(FieldChange(name, str(field.verbose_name), shown))
    return changes


@transaction.atomic
def create_action(
    *,
    version: PlanVersion,
    by,
    area: ActionArea,
    code: str,
    title: str,
    description="",
    tools: Iterable[Tool] = (),
    targets: Iterable[Target] = (),
    zones: Iterable = (),
    tables: Iterable = (),
    lead_body="",
    partners="",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    budget: Decimal | None = None,
    indicators="",
) -> Action:
    """Add an action at the end of its area, with its tools, targets, zones (none: the whole
    territory) and source tables."""
    require_redazione(by)
    version = locked_draft(version.pk)
    fields, relations = _action_values(
        version,
        pk=None,
        area=area,
        code=code,
        title=title,
        description=description,
        tools=tools,
        targets=targets,
        zones=zones,
        tables=tables,
        lead_body=lead_body,
        partners=partners,
        start_date=start_date,
        end_date=end_date,
        budget=budget,
        indicators=indicators,
    )
    action = Action(
        version=version, position=_next_position(Action.objects.filter(area=area)), **fields
    )
    action.skip_history_when_saving = True
    action.save()
    del action.skip_history_when_saving
    _set_relations(action, relations)
    # one history record, written now that the relations are set, marked as the creation
    action._history_user = by
    action.save(update_fields=["revision"])
    action.history.filter(
        history_id=action.history.order_by("-history_date").values("history_id")[:1]
    ).update(history_type="+")
    return action


@transaction.atomic
def update_action(
    *,
    action: Action,
    by,
    revision: int,
    area: ActionArea,
    code: str,
    title: str,
    description="",
    tools: Iterable[Tool] = (),
    targets: Iterable[Target] = (),
    zones: Iterable = (),
    tables: Iterable = (),
    lead_body="",
    partners="",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    budget: Decimal | None = None,
    indicators="",
) -> Action:
    """Change an action; moving it to another area puts it at the end of that area."""
    require_redazione(by)
    version = locked_draft(action.version_id)
    try:
        action = _current(action, revision)
    except ConflictError as exc:
        raise ConflictError(
            current=exc.current,
            changes=[*exc.changes, *_relation_changes(exc.current, revision)],
            by=exc.by,
        ) from None
    fields, relations = _action_values(
        version,
        pk=action.pk,
        area=area,
        code=code,
        title=title,
        description=description,
        tools=tools,
        targets=targets,
        zones=zones,
        tables=tables,
        lead_body=lead_body,
        partners=partners,
        start_date=start_date,
        end_date=end_date,
        budget=budget,
        indicators=indicators,
    )
    if area.pk != action.area_id:
        action.position = _next_position(Action.objects.filter(area=area))
    for name, value in fields.items():
        setattr(action, name, value)
    _set_relations(action, relations)
    return save_with_revision(
        action, expected_revision=revision, by=by, update_fields=[*fields, "position"]
    )


@transaction.atomic
def delete_action(*, action: Action, by, revision: int) -> None:
    require_redazione(by)
    locked_draft(action.version_id)
    _delete_recorded(_current(action, revision), by)


# Catalogues: tools and targets ---------------------------------------------------------------


def _create_entry(model, *, version, by, code, name, description):
    require_redazione(by)
    version = locked_draft(version.pk)
    errors = {}
    code = _code(model, version=version, code=code, pk=None, errors=errors)
    name = _clean_text(name, field="name", label=_("il nome"), max_length=200, errors=errors)
    _raise_if(errors)
    entry = model(
        version=version,
        code=code,
        name=name,
        description=_multiline(description),
        position=_next_position(model.objects.filter(version=version)),
    )
    entry._history_user = by
    entry.save()
    return entry


def _update_entry(entry, *, by, revision, code, name, description):
    require_redazione(by)
    version = locked_draft(entry.version_id)
    entry = _current(entry, revision)
    errors = {}
    entry.code = _code(type(entry), version=version, code=code, pk=entry.pk, errors=errors)
    entry.name = _clean_text(name, field="name", label=_("il nome"), max_length=200, errors=errors)
    entry.description = _multiline(description)
    _raise_if(errors)
    return save_with_revision(
        entry, expected_revision=revision, by=by, update_fields=["code", "name", "description"]
    )


def _delete_entry(entry, *, by, revision, relation: str, reason: str) -> list[Action]:
    """Delete a catalogue entry. The actions that used it lose it, and each of them records
    that in its history (with ``reason``). Returns those actions."""
    require_redazione(by)
    locked_draft(entry.version_id)
    entry = _current(entry, revision)
    actions = list(entry.actions.select_for_update().order_by("position", "code"))
    for action in actions:
        action.skip_history_when_saving = True
        getattr(action, relation).remove(entry)
        del action.skip_history_when_saving
        action._change_reason = Truncator(reason % {"name": entry.name}).chars(100)
        save_with_revision(
            action, expected_revision=action.revision, by=by, update_fields=["revision"]
        )
    _delete_recorded(entry, by)
    return actions


@transaction.atomic
def create_tool(*, version: PlanVersion, by, code: str, name: str, description="") -> Tool:
    return _create_entry(
        Tool, version=version, by=by, code=code, name=name, description=description
    )


@transaction.atomic
def update_tool(*, tool: Tool, by, revision: int, code: str, name: str, description="") -> Tool:
    return _update_entry(
        tool, by=by, revision=revision, code=code, name=name, description=description
    )


@transaction.atomic
def delete_tool(*, tool: Tool, by, revision: int) -> list[Action]:
    """Delete a tool; returns the actions that used it (they lose it)."""
    return _delete_entry(
        tool,
        by=by,
        revision=revision,
        relation="tools",
        reason=_("Strumento «%(name)s» eliminato dal catalogo"),
    )


@transaction.atomic
def create_target(*, version: PlanVersion, by, code: str, name: str, description="") -> Target:
    return _create_entry(
        Target, version=version, by=by, code=code, name=name, description=description
    )


@transaction.atomic
def update_target(
    *, target: Target, by, revision: int, code: str, name: str, description=""
) -> Target:
    return _update_entry(
        target, by=by, revision=revision, code=code, name=name, description=description
    )


@transaction.atomic
def delete_target(*, target: Target, by, revision: int) -> list[Action]:
    """Delete a target group; returns the actions that used it (they lose it)."""
    return _delete_entry(
        target,
        by=by,
        revision=revision,
        relation="targets",
        reason=_("Destinatari «%(name)s» eliminati dal catalogo"),
    )


# Order ---------------------------------------------------------------------------------------


@transaction.atomic
def move_item(*, item, by, direction: str):
    """Move a policy, action area, action, tool or target one place up or down among its
    siblings. At the top (or bottom) already, nothing changes."""
    require_redazione(by)
    locked_draft(item.version_id)
    if direction not in (MOVE_UP, MOVE_DOWN):
        raise ValidationError(_("Si può spostare solo in su o in giù."), code="bad_direction")
    rows = list(siblings(item).select_for_update().order_by("position", "code", "pk"))
    index = next((i for i, s in enumerate(rows) if s.pk == item.pk), None)
    if index is None:  # moved to another parent in the meantime
        raise ValidationError(
            _("Nel frattempo la voce è stata spostata: ricarica la pagina."), code="moved"
        )
    other = index - 1 if direction == MOVE_UP else index + 1
    if not 0 <= other < len(rows):
        return rows[index]
    if len({s.position for s in rows}) < len(rows):
        # ties: number them 1..n first, keeping their order (not a change of content)
        for number, sibling in enumerate(rows, start=1):
            if sibling.position != number:
                type(item).objects.filter(pk=sibling.pk).update(position=number)
                sibling.position = number
    mine, theirs = rows[index], rows[other]
    mine.position, theirs.position = theirs.position, mine.position
    for row in (mine, theirs):
        row._history_user = by
        row.save(update_fields=["position"])
    return mine
