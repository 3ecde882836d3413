"""The whole content of a version, read: its canonical snapshot (``version_snapshot``,
``version_snapshots``: plain data in a stable order, in a fixed number of queries) and the SHA-256
fingerprint of that snapshot (``compute_fingerprint``). Nothing here writes.

The comparison of two versions (``patto.programme.compare``) reads their snapshots; the lifecycle
(``patto.programme.services``) stores the fingerprint on a version when it is submitted, and the
version's pages, PDF and open data show it from there.
"""

import hashlib
import json
from collections import defaultdict

from matrice.models import Action, ActionArea, Policy, Target, Tool
from zone.models import Zone


def _text(value):
    return "" if value is None else str(value)


def version_snapshot(version) -> dict:
    """The whole content of ``version`` as plain data, in a stable order: catalogues, then
    policies → action areas → actions. Items refer to each other by stable key. Runs a fixed
    number of queries (nine) whatever the size of the version; rows are read as tuples, not
    model instances, so a 1,000-action version reads in a fraction of the time."""
    return version_snapshots([version])[0]


def version_snapshots(versions, *, names: dict | None = None) -> list[dict]:
    """``version_snapshot`` of each of ``versions``, read together: the same nine queries for
    any number of versions. With ``names`` (a dict), also fills ``names["zones"]`` (number →
    label) and ``names["tables"]`` (slug → title) for the zones and tables the actions name."""
    order = ("position", "code")
    version_ids = [version.pk for version in versions]
    keys = {Tool: {}, Target: {}}  # pk → key of each tool and target read

    def catalogue(model):
        by_version = defaultdict(list)
        known = keys[model]
        rows = model.objects.filter(version_id__in=version_ids).order_by("version_id", *order)
        for pk, version_id, key, code, name, description in rows.values_list(
            "id", "version_id", "key", "code", "name", "description"
        ):
            known[pk] = key = str(key)
            by_version[version_id].append(
                {"key": key, "code": code, "name": name, "description": description}
            )
        return by_version

    tools, targets = catalogue(Tool), catalogue(Target)

    def links(through, column, label=None):
        """action pk → the values of ``column`` it is linked to; with ``label``, also the
        label of each value (in ``names``)."""
        by_action = defaultdict(list)
        labelled = names is not None and label is not None
        rows = through.objects.filter(action__version_id__in=version_ids).values_list(
            "action_id", column, *([label] if labelled else [])
        )
        if labelled:
            found = names.setdefault(column, {})
            for action_id, value, text in rows:
                by_action[action_id].append(value)
                found[value] = text
        else:
            for action_id, value in rows:
                by_action[action_id].append(value)
        return by_action

    def keyed(by_action, model):
        """The links to tools or targets by key (their pk was read, not their key: the keys
        of the versions' catalogues are known already)."""
        known = keys[model]
        stray = {pk for values in by_action.values() for pk in values if pk not in known}
        if stray:  # a link to an item of another version: not expected, but read it as it is
            known.update(
                (pk, str(key))
                for pk, key in model.objects.filter(pk__in=stray).values_list("pk", "key")
            )
        return {action_id: [known[pk] for pk in values] for action_id, values in by_action.items()}

    tool_links = keyed(links(Action.tools.through, "tool_id"), Tool)
    target_links = keyed(links(Action.targets.through, "target_id"), Target)
    zone_links = links(Action.zones.through, "zone__number", "zone__name")
    table_links = links(Action.tables.through, "thematictable__slug", "thematictable__title")
    if names is not None:
        zones = names.pop("zone__number", {})
        names["zones"] = {n: str(Zone(number=n, name=name)) for n, name in zones.items()}
        names["tables"] = names.pop("thematictable__slug", {})

    actions_by_area = defaultdict(list)
    no_links = ()
    for (
        pk,
        area_id,
        key,
        code,
        title,
        description,
        lead_body,
        partners,
        start_date,
        end_date,
        budget,
        indicators,
    ) in (
        Action.objects.filter(version_id__in=version_ids)
        .order_by(*order)
        .values_list(
            "id",
            "area_id",
            "key",
            "code",
            "title",
            "description",
            "lead_body",
            "partners",
            "start_date",
            "end_date",
            "budget",
            "indicators",
        )
    ):
        actions_by_area[area_id].append(
            {
                "key": str(key),
                "code": code,
                "title": title,
                "description": description,
                "tools": sorted(tool_links.get(pk, no_links)),
                "targets": sorted(target_links.get(pk, no_links)),
                "zones": sorted(zone_links.get(pk, no_links)),
                "tables": sorted(table_links.get(pk, no_links)),
                "lead_body": lead_body,
                "partners": partners,
                "start_date": _text(start_date),
                "end_date": _text(end_date),
                "budget": _text(budget),
                "indicators": indicators,
            }
        )
    areas_by_policy = defaultdict(list)
    for pk, policy_id, key, code, title, description in (
        ActionArea.objects.filter(version_id__in=version_ids)
        .order_by(*order)
        .values_list("id", "policy_id", "key", "code", "title", "description")
    ):
        areas_by_policy[policy_id].append(
            {
                "key": str(key),
                "code": code,
                "title": title,
                "description": description,
                "actions": actions_by_area.get(pk, []),
            }
        )
    policies = defaultdict(list)
    for version_id, pk, key, code, title, description in (
        Policy.objects.filter(version_id__in=version_ids)
        .order_by(*order)
        .values_list("version_id", "id", "key", "code", "title", "description")
    ):
        policies[version_id].append(
            {
                "key": str(key),
                "code": code,
                "title": title,
                "description": description,
                "action_areas": areas_by_policy.get(pk, []),
            }
        )
    return [
        {"tools": tools[pk], "targets": targets[pk], "policies": policies[pk]} for pk in version_ids
    ]


def compute_fingerprint(version) -> str:
    """SHA-256 of the canonical JSON of the version's content. Same content, same fingerprint."""
    canonical = json.dumps(
        version_snapshot(version), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
