"""Reads of a version's content for the public pages. Each function runs a fixed number of
queries whatever the size of the version."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Prefetch, Subquery, Value
from django.utils.text import Truncator

from matrice.models import Action, ActionArea, Policy, Target, Tool
from tavoli.models import Contribution
from zone.models import Zone


def actions_with_relations(version):
    return (
        Action.objects.filter(version=version)
        .select_related("area", "area__policy")
        .prefetch_related(
            Prefetch("tools", queryset=Tool.objects.order_by("position", "code")),
            Prefetch("targets", queryset=Target.objects.order_by("position", "code")),
            "zones",
            "tables",
        )
        .order_by("area__policy__position", "area__position", "position", "code")
    )


def action_list(version):
    """The actions of ``version`` in reading order, with their action area and policy: the
    action list's queryset, before its filters. Their tools, targets and zones are added to a
    page of them by ``label_actions``."""
    return (
        Action.objects.filter(version=version)
        .select_related("area", "area__policy")
        .order_by("area__policy__position", "area__position", "position", "code")
    )


def applies_in_zone(zone):
    """The condition of the actions that apply in ``zone``: those naming it and those naming no
    zone (they apply everywhere). Two ``EXISTS`` on the action–zone links, probed by index per
    action of the list: no join with ``OR zones IS NULL``, no ``DISTINCT`` over whole rows, and
    no query of its own (the list's count and page carry it)."""
    links = Action.zones.through.objects.filter(action_id=OuterRef("pk"))
    return Exists(links.filter(zone_id=zone.pk)) | ~Exists(links)


def label_actions(actions, *, tools, targets, zones) -> None:
    """Give each of ``actions`` the names of its tools, targets and zones as ``tool_names``,
    ``target_names`` and ``zone_names`` (joined strings), naming them from the given items
    (already read, for the filters): one query for the three relations."""
    ids = [action.pk for action in actions]
    relations = (
        ("tool_names", Action.tools.through, "tool_id", tools),
        ("target_names", Action.targets.through, "target_id", targets),
        ("zone_names", Action.zones.through, "zone_id", zones),
    )
    queries = [
        through.objects.filter(action_id__in=ids)
        .annotate(kind=Value(kind))
        .values_list("action_id", column, "kind")
        for kind, (_, through, column, _) in enumerate(relations)
    ]
    linked = {}
    for action_id, item_id, kind in queries[0].union(*queries[1:], all=True):
        linked.setdefault((action_id, kind), set()).add(item_id)
    for kind, (attribute, _, _, items) in enumerate(relations):
        for action in actions:
            chosen = linked.get((action.pk, kind), ())
            names = (_item_label(item) for item in items if item.pk in chosen)
            setattr(action, attribute, ", ".join(names))


def _item_label(item) -> str:
    if isinstance(item, Zone):
        return f"{item.number} {item.name}"
    return str(item)


def plan_tree(version) -> list[Policy]:
    """Policies → action areas → actions of ``version``, each action with its tools, targets
    and zones. Six queries."""
    actions = Prefetch(
        "actions",
        queryset=Action.objects.order_by("position", "code").prefetch_related(
            Prefetch("tools", queryset=Tool.objects.order_by("position", "code")),
            Prefetch("targets", queryset=Target.objects.order_by("position", "code")),
            "zones",
        ),
    )
    areas = Prefetch(
        "action_areas",
        queryset=ActionArea.objects.order_by("position", "code").prefetch_related(actions),
    )
    return list(
        Policy.objects.filter(version=version).order_by("position", "code").prefetch_related(areas)
    )


def plan_outline(version) -> list[dict]:
    """What the version page shows of ``version``: policies → action areas → actions, as plain
    dictionaries, each action with the names of its tools, targets and zones already joined.
    Three queries of plain rows (no model instances, no prefetch machinery), so a 1,000-action
    version is read in a few tens of milliseconds: the policies with their areas (one join),
    the actions, and the tools, targets and zones of every action (one union)."""
    policies = {}
    actions_of = {}
    for row in (
        Policy.objects.filter(version=version)
        .order_by("position", "code", "action_areas__position", "action_areas__code")
        .values_list(
            "pk",
            "key",
            "code",
            "title",
            "description",
            "action_areas__pk",
            "action_areas__code",
            "action_areas__title",
            "action_areas__description",
        )
    ):
        pk, key, code, title, description, area_pk, *area = row
        policy = policies.get(pk)
        if policy is None:
            policy = policies[pk] = {
                "pk": pk,
                "key": key,
                "code": code,
                "title": title,
                "description": description,
                "areas": [],
            }
        if area_pk is not None:  # a policy without areas has one row, with none
            area_code, area_title, area_description = area
            policy["areas"].append(
                {
                    "pk": area_pk,
                    "policy_id": pk,
                    "code": area_code,
                    "title": area_title,
                    "description": area_description,
                    "actions": actions_of.setdefault(area_pk, []),
                }
            )
    actions = {}
    for action in (
        Action.objects.filter(version=version)
        .order_by("position", "code")
        .values("pk", "area_id", "code", "title")
    ):
        action.update(tools=[], targets=[], zones=[])
        actions[action["pk"]] = action
        actions_of.setdefault(action["area_id"], []).append(action)
    # (action, relation, place, code, name): a zone's place is its number, and its label
    # "<number> <name>"
    relations = (
        Action.tools.through.objects.filter(action__version=version)
        .annotate(relation=Value("tools"))
        .values_list("action_id", "relation", "tool__position", "tool__code", "tool__name")
        .union(
            Action.targets.through.objects.filter(action__version=version)
            .annotate(relation=Value("targets"))
            .values_list(
                "action_id", "relation", "target__position", "target__code", "target__name"
            ),
            Action.zones.through.objects.filter(action__version=version)
            .annotate(relation=Value("zones"), code=Value(""))
            .values_list("action_id", "relation", "zone__number", "code", "zone__name"),
            all=True,
        )
    )
    for action_id, relation, place, code, name in relations:
        label = f"{place} {name}" if relation == "zones" else name
        actions[action_id][relation].append((place, code, label))
    for action in actions.values():
        for relation in ("tools", "targets", "zones"):
            action[relation] = ", ".join(label for *_, label in sorted(action[relation]))
    return list(policies.values())


# Up to this many actions a public matrix lists each cell's first ten actions; above it (the whole
# plan of a 1,000-action version, whose cells hold some forty each: 444 KB of HTML, the table and
# the narrow screen's view together) each cell says how many it holds and links to all of them,
# and the page offers the policies, whose matrices list them again. The version page shows one
# policy at a time above the same size (``patto.programme.views.ONE_POLICY_ABOVE``).
MATRIX_LISTS_UP_TO = 300


@dataclass
class Matrix:
    """Tools (rows) × targets (columns); each cell holds the actions that use that tool for that
    target."""

    tools: list
    targets: list
    cells: dict = field(default_factory=dict)  # (tool_pk, target_pk) -> [Action]
    action_count: int = 0

    @property
    def lists_actions(self) -> bool:
        """Whether the public page lists the actions in the cells, or only how many they are
        (``MATRIX_LISTS_UP_TO``)."""
        return self.action_count <= MATRIX_LISTS_UP_TO

    def rows(self):
        for tool in self.tools:
            yield (
                tool,
                [(target, self.cells.get((tool.pk, target.pk), [])) for target in self.targets],
            )

    def columns(self) -> list["MatrixColumn"]:
        """The matrix read one target at a time (the narrow screen's view): each target with
        the tools that have actions for it, each with those actions."""
        columns = []
        for target in self.targets:
            cells = [
                (tool, self.cells[tool.pk, target.pk])
                for tool in self.tools
                if self.cells.get((tool.pk, target.pk))
            ]
            columns.append(MatrixColumn(target, cells))
        return columns

    @property
    def empty_cells(self):
        return sum(
            1
            for tool in self.tools
            for target in self.targets
            if not self.cells.get((tool.pk, target.pk))
        )


@dataclass
class MatrixColumn:
    """A target and the matrix's cells for it that have actions: ``[(tool, [Action])]``."""

    target: Target
    cells: list

    @property
    def action_count(self) -> int:
        """How many actions are for this target, each once (whatever its tools)."""
        return len({action.pk for _tool, actions in self.cells for action in actions})


def build_matrix(version, policy: Policy | None = None) -> Matrix:
    """The tools × targets matrix of ``version`` (or of one of its policies). Five queries."""
    actions = Action.objects.filter(version=version).order_by("position", "code")
    if policy is not None:
        actions = actions.filter(area__policy=policy)
    actions = {a.pk: a for a in actions.only("pk", "code", "title", "version_id")}
    for action in actions.values():  # once per action, not once per cell it appears in
        action.short_title = Truncator(action.title).words(8)
    tool_links = Action.tools.through.objects.filter(action_id__in=actions.keys()).values_list(
        "action_id", "tool_id"
    )
    target_links = Action.targets.through.objects.filter(action_id__in=actions.keys()).values_list(
        "action_id", "target_id"
    )
    targets_of = {}
    for action_id, target_id in target_links:
        targets_of.setdefault(action_id, []).append(target_id)
    cells = {}
    for action_id, tool_id in tool_links:
        for target_id in targets_of.get(action_id, ()):
            cells.setdefault((tool_id, target_id), []).append(actions[action_id])
    for cell in cells.values():
        cell.sort(key=lambda a: a.code)
    tools = list(Tool.objects.filter(version=version).order_by("position", "code"))
    targets = list(Target.objects.filter(version=version).order_by("position", "code"))
    if policy is not None:  # only the rows and columns this policy uses
        used_tools = {tool_id for tool_id, _ in cells}
        used_targets = {target_id for _, target_id in cells}
        tools = [t for t in tools if t.pk in used_tools]
        targets = [t for t in targets if t.pk in used_targets]
    return Matrix(tools=tools, targets=targets, cells=cells, action_count=len(actions))


def action_detail(version, code) -> Action | None:
    """The action ``code`` of ``version`` with its action area and policy, and what its page
    lists of it in reading order: ``tool_list`` and ``target_list`` (code and name),
    ``zone_list`` (zones) and ``table_list`` (the thematic tables it came from). Two queries
    (one if there is no such action): the action, then its tools, targets, zones and tables in
    one union."""
    action = (
        Action.objects.filter(version=version, code=code)
        .select_related("area", "area__policy")
        .first()
    )
    if action is None:
        return None
    # (relation, place, subplace, code, name): what each relation is ordered by, then shown
    rows = (
        Action.tools.through.objects.filter(action=action)
        .annotate(relation=Value("tools"), subplace=Value(0))
        .values_list("relation", "tool__position", "subplace", "tool__code", "tool__name")
        .union(
            Action.targets.through.objects.filter(action=action)
            .annotate(relation=Value("targets"), subplace=Value(0))
            .values_list(
                "relation", "target__position", "subplace", "target__code", "target__name"
            ),
            Action.zones.through.objects.filter(action=action)
            .annotate(relation=Value("zones"), subplace=Value(0), code=Value(""))
            .values_list("relation", "zone__number", "subplace", "code", "zone__name"),
            Action.tables.through.objects.filter(action=action)
            .annotate(relation=Value("tables"), code=Value(""))
            .values_list(
                "relation",
                "thematictable__phase__position",
                "thematictable__position",
                "code",
                "thematictable__title",
            ),
            all=True,
        )
    )
    found = {"tools": [], "targets": [], "zones": [], "tables": []}
    for relation, place, subplace, item_code, name in rows:
        found[relation].append((place is None, place or 0, subplace, item_code, name))
    found = {relation: sorted(items) for relation, items in found.items()}
    action.tool_list = [SimpleNamespace(code=c, name=n) for *_, c, n in found["tools"]]
    action.target_list = [SimpleNamespace(code=c, name=n) for *_, c, n in found["targets"]]
    action.zone_list = [Zone(number=number, name=n) for _, number, _, _, n in found["zones"]]
    action.table_list = [SimpleNamespace(title=n) for *_, n in found["tables"]]
    return action


def has_action(programme_slug: str, number: int, code: str) -> Exists:
    """Whether a version has the item that is action ``code`` in version ``number`` of the
    programme (an action with the same stable key): an expression to annotate versions with."""
    key = Action.objects.filter(
        version__programme__slug=programme_slug, version__number=number, code=code
    ).values("key")[:1]
    return Exists(Action.objects.filter(version=OuterRef("pk"), key=Subquery(key)))


def contributions_behind(action):
    """Approved contributions that led to this action, in this or any version (matched by
    key)."""
    led_to = Contribution.led_to.through.objects.filter(
        contribution_id=OuterRef("pk"), action__key=action.key
    )
    return list(
        Contribution.objects.approved()
        .filter(Exists(led_to), programme_id=action.version.programme_id)
        .select_related("table", "meeting", "body")
        .order_by("-submitted_on", "-id")
    )
