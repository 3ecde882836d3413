"""Writes and whole-version operations on plan content: the canonical snapshot of a version (the
basis of its fingerprint, of comparisons and of open data) and the copy of a version's content
into a new draft."""

import hashlib
import json

from django.db import transaction

from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.exceptions import FrozenVersionError


def _text(value):
    return "" if value is None else str(value)


def version_snapshot(version) -> dict:
    """The whole content of ``version`` as plain data, in a stable order: catalogues, then
    policies → action areas → actions. Items refer to each other by stable key. Runs a fixed
    number of queries whatever the size of the version."""
    tools = list(Tool.objects.filter(version=version).order_by("position", "code"))
    targets = list(Target.objects.filter(version=version).order_by("position", "code"))
    policies = list(Policy.objects.filter(version=version).order_by("position", "code"))
    areas = list(
        ActionArea.objects.filter(version=version)
        .select_related("policy")
        .order_by("position", "code")
    )
    actions = list(
        Action.objects.filter(version=version)
        .select_related("area")
        .prefetch_related("tools", "targets", "zones", "tables")
        .order_by("position", "code")
    )

    def catalogue(items):
        return [
            {"key": str(i.key), "code": i.code, "name": i.name, "description": i.description}
            for i in items
        ]

    return {
        "tools": catalogue(tools),
        "targets": catalogue(targets),
        "policies": [
            {
                "key": str(p.key),
                "code": p.code,
                "title": p.title,
                "description": p.description,
                "action_areas": [
                    {
                        "key": str(a.key),
                        "code": a.code,
                        "title": a.title,
                        "description": a.description,
                        "actions": [
                            {
                                "key": str(x.key),
                                "code": x.code,
                                "title": x.title,
                                "description": x.description,
                                "tools": sorted(str(t.key) for t in x.tools.all()),
                                "targets": sorted(str(t.key) for t in x.targets.all()),
                                "zones": sorted(z.number for z in x.zones.all()),
                                "tables": sorted(t.slug for t in x.tables.all()),
                                "lead_body": x.lead_body,
                                "partners": x.partners,
                                "start_date": _text(x.start_date),
                                "end_date": _text(x.end_date),
                                "budget": _text(x.budget),
                                "indicators": x.indicators,
                            }
                            for x in actions
                            if x.area_id == a.pk
                        ],
                    }
                    for a in areas
                    if a.policy_id == p.pk
                ],
            }
            for p in policies
        ],
    }


def compute_fingerprint(version) -> str:
    """SHA-256 of the canonical JSON of the version's content. Same content, same fingerprint."""
    canonical = json.dumps(
        version_snapshot(version), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def copy_content(*, source, target) -> None:
    """Copy every item of ``source`` into the draft ``target``, keeping each item's stable key.
    Runs a fixed number of queries (bulk inserts)."""
    if target.is_frozen:
        raise FrozenVersionError(target)

    def clone(model, fields, extra=None):
        rows = list(model.objects.filter(version=source).order_by("pk"))
        copies = [
            model(
                version=target,
                key=row.key,
                **{f: getattr(row, f) for f in fields},
                **(extra(row) if extra else {}),
            )
            for row in rows
        ]
        model.objects.bulk_create(copies)
        # map old pk -> new object; bulk_create sets pks on PostgreSQL and SQLite
        return {row.pk: copy for row, copy in zip(rows, copies, strict=True)}

    catalogue_fields = ["code", "name", "description", "position"]
    tools = clone(Tool, catalogue_fields)
    targets = clone(Target, catalogue_fields)
    policies = clone(Policy, ["code", "title", "description", "position"])
    areas = clone(
        ActionArea,
        ["code", "title", "description", "position"],
        extra=lambda row: {"policy": policies[row.policy_id]},
    )
    actions = clone(
        Action,
        [
            "code",
            "title",
            "description",
            "lead_body",
            "partners",
            "start_date",
            "end_date",
            "budget",
            "indicators",
            "position",
        ],
        extra=lambda row: {"area": areas[row.area_id]},
    )

    def clone_links(through, column, mapping=None):
        links = through.objects.filter(action__version=source).values_list("action_id", column)
        through.objects.bulk_create(
            through(
                action_id=actions[action_id].pk, **{column: mapping[other].pk if mapping else other}
            )
            for action_id, other in links
        )

    clone_links(Action.tools.through, "tool_id", tools)
    clone_links(Action.targets.through, "target_id", targets)
    clone_links(Action.zones.through, "zone_id")
    clone_links(Action.tables.through, "thematictable_id")
