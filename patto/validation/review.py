"""The text of a version as a zone's spokesperson reviews it: every policy, action area and
action in reading order, with what changed since the version the zone last decided on marked in
place — added, changed (with the word diff), moved, and the removed items where they stood —
each change numbered, with an anchor and a link to the next one, and the list of the changes.

A version of more than ``WHOLE_UP_TO`` actions, or whose texts are long, is read one part at a
time — an action area with its actions, under its policy — so that a page stays a few hundred
kilobytes whatever the size of the version and of its texts; the list of the changes and the
list of the parts lead to every one.

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


# Above this many actions, the text is shown one part at a time: an action area, or up to
# ACTIONS_PER_PART of its actions. An action takes 1–3 KB of the page, and up to 6 KB when it
# changed everywhere (the old words and the new, side by side in the diff): measured with the
# bench's versions, in which nearly every action changed, 100 actions made a 646 KB page. At 50
# a page stays under 400 KB with its list of changes and the layout.
WHOLE_UP_TO = 50
ACTIONS_PER_PART = 50
# Long texts fill a page sooner: a part also ends before the estimated size of what it shows
# passes PART_BYTES (its actions and removed actions, its area's and policy's own texts, the
# removed areas and policies after it: ``_item_size``, ``_removed_size``), and the text is whole
# only within it too. The estimate errs high (the bench's actions: 6.3 KB estimated, 5.8 KB
# rendered, so their parts keep their 50 actions), and the layout and the list of the changes
# (up to LISTED_UP_TO) take under 60 KB: a page stays under 400 KB. What cannot be cut is not:
# one action, or a removed area or policy with all it held, larger than that is a page of its
# own, however large.
PART_BYTES = 340_000
# the markup around an item whatever its text: heading, lists, the remark slot, a change's
# badges and links (about 3 KB measured for an action); and how much its text grows once
# rendered (Markdown, escaping)
ITEM_MARKUP_BYTES = 3_000
TEXT_GROWTH = 1.5
# Above this many changes, a text in parts lists on each page the changes of its part only.
LISTED_UP_TO = 150
CHANGES_OF_PART = "<!--changes-of-part-->"
CUT = "<!--/changes-of-part-->"


@dataclass
class Part:
    """One page of the text: ``number`` (1, 2…, as in ``?parte=``), the labels of its policy
    and action area (none: a policy without areas), the codes of its first and last actions
    when the area is in more than one part, and how many changes it holds."""

    number: int
    policy: str
    area: str = ""
    first: str = ""
    last: str = ""
    changes: int = 0


def _item_size(item) -> int:
    """About how many bytes a policy, action area or action adds to the text: its title and
    description, what changed (the word diff holds both texts, old and new), grown as
    rendering grows them, and its markup."""
    length = len(item.title) + len(item.description)
    mark = getattr(item, "mark", None)
    for change in mark.change.fields if mark is not None else ():
        length += len(change.diff) + len(change.old) + len(change.new)
        length += sum(map(len, change.added)) + sum(map(len, change.removed))
    return ITEM_MARKUP_BYTES + round(length * TEXT_GROWTH)


def _removed_size(marks) -> int:
    """The same for removed items, shown where they stood with their whole content, and
    whatever was removed inside them."""
    return sum(
        ITEM_MARKUP_BYTES
        + round(
            (len(mark.change.title) + sum(len(d.value) for d in mark.change.details)) * TEXT_GROWTH
        )
        + _removed_size(mark.children)
        for mark in marks
    )


def _cut(actions: list, removed: list, lead: int = 0, tail: int = 0) -> list[tuple[list, list]]:
    """The actions of one area and the marks of its removed actions, in that order, in pieces
    ``(actions, removed)`` of at most ACTIONS_PER_PART items and, past the first item of each,
    PART_BYTES (``_item_size``, ``_removed_size``): the first piece starts with ``lead`` bytes
    (the area's own text, and its policy's) and the last one ends with ``tail`` (the removed
    areas and policies shown after it), which gets a piece of its own when it does not fit.
    One empty piece for an area with neither."""
    pieces, size = [([], [])], lead
    items = [(action, 0, _item_size(action)) for action in actions]
    items += [(mark, 1, _removed_size([mark])) for mark in removed]
    for item, kind, weight in items:
        piece = pieces[-1]
        count = len(piece[0]) + len(piece[1])
        if count and (count == ACTIONS_PER_PART or size + weight > PART_BYTES):
            piece = ([], [])
            pieces.append(piece)
            size = 0
        piece[kind].append(item)
        size += weight
    if tail and (pieces[-1][0] or pieces[-1][1]) and size + tail > PART_BYTES:
        pieces.append(([], []))
    return pieces


def _parts(policies, removed_policies, whole: bool) -> tuple[list[dict], list[Part]]:
    """The text cut in pages: each is a list of blocks — a policy (its own heading, text and
    remark slot when ``own``, else its heading only) with some of its areas (each likewise,
    with some of its actions and removed actions) and removed areas — and removed policies.
    One page with everything when ``whole``. Sets ``mark.part`` (the number of the page a
    change is on) on every change, and returns the pages' contexts and their ``Part``."""
    pages, parts = [], []

    def place(mark):
        if mark is not None:
            mark.part = len(parts)
            parts[-1].changes += 1
            for child in mark.children:
                place(child)

    def chunks(policy, removed_after: int):
        """(areas of a page: (area, own, actions, removed actions, last)) for each page of
        ``policy``; ``removed_after``: the size of the removed policies shown after it (when
        it is the last one)."""
        areas = list(policy.action_areas.all())
        if whole:
            yield [
                (area, True, list(area.actions.all()), area.removed_actions, True) for area in areas
            ]
            return
        if not areas:
            yield []
        for position, area in enumerate(areas):
            lead = _item_size(area) + (_item_size(policy) if position == 0 else 0)
            tail = 0
            if position == len(areas) - 1:
                tail = _removed_size(policy.removed_areas) + removed_after
            pieces = _cut(list(area.actions.all()), area.removed_actions, lead, tail)
            for index, (actions, removed) in enumerate(pieces):
                yield [(area, index == 0, actions, removed, index == len(pieces) - 1)]

    if whole:
        parts.append(Part(1, ""))
        pages.append({"blocks": [], "removed_policies": []})
    for number, policy in enumerate(policies, start=1):
        last_policy = number == len(policies)
        pieces = list(chunks(policy, _removed_size(removed_policies) if last_policy else 0))
        for index, areas in enumerate(pieces):
            if not whole:
                area, own, actions, _removed, last = (
                    areas[0] if areas else (None, True, [], [], True)
                )
                split = not (own and last)  # the area is in more than one part
                parts.append(
                    Part(
                        len(parts) + 1,
                        _label(policy),
                        _label(area) if area else "",
                        actions[0].code if split and actions else "",
                        actions[-1].code if split and actions else "",
                    )
                )
                pages.append({"blocks": [], "removed_policies": []})
            own, last = index == 0, index == len(pieces) - 1
            block = {
                "policy": policy,
                "own": own,
                "areas": [],
                "removed_areas": policy.removed_areas if last else [],
            }
            pages[-1]["blocks"].append(block)
            if own:
                place(policy.mark)
            for area, area_own, actions, removed, _area_last in areas:
                block["areas"].append(
                    {"area": area, "own": area_own, "actions": actions, "removed": removed}
                )
                if area_own:
                    place(area.mark)
                for action in actions:
                    place(action.mark)
                for mark in removed:
                    place(mark)
            if last:
                for mark in policy.removed_areas:
                    place(mark)
    if not parts:  # a version without policies
        parts.append(Part(1, ""))
        pages.append({"blocks": [], "removed_policies": []})
    pages[-1]["removed_policies"] = removed_policies
    for mark in removed_policies:
        place(mark)
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


def review_part(version: PlanVersion, base: PlanVersion | None, number: int) -> tuple[str, str]:
    """The text of the part ``number`` of ``version`` (``review_text``'s ``parts``), with the
    remark and link slots, and ``review_text``'s ``changes`` with the list of this part's
    changes in it when they are listed by part. Kept as ``review_text`` is."""
    index = review_text(version, base)
    text = _kept(version, base, f"review-part:{number}")
    listed, _cut, text = text.rpartition(CUT) if CUT in text else ("", "", text)
    return index["changes"].replace(CHANGES_OF_PART, listed), text


@receiver(version_frozen, dispatch_uid="validation_precompute_review")
def precompute(sender, *, version: PlanVersion, **kwargs) -> None:
    """When ``version`` is sent to the zones (in the worker, ``patto.precompute_comparison``):
    render and keep, in every language, its review against the version each validating zone
    last decided on, unless it is kept already."""
    if version.status != VersionStatus.IN_VALIDATION:
        return
    bases = {base.pk if base else None: base for base in queries.bases(version).values()}
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
    areas = [area for policy in policies for area in policy.action_areas.all()]
    actions = [action for area in areas for action in area.actions.all()]
    size = sum(map(_item_size, [*policies, *areas, *actions])) + _removed_size(removed_policies)
    size += sum(_removed_size(p.removed_areas) for p in policies)
    size += sum(_removed_size(area.removed_actions) for area in areas)
    whole = len(actions) <= WHOLE_UP_TO and size <= PART_BYTES
    pages, parts = _parts(policies, removed_policies, whole=whole)
    for number, page in enumerate(pages, start=1):
        for block in page["blocks"]:
            policy = block["policy"]
            if block["own"]:
                labels[(POLICY, str(policy.key))] = _label(policy)
                part_of[(POLICY, str(policy.key))] = number
            for entry in block["areas"]:
                area = entry["area"]
                if entry["own"]:
                    labels[(ACTION_AREA, str(area.key))] = _label(area)
                    part_of[(ACTION_AREA, str(area.key))] = number
                for action in entry["actions"]:
                    labels[(ACTION, str(action.key))] = _label(action)
                    part_of[(ACTION, str(action.key))] = number
    in_parts = len(parts) > 1 and len(order) > LISTED_UP_TO
    context = {
        "in_parts": in_parts,
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
        text = render_to_string("portavoce/includes/review_text.html", {**context, **page})
        if in_parts:  # the part's changes listed above its text
            marks = [mark for mark in order if mark.part == number]
            listed = render_to_string(
                "portavoce/includes/review_changes_list.html", {"marks": marks}
            )
            text = f"{listed}{CUT}{text}"
        rendered[f"review-part:{number}"] = text
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
