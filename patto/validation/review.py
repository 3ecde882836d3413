"""The text of a version as a zone's spokesperson reviews it: every policy, action area and
action in reading order, with what changed since the version the zone last decided on marked in
place — added, changed (with the word diff), moved, and the removed items where they stood —
each change numbered, with an anchor and a link to the next one, and the list of the changes.

The changes come from the comparison engine (``patto.programme.compare.cached_comparison``).
Both versions are frozen, so the rendered text is kept for good per pair of versions and language
(``frozen_fragment``), like the public version page. What belongs to one person — the remark
boxes and what is written in them — is put in afterwards at the slots the text leaves for it:
``<!--remark:<kind>:<key>-->`` … ``<!--/remark-->`` around the button that opens an item's box.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from matrice.queries import plan_tree
from patto.cache.pages import frozen_fragment
from patto.models import ItemKind, PlanVersion
from patto.programme.compare import (
    MODELS,
    TARGET,
    TOOL,
    Comparison,
    ItemChange,
    cached_comparison,
)

POLICY, ACTION_AREA, ACTION = (kind.value for kind in ItemKind)

SLOT = re.compile(
    r"<!--remark:(?P<kind>[a-z_]+):(?P<key>[0-9a-f-]+)-->(?P<button>.*?)<!--/remark-->", re.S
)


def anchor(kind: str, key) -> str:
    """The id of a change in the review page."""
    return f"modifica-{kind}-{key}"


@dataclass
class Mark:
    """One change, where it is shown: its number in reading order and the next one."""

    change: ItemChange
    kind_label: str = ""
    number: int = 0
    previous: "Mark | None" = None
    next: "Mark | None" = None
    children: list["Mark"] = field(default_factory=list)  # removed areas and actions inside

    @property
    def anchor(self) -> str:
        return anchor(self.change.kind, self.change.key)


def _marks(policies, comparison: Comparison | None) -> tuple[list[Mark], list[Mark], list[Mark]]:
    """Put each change of ``comparison`` on the item it is about (``item.mark``), and the removed
    items on the item they stood in (``policy.removed_areas``, ``area.removed_actions``).
    Returns the changes of the catalogues, the removed policies, and every change in the order
    a reader meets them."""
    changes = comparison.changes if comparison else {}
    removed_actions: dict[str, list[Mark]] = {}  # area key -> its removed actions
    removed_areas: dict[str, list[Mark]] = {}  # policy key -> its removed areas
    removed_policies: list[Mark] = []
    for group in comparison.policies if comparison else ():
        areas = []
        for area_group in group.areas:
            actions = [Mark(c) for c in area_group.actions if c.is_removed]
            if area_group.change is not None and area_group.change.is_removed:
                areas.append(Mark(area_group.change, children=actions))
            else:
                removed_actions[area_group.area.key] = actions
        if group.change is not None and group.change.is_removed:
            removed_policies.append(Mark(group.change, children=areas))
        else:
            removed_areas[group.policy.key] = areas

    def mark(kind, item):
        change = changes.get(kind, {}).get(str(item.key))
        item.mark = Mark(change) if change is not None else None
        return item.mark

    catalogues = [Mark(c) for kind in (TOOL, TARGET) for c in changes.get(kind, {}).values()]
    order = list(catalogues)
    for policy in policies:
        order.append(mark(POLICY, policy))
        policy.removed_areas = removed_areas.get(str(policy.key), [])
        for area in policy.action_areas.all():
            order.append(mark(ACTION_AREA, area))
            area.removed_actions = removed_actions.get(str(area.key), [])
            order.extend(mark(ACTION, action) for action in area.actions.all())
            order.extend(area.removed_actions)
        for removed in policy.removed_areas:
            order.extend([removed, *removed.children])
    for removed in removed_policies:
        order.append(removed)
        for area in removed.children:
            order.extend([area, *area.children])
    order = [m for m in order if m is not None]
    labels = {kind: capfirst(str(model._meta.verbose_name)) for kind, model in MODELS.items()}
    for number, current in enumerate(order, start=1):
        current.number, current.kind_label = number, labels[current.change.kind]
        current.previous = order[number - 2] if number > 1 else None
        current.next = order[number] if number < len(order) else None
    return catalogues, removed_policies, order


def review_text(version: PlanVersion, base: PlanVersion | None) -> dict:
    """The text of ``version`` with its changes since ``base`` (None: no marks), rendered:
    ``changes`` (the counts and the list of the changes, linking to them), ``text`` (with the
    remark slots), ``labels`` ((kind, key) → "code title" of every item, for the remarks) and
    ``count`` (how many changes). Kept for good for two frozen versions; otherwise, or on a
    miss, a fixed number of queries (the comparison's and ``plan_tree``'s)."""

    def render() -> dict:
        comparison = cached_comparison(base, version) if base is not None else None
        policies = plan_tree(version)
        catalogues, removed_policies, order = _marks(policies, comparison)
        context = {
            "version": version,
            "base": base,
            "programme": version.programme,
            "comparison": comparison,
            "policies": policies,
            "catalogues": catalogues,
            "removed_policies": removed_policies,
            "marks": order,
        }
        labels = {}
        for policy in policies:
            labels[(POLICY, str(policy.key))] = _label(policy)
            for area in policy.action_areas.all():
                labels[(ACTION_AREA, str(area.key))] = _label(area)
                for action in area.actions.all():
                    labels[(ACTION, str(action.key))] = _label(action)
        return {
            "changes": render_to_string("portavoce/includes/review_changes.html", context),
            "text": render_to_string("portavoce/includes/review_text.html", context),
            "labels": labels,
            "count": len(order),
        }

    versions = (base, version) if base is not None else (version,)
    return frozen_fragment("review-text", render, *versions)


def _label(item) -> str:
    return f"{item.code} {item.title}"[:300]


def fill_slots(text: str, slot: Callable[[str, str, str], str]) -> SafeString:
    """``text`` (``review_text``'s, our templates' output) with each remark slot replaced by
    ``slot(kind, key, button)``: the button that opens the item's box, the box itself, the
    remark the zone recorded, or nothing."""
    return mark_safe(SLOT.sub(lambda m: slot(m["kind"], m["key"], m["button"]), text))
