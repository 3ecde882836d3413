"""The text of a version as a zone's spokesperson reviews it: every policy, action area and
action in reading order, with what changed since the version the zone last decided on marked in
place — added, changed (with the word diff), moved, and the removed items where they stood —
each change numbered, with an anchor and a link to the next one, and the list of the changes.

A version of more than ``WHOLE_UP_TO`` actions is read one part at a time — an action area
with its actions, under its policy — so that a page stays a few hundred kilobytes whatever the
size of the version; the list of the changes and the list of the parts lead to every one.

The changes come from the comparison engine (``patto.programme.compare.cached_comparison``).
Both versions are frozen, so the rendered text is kept for good per pair of versions and language
(``frozen_key``), like the public version page: the index (the list of the changes, the parts,
the items' labels) and each part under its own key, all rendered together on a miss — or ahead,
in the worker, when the version is sent to the zones (``precompute``). What belongs to one
person is put in afterwards at the slots the text leaves for it: ``<!--remark:<kind>:<key>-->`` …
``<!--/remark-->`` around the button that opens an item's remark box, and
``<!--goto:<part>:<anchor>-->`` … ``<!--/goto-->`` around a link to a change, which becomes a
link in the page, to another part, or — in the form — a button that takes what is typed along.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from matrice.queries import plan_tree
from patto.cache.pages import frozen_key, page_cache
from patto.models import ItemKind, PlanVersion, VersionStatus
from patto.programme.compare import (
    MODELS,
    TARGET,
    TOOL,
    Comparison,
    ItemChange,
    cached_comparison,
)
from patto.programme.signals import version_frozen
from patto.validation import queries

POLICY, ACTION_AREA, ACTION = (kind.value for kind in ItemKind)

SLOT = re.compile(
    r"<!--remark:(?P<kind>[a-z_]+):(?P<key>[0-9a-f-]+)-->(?P<button>.*?)<!--/remark-->", re.S
)
GOTO = re.compile(
    r"<!--goto:(?P<part>[0-9]+):(?P<anchor>[a-z0-9_-]+)-->(?P<label>.*?)<!--/goto-->", re.S
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
    part: int = 0  # the number of the part of the text it is in (0: on every page)
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


# Above this many actions, the text is shown one part (an action area) at a time.
WHOLE_UP_TO = 150


@dataclass
class Part:
    """One page of the text: ``number`` (1, 2…, as in ``?parte=``), the code and title of its
    policy and action area (no area: a policy without areas), how many changes it holds."""

    number: int
    policy: str
    area: str = ""
    changes: int = 0


def _parts(policies, removed_policies, whole: bool) -> tuple[list[dict], list[Part]]:
    """The text cut in pages: each is a list of blocks (a policy — its heading, and its own
    content when ``own`` — with some of its areas and removed areas) and removed policies. One
    page with everything when ``whole``. Sets ``mark.part`` (the number of the page a change is
    on) on every change, and returns the pages' contexts and their ``Part``."""
    pages, parts = [], []

    def page(policy_label, area_label=""):
        parts.append(Part(len(parts) + 1, policy_label, area_label))
        pages.append({"blocks": [], "removed_policies": []})
        return pages[-1]

    def place(mark, number):
        if mark is not None:
            mark.part = number
            parts[number - 1].changes += 1
            for child in mark.children:
                place(child, number)

    current = page("") if whole else None
    for policy in policies:
        areas = list(policy.action_areas.all())
        chunks = [[area] for area in areas] if not whole else [areas]
        for index, chunk in enumerate(chunks or [[]]):
            if not whole:
                current = page(_label(policy), _label(chunk[0]) if chunk else "")
            own = index == 0
            last = index == len(chunks) - 1 or not chunks
            current["blocks"].append(
                {
                    "policy": policy,
                    "own": own,
                    "areas": chunk,
                    "removed_areas": policy.removed_areas if last else [],
                }
            )
            number = len(parts)
            if own:
                place(policy.mark, number)
            for area in chunk:
                place(area.mark, number)
                for action in area.actions.all():
                    place(action.mark, number)
                for removed in area.removed_actions:
                    place(removed, number)
            if last:
                for removed in policy.removed_areas:
                    place(removed, number)
    if current is None:  # a version without policies
        current = page("")
    current["removed_policies"] = removed_policies
    for removed in removed_policies:
        place(removed, len(parts))
    return pages, parts


def review_text(version: PlanVersion, base: PlanVersion | None) -> dict:
    """What the review page shows of ``version`` with its changes since ``base`` (None: no
    marks), whatever part is read: ``changes`` (the counts and the list of the changes,
    linking to them), ``parts`` (``Part``, one when the text is shown whole), ``part_of``
    ((kind, key) → the number of the part an item is in), ``labels`` ((kind, key) → "code
    title" of every item, for the remarks) and ``count`` (how many changes). Kept for good for
    two frozen versions; otherwise, or on a miss, a fixed number of queries (the comparison's
    and ``plan_tree``'s)."""
    return _kept(version, base, "review-index")


def review_part(version: PlanVersion, base: PlanVersion | None, number: int) -> str:
    """The text of the part ``number`` of ``version`` (``review_text``'s ``parts``), with the
    remark and link slots. Kept as ``review_text`` is."""
    return _kept(version, base, f"review-part:{number}")


@receiver(version_frozen, dispatch_uid="validation_precompute_review")
def precompute(sender, *, version: PlanVersion, **kwargs) -> None:
    """When ``version`` is sent to the zones (in the worker, ``patto.precompute_comparison``):
    render and keep, in every language, its review against the version each validating zone
    last decided on, unless it is kept already."""
    if version.status != VersionStatus.IN_VALIDATION:
        return
    bases = {}
    for zone in version.programme.validating_zones.all():
        base = queries.last_decided_version(zone, version)
        bases[base.pk if base else None] = base
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for base in bases.values():
                review_text(version, base)


def _kept(version, base, name):
    versions = (base, version) if base is not None else (version,)
    key = frozen_key(name, *versions)
    if key is None:
        return _render(version, base)[name]
    cache = page_cache()
    value = cache.get(key)
    if value is None:
        rendered = _render(version, base)
        cache.set_many({frozen_key(n, *versions): v for n, v in rendered.items()}, timeout=None)
        value = rendered[name]
    return value


def _render(version, base) -> dict:
    """The index and every part, by their names in the cache."""
    comparison = cached_comparison(base, version) if base is not None else None
    policies = plan_tree(version)
    catalogues, removed_policies, order = _marks(policies, comparison)
    labels, part_of = {}, {}
    actions = sum(len(area.actions.all()) for p in policies for area in p.action_areas.all())
    pages, parts = _parts(policies, removed_policies, whole=actions <= WHOLE_UP_TO)
    for number, page in enumerate(pages, start=1):
        for block in page["blocks"]:
            policy = block["policy"]
            if block["own"]:
                labels[(POLICY, str(policy.key))] = _label(policy)
                part_of[(POLICY, str(policy.key))] = number
            for area in block["areas"]:
                labels[(ACTION_AREA, str(area.key))] = _label(area)
                part_of[(ACTION_AREA, str(area.key))] = number
                for action in area.actions.all():
                    labels[(ACTION, str(action.key))] = _label(action)
                    part_of[(ACTION, str(action.key))] = number
    context = {
        "version": version,
        "base": base,
        "programme": version.programme,
        "comparison": comparison,
        "catalogues": catalogues,
        "marks": order,
        "total": len(order),
    }
    rendered = {
        "review-index": {
            "changes": render_to_string("portavoce/includes/review_changes.html", context),
            "parts": parts,
            "part_of": part_of,
            "labels": labels,
            "count": len(order),
        }
    }
    for number, page in enumerate(pages, start=1):
        rendered[f"review-part:{number}"] = render_to_string(
            "portavoce/includes/review_text.html", {**context, **page}
        )
    return rendered


def _label(item) -> str:
    return f"{item.code} {item.title}"[:300]


def fill_slots(
    text: str,
    slot: Callable[[str, str, str], str],
    goto: Callable[[int, str, str], str],
) -> SafeString:
    """``text`` (``review_text``'s, our templates' output) with each remark slot replaced by
    ``slot(kind, key, button)`` — the button that opens the item's box, the box itself, the
    remark the zone recorded, or nothing — and each link slot by ``goto(part, anchor, label)``."""
    text = SLOT.sub(lambda m: slot(m["kind"], m["key"], m["button"]), text)
    return mark_safe(GOTO.sub(lambda m: goto(int(m["part"]), m["anchor"], m["label"]), text))
