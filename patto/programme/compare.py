"""The comparison of two plan versions, item by item.

Both versions are read with ``matrice.snapshots.version_snapshot`` (a fixed number of queries) and
their items are matched by stable ``key``: for tools, targets, policies, action areas and actions
the comparison says what was added, removed, changed (which fields, old → new, with a word-level
diff of text) and moved (to another parent, or to another place among its siblings). Unchanged
items are only counted.

Descriptions are written in Markdown: they are compared as a reader sees them, rendered and
reduced to their words, not as typed.

``compare_snapshots`` is the pure part (no queries); ``compare_versions`` reads the two versions
and the names of zones and thematic tables, in a fixed number of queries; ``cached_comparison``
keeps the result of two frozen versions for good.
"""

import datetime
import difflib
import html
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils import numberformat
from django.utils.dates import MONTHS_ALT
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.snapshots import version_snapshots
from patto.cache.pages import frozen_fragment
from patto.core.markdown import markdown_to_text
from patto.models import ItemKind, PlanVersion

TOOL = "tool"
TARGET = "target"
POLICY = ItemKind.POLICY.value
ACTION_AREA = ItemKind.ACTION_AREA.value
ACTION = ItemKind.ACTION.value
KINDS = (TOOL, TARGET, POLICY, ACTION_AREA, ACTION)
MODELS = {TOOL: Tool, TARGET: Target, POLICY: Policy, ACTION_AREA: ActionArea, ACTION: Action}

TEXT, VALUE, RELATION = "text", "value", "relation"
# The fields written in Markdown: compared as a reader sees them (``markdown_to_text``: rendered,
# sanitised and reduced to its words), so a change of markup alone is no change and a diff never
# shows markup.
MARKDOWN = {"description"}
# The fields whose values are shown otherwise than as stored.
DISPLAYED = {"start_date", "end_date", "budget"}
_PLAIN_AMOUNT = re.compile(r"(\d+)\.(\d\d)")

# The compared fields of each kind, in the order a reader meets them on the page.
FIELDS = {
    TOOL: (("code", VALUE), ("name", TEXT), ("description", TEXT)),
    TARGET: (("code", VALUE), ("name", TEXT), ("description", TEXT)),
    POLICY: (("code", VALUE), ("title", TEXT), ("description", TEXT)),
    ACTION_AREA: (("code", VALUE), ("title", TEXT), ("description", TEXT)),
    ACTION: (
        ("code", VALUE),
        ("title", TEXT),
        ("description", TEXT),
        ("tools", RELATION),
        ("targets", RELATION),
        ("zones", RELATION),
        ("tables", RELATION),
        ("lead_body", TEXT),
        ("partners", TEXT),
        ("start_date", VALUE),
        ("end_date", VALUE),
        ("budget", VALUE),
        ("indicators", TEXT),
    ),
}


# The word-level diff.

# A word, a run of whitespace, or one other character (punctuation, symbols).
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _escaped(tokens) -> str:
    # escaping the joined run escapes every token: escape() works character by character
    return html.escape("".join(tokens))


@dataclass
class _Chunk:
    removed: list[str]
    inserted: list[str]
    equal: bool = False


def _diff_chunks(old: list[str], new: list[str]) -> list[_Chunk]:
    """The runs of tokens kept, removed and inserted from ``old`` to ``new``. A run of whitespace
    kept between two changes is folded into them, so a rewritten phrase reads as one deletion and
    one insertion rather than word by word."""
    # The common head and tail are cut off first: most edits touch a few words of a long text.
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    # Whitespace is junk for the matcher: a match never starts on a space (there are too many of
    # them, and anchoring on them is quadratic), but spaces inside a matching run still match.
    matcher = difflib.SequenceMatcher(
        str.isspace, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    chunks = [_Chunk(old[:head], old[:head], equal=True)] if head else []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, inserted = old[head + i1 : head + i2], new[head + j1 : head + j2]
        if tag == "equal":
            chunks.append(_Chunk(removed, removed, equal=True))
            continue
        if (
            len(chunks) >= 2
            and chunks[-1].equal
            and all(token.isspace() for token in chunks[-1].removed)
            and not chunks[-2].equal
        ):
            space = chunks.pop().removed
            before = chunks.pop()
            removed = before.removed + space + removed
            inserted = before.inserted + space + inserted
        chunks.append(_Chunk(removed, inserted))
    if tail:
        chunks.append(_Chunk(old[len(old) - tail :], old[len(old) - tail :], equal=True))
    return chunks


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what ``\w`` matches in a str pattern


def _starts_token(text: str, position: int) -> bool:
    """Whether a token of ``_TOKEN`` starts at ``position`` of ``text`` (or ``text`` ends
    there)."""
    if position == 0 or position == len(text):
        return True
    before, after = text[position - 1], text[position]
    if before.isspace():
        return not after.isspace()
    if _is_word(before):
        return not _is_word(after)
    return True  # punctuation and symbols are tokens of one character


def _shared_length(old: str, new: str, *, from_end: bool = False) -> int:
    """The length of the longest common prefix (suffix) of ``old`` and ``new``, found by halving
    with slice comparisons, which run in C."""
    if from_end:
        old, new = old[::-1], new[::-1]
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _shared_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters at the start and at the end ``old`` and ``new`` share, each cut at
    a token boundary of both and not overlapping: split into tokens, both texts begin (end) with
    the same tokens spelling exactly those characters."""
    head = _shared_length(old, new)
    if not (_starts_token(old, head) and _starts_token(new, head)):
        # the token running across ``head`` continues differently in each: back to its start
        head -= 1
        while not _starts_token(old, head):
            head -= 1
    tail = _shared_length(old[head:], new[head:], from_end=True)
    if not (_starts_token(old, len(old) - tail) and _starts_token(new, len(new) - tail)):
        shared = old[len(old) - tail :]
        cut = 1  # forward to the next token start inside the shared end
        while not _starts_token(shared, cut):
            cut += 1
        tail -= cut
    return head, tail


def _chunks_html(chunks, deleted_label: str, inserted_label: str) -> str:
    parts = []
    for chunk in chunks:
        if chunk.equal:
            parts.append(_escaped(chunk.removed))
            continue
        if chunk.removed:
            parts.append(
                f'<del><span class="visually-hidden">{deleted_label} </span>'
                f"{_escaped(chunk.removed)}</del>"
            )
        if chunk.inserted:
            parts.append(
                f'<ins><span class="visually-hidden">{inserted_label} </span>'
                f"{_escaped(chunk.inserted)}</ins>"
            )
    return "".join(parts)


def _labels() -> tuple[str, str]:
    return escape(_("eliminato:")), escape(_("inserito:"))


def word_diff(old: str, new: str, labels: tuple[str, str] | None = None) -> SafeString:
    """``new`` against ``old`` as HTML: deleted words in ``<del>``, inserted words in ``<ins>``,
    each announced by a visually hidden label (``labels``: the two, escaped, for the active
    language). Every token is escaped before the result is marked safe.

    The text both share at the start and at the end is cut off by characters before the rest
    is split into tokens: most edits touch a few words of a long text, and the diff is the same
    as with every token split."""
    labels = labels or _labels()
    if old == new:
        return mark_safe(html.escape(old))
    head, tail = _shared_ends(old, new)
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    if middle_old and middle_new:
        chunks = _diff_chunks(_tokens(middle_old), _tokens(middle_new))
    else:  # only inserted, or only deleted, text
        chunks = [_Chunk([middle_old] if middle_old else [], [middle_new] if middle_new else [])]
    body = _chunks_html(chunks, *labels)
    # every token was escaped: only the tags added by _chunks_html are markup
    return mark_safe(html.escape(old[:head]) + body + html.escape(old[len(old) - tail :]))


# What the comparison returns.


@dataclass(frozen=True)
class Ref:
    """An item named in a heading or a move: its key, code and title, and whether it exists in
    the newer version."""

    kind: str
    key: str
    code: str
    title: str
    in_new: bool = True


@dataclass
class FieldChange:
    name: str
    label: str
    type: str  # TEXT, VALUE or RELATION
    old: str = ""  # VALUE: as shown
    new: str = ""
    # TEXT: the word-level diff, which holds both texts (they are not kept twice: a comparison
    # is cached, and descriptions are long)
    diff: SafeString | str = ""
    added: list[str] = field(default_factory=list)  # RELATION: names added
    removed: list[str] = field(default_factory=list)  # RELATION: names removed


@dataclass
class Detail:
    """One field of an added or removed item, as plain text."""

    name: str
    label: str
    value: str
    type: str


@dataclass
class ItemChange:
    kind: str
    key: str
    code: str  # in the newer version (in the older one for a removed item)
    title: str
    status: str  # "added", "removed" or "modified" (changed and/or moved)
    old_code: str = ""
    fields: list[FieldChange] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)  # added/removed items: their content
    old_parent: Ref | None = None  # set when the parent changed
    new_parent: Ref | None = None
    reordered: bool = False  # same parent, another place among the siblings

    @property
    def in_new(self) -> bool:
        """The item exists in the newer version (its page is there)."""
        return self.status != "removed"

    @property
    def is_added(self) -> bool:
        return self.status == "added"

    @property
    def is_removed(self) -> bool:
        return self.status == "removed"

    @property
    def is_changed(self) -> bool:
        return bool(self.fields)

    @property
    def parent_changed(self) -> bool:
        return self.old_parent is not None or self.new_parent is not None

    @property
    def is_moved(self) -> bool:
        return self.parent_changed or self.reordered


@dataclass
class KindSummary:
    kind: str
    label: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    moved: int = 0
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)


@dataclass
class AreaGroup:
    area: Ref
    change: ItemChange | None
    actions: list[ItemChange]


@dataclass
class PolicyGroup:
    policy: Ref
    change: ItemChange | None
    areas: list[AreaGroup]

    @property
    def change_count(self) -> int:
        """How many items of this policy changed: itself, its action areas and actions."""
        return (
            (self.change is not None)
            + sum(area.change is not None for area in self.areas)
            + sum(len(area.actions) for area in self.areas)
        )


@dataclass
class Comparison:
    old: PlanVersion | None
    new: PlanVersion | None
    summary: list[KindSummary]
    tools: list[ItemChange]
    targets: list[ItemChange]
    policies: list[PolicyGroup]
    changes: dict[str, dict[str, ItemChange]]  # kind → key → change, in page order

    @property
    def has_changes(self) -> bool:
        return any(self.changes[kind] for kind in KINDS)

    @property
    def catalogues(self) -> list[dict]:
        """The changes to the catalogues of tools and targets, with their headings."""
        labels = {row.kind: row.label for row in self.summary}
        return [
            {"id": "strumenti", "label": labels[TOOL], "changes": self.tools},
            {"id": "destinatari", "label": labels[TARGET], "changes": self.targets},
        ]

    def of_kind(self, kind: str) -> list[ItemChange]:
        return list(self.changes[kind].values())


# The engine.


@dataclass(frozen=True)
class _Entry:
    item: dict
    parent: str | None  # key of the policy (area) or area (action); None otherwise
    order: int  # place in the version, in reading order


def _flatten(snapshot: dict) -> dict[str, dict[str, _Entry]]:
    flat: dict[str, dict[str, _Entry]] = {kind: {} for kind in KINDS}
    for kind, items in ((TOOL, snapshot["tools"]), (TARGET, snapshot["targets"])):
        for order, item in enumerate(items):
            flat[kind][item["key"]] = _Entry(item, None, order)
    for policy in snapshot["policies"]:
        flat[POLICY][policy["key"]] = _Entry(policy, None, len(flat[POLICY]))
        for area in policy["action_areas"]:
            flat[ACTION_AREA][area["key"]] = _Entry(area, policy["key"], len(flat[ACTION_AREA]))
            for action in area["actions"]:
                flat[ACTION][action["key"]] = _Entry(action, area["key"], len(flat[ACTION]))
    return flat


def _title(kind: str, item: dict) -> str:
    return item["name"] if kind in (TOOL, TARGET) else item["title"]


def _ref(kind: str, item: dict, in_new: bool = True) -> Ref:
    return Ref(kind, item["key"], item["code"], _title(kind, item), in_new)


def _reordered(old_flat: dict[str, _Entry], new_flat: dict[str, _Entry]) -> set[str]:
    """Keys of the items that kept their parent but changed place among the siblings that are in
    both versions: those outside a longest run kept in the same relative order."""
    siblings: dict[str | None, list[tuple[int, str]]] = {}
    for key, entry in new_flat.items():  # reading order of the newer version
        old = old_flat.get(key)
        if old is not None and old.parent == entry.parent:
            siblings.setdefault(entry.parent, []).append((old.order, key))
    moved = set()
    for items in siblings.values():
        moved.update(_outside_longest_increasing_run(items))
    return moved


def _outside_longest_increasing_run(items: list[tuple[int, str]]) -> list[str]:
    """``items`` are (old place, key) in the new order; the keys not in a longest subsequence of
    increasing old places. O(n log n)."""
    tails: list[int] = []  # tails[k]: old place ending the best run of length k + 1
    tail_index: list[int] = []  # index in ``items`` of that tail
    previous: list[int] = [-1] * len(items)
    for index, (place, _key) in enumerate(items):
        k = bisect_left(tails, place)
        if k == len(tails):
            tails.append(place)
            tail_index.append(index)
        else:
            tails[k] = place
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    kept = set()
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        kept.add(index)
        index = previous[index]
    return [key for index, (_place, key) in enumerate(items) if index not in kept]


class _Names:
    """Display names for the values of an action's relations."""

    def __init__(self, old_flat, new_flat, zone_names, table_names):
        self.flats = (old_flat, new_flat)
        self.zone_names = zone_names
        self.table_names = table_names

    def __call__(self, relation: str, values, newer: bool) -> list[str]:
        flat = self.flats[1 if newer else 0]
        if relation in ("tools", "targets"):
            kind = TOOL if relation == "tools" else TARGET
            entries = [flat[kind].get(value) for value in values]
            known = sorted((e for e in entries if e is not None), key=lambda e: e.order)
            # a tool's or a target's code (S4, D1) means nothing to a reader: its name does
            return [e.item["name"] for e in known]
        if relation == "zones":
            return [self.zone_names.get(n, str(n)) for n in sorted(values)]
        return sorted(self.table_names.get(slug, slug) for slug in values)


class _Words:
    """What a comparison writes in the active language, read once per comparison: the field
    labels, the names of related items, the labels of the word diff, and the locale's month
    names and number separators (formatting thousands of values one by one through Django's
    ``date_format`` and ``number_format`` looked the same settings up each time)."""

    def __init__(self, names: _Names):
        self.names = names
        self.labels = {
            kind: {
                name: capfirst(str(MODELS[kind]._meta.get_field(name).verbose_name))
                for name, _type in FIELDS[kind]
            }
            for kind in KINDS
        }
        self.diff_labels = _labels()
        self.shown: dict[tuple[str, str], str] = {}  # (field, value) → as shown
        self.months = {number: str(month) for number, month in MONTHS_ALT.items()}
        language = get_language()
        self.number_format = {
            "decimal_sep": get_format("DECIMAL_SEPARATOR", language),
            "grouping": get_format("NUMBER_GROUPING", language),
            "thousand_sep": get_format("THOUSAND_SEPARATOR", language),
        }

    def display(self, name: str, value: str) -> str:
        """A value as a reader expects it: dates in words (``date_format(date, "j E Y")``),
        euro amounts with separators (``number_format(amount, 2, force_grouping=True)``)."""
        if not value or name not in DISPLAYED:
            return value
        shown = self.shown.get((name, value))
        if shown is None:
            shown = self.shown[name, value] = self._display(name, value)
        return shown

    def _display(self, name: str, value: str) -> str:
        if name in ("start_date", "end_date"):
            date = datetime.date.fromisoformat(value)
            return f"{date.day} {self.months[date.month]} {date.year:04d}"
        # the budget: as stored (digits, two decimals) and grouped by three, Python's own
        # grouping gives the same as Django's loop, digit by digit, in a fraction of the time
        plain = _PLAIN_AMOUNT.fullmatch(value)
        if plain and self.number_format["grouping"] == 3:
            units = f"{int(plain[1]):,}".replace(",", self.number_format["thousand_sep"])
            return f"{units}{self.number_format['decimal_sep']}{plain[2]} €"
        amount = numberformat.format(
            Decimal(value), decimal_pos=2, force_grouping=True, use_l10n=True, **self.number_format
        )
        return f"{amount} €"


def _changed_fields(kind, old: dict, new: dict, words: _Words) -> list[FieldChange]:
    changes = []
    for name, type_ in FIELDS[kind]:
        before, after = old[name], new[name]
        if before == after:
            continue
        if name in MARKDOWN:
            before, after = markdown_to_text(before), markdown_to_text(after)
            if before == after:
                continue
        change = FieldChange(name, words.labels[kind][name], type_)
        if type_ == RELATION:
            before_set, after_set = set(before), set(after)
            change.added = words.names(name, after_set - before_set, newer=True)
            change.removed = words.names(name, before_set - after_set, newer=False)
        elif type_ == TEXT:
            change.diff = word_diff(before, after, words.diff_labels)
        else:
            change.old, change.new = words.display(name, before), words.display(name, after)
        changes.append(change)
    return changes


def _details(kind, item: dict, words: _Words, newer: bool) -> list[Detail]:
    details = []
    for name, type_ in FIELDS[kind]:
        if name in ("code", "title", "name"):
            continue  # in the heading
        value = item[name]
        if type_ == RELATION:
            value = ", ".join(words.names(name, value, newer=newer))
        value = words.display(name, value)
        if value:
            details.append(Detail(name, words.labels[kind][name], value, type_))
    return details


def compare_snapshots(
    old_snapshot: dict,
    new_snapshot: dict,
    *,
    zone_names: dict[int, str] | None = None,
    table_names: dict[str, str] | None = None,
    old: PlanVersion | None = None,
    new: PlanVersion | None = None,
) -> Comparison:
    """Compare two ``version_snapshot`` results. No queries."""
    old_flat, new_flat = _flatten(old_snapshot), _flatten(new_snapshot)
    words = _Words(_Names(old_flat, new_flat, zone_names or {}, table_names or {}))
    changes: dict[str, dict[str, ItemChange]] = {kind: {} for kind in KINDS}
    summary = []

    for kind in KINDS:
        olds, news = old_flat[kind], new_flat[kind]
        parent_kind = {ACTION_AREA: POLICY, ACTION: ACTION_AREA}.get(kind)
        reordered = _reordered(olds, news)
        counts = KindSummary(kind, capfirst(str(MODELS[kind]._meta.verbose_name_plural)))
        for key, entry in news.items():
            item = entry.item
            previous = olds.get(key)
            if previous is None:
                counts.added += 1
                changes[kind][key] = ItemChange(
                    kind,
                    key,
                    item["code"],
                    _title(kind, item),
                    "added",
                    details=_details(kind, item, words, newer=True),
                )
                continue
            change = ItemChange(
                kind,
                key,
                item["code"],
                _title(kind, item),
                "modified",
                old_code=previous.item["code"],
                fields=_changed_fields(kind, previous.item, item, words),
                reordered=key in reordered,
            )
            if previous.parent != entry.parent:
                change.old_parent = _ref(
                    parent_kind,
                    old_flat[parent_kind][previous.parent].item,
                    in_new=previous.parent in new_flat[parent_kind],
                )
                change.new_parent = _ref(parent_kind, new_flat[parent_kind][entry.parent].item)
            counts.changed += change.is_changed
            counts.moved += change.is_moved
            if change.is_changed or change.is_moved:
                changes[kind][key] = change
            else:
                counts.unchanged += 1
        for key, entry in olds.items():
            if key not in news:
                counts.removed += 1
                item = entry.item
                changes[kind][key] = ItemChange(
                    kind,
                    key,
                    item["code"],
                    _title(kind, item),
                    "removed",
                    details=_details(kind, item, words, newer=False),
                )
        summary.append(counts)

    return Comparison(
        old=old,
        new=new,
        summary=summary,
        tools=list(changes[TOOL].values()),
        targets=list(changes[TARGET].values()),
        policies=_by_policy(old_flat, new_flat, changes),
        changes=changes,
    )


def _home(kind, key, old_flat, new_flat) -> str:
    """The parent an item is shown under: its parent in the newer version, or in the older one
    when it was removed."""
    entry = new_flat[kind].get(key) or old_flat[kind][key]
    return entry.parent


def _in_reading_order(kind, old_flat, new_flat) -> list[str]:
    """Keys of the newer version in reading order, then the removed ones in their old order."""
    news = new_flat[kind]
    return [*news, *(key for key in old_flat[kind] if key not in news)]


def _heading(kind, key, old_flat, new_flat) -> Ref:
    entry = new_flat[kind].get(key)
    if entry is not None:
        return _ref(kind, entry.item)
    return _ref(kind, old_flat[kind][key].item, in_new=False)


def _by_policy(old_flat, new_flat, changes) -> list[PolicyGroup]:
    """The changed policies, areas and actions, policy by policy and area by area, in the reading
    order of the newer version; removed items where they stood in the older one."""
    actions_by_area: dict[str, list[ItemChange]] = {}
    for key in _in_reading_order(ACTION, old_flat, new_flat):
        change = changes[ACTION].get(key)
        if change is not None:
            area = _home(ACTION, key, old_flat, new_flat)
            actions_by_area.setdefault(area, []).append(change)
    areas_by_policy: dict[str, list[AreaGroup]] = {}
    for key in _in_reading_order(ACTION_AREA, old_flat, new_flat):
        change, actions = changes[ACTION_AREA].get(key), actions_by_area.get(key, [])
        if change is not None or actions:
            policy = _home(ACTION_AREA, key, old_flat, new_flat)
            group = AreaGroup(_heading(ACTION_AREA, key, old_flat, new_flat), change, actions)
            areas_by_policy.setdefault(policy, []).append(group)
    groups = []
    for key in _in_reading_order(POLICY, old_flat, new_flat):
        change, areas = changes[POLICY].get(key), areas_by_policy.get(key, [])
        if change is not None or areas:
            groups.append(PolicyGroup(_heading(POLICY, key, old_flat, new_flat), change, areas))
    return groups


def cached_comparison(old: PlanVersion, new: PlanVersion) -> Comparison:
    """``compare_versions(old, new)``, for two frozen versions computed once per pair of
    fingerprints and language and kept for good as data (their content never changes); the
    pages of the comparison are rendered from it. With a draft it is computed every time."""
    comparison = frozen_fragment(
        "comparison", lambda: replace(compare_versions(old, new), old=None, new=None), old, new
    )
    return replace(comparison, old=old, new=new)


def compare_versions(old: PlanVersion, new: PlanVersion) -> Comparison:
    """What changes from ``old`` to ``new``. Runs a fixed number of queries whatever the size of
    the versions: the nine of ``version_snapshots``, which read both versions together and
    name the zones and tables their actions refer to."""
    names = {}
    old_snapshot, new_snapshot = version_snapshots([old, new], names=names)
    return compare_snapshots(
        old_snapshot,
        new_snapshot,
        zone_names=names["zones"],
        table_names=names["tables"],
        old=old,
        new=new,
    )
