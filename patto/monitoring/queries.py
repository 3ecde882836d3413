"""Reads of the monitoring of the plan in force, for the public pages: the overview of a
programme (``/programmi/<slug>/attuazione/``) and the block of an action's page. Only what is
public: published updates, the plan in force and the published versions before it; a proposal
or a draft has no monitoring.

An action with nothing recorded yet counts as not started, at 0%.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matrice.models import PLAN_ORDER, Action, Policy
from patto.core import charts
from patto.models import (
    ActionMonitoring,
    DroppedAction,
    ImplementationState,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    PlanVersion,
    Programme,
    UpdateAttachment,
    UpdateStatus,
    VersionStatus,
)

# How many actions are in a state: the states' names for counts ("3 in corso", "2 sospese").
COUNTED_STATES = {
    ImplementationState.NOT_STARTED: gettext_lazy("Non avviate"),
    ImplementationState.IN_PROGRESS: gettext_lazy("In corso"),
    ImplementationState.COMPLETED: gettext_lazy("Completate"),
    ImplementationState.SUSPENDED: gettext_lazy("Sospese"),
    ImplementationState.CANCELLED: gettext_lazy("Annullate"),
}

# The versions whose actions were (or are) carried out, and so have a monitoring to show.
MONITORED_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
LATEST_UPDATES = 5


def plan_in_force(programme: Programme) -> PlanVersion | None:
    """The programme's published version, or None. One query."""
    version = programme.versions.published().first()
    if version is not None:
        version.programme = programme
    return version


@dataclass
class Tally:
    """How a group of actions is going: how many in each state, their average progress, the
    money budgeted (where the plan says it), committed and spent."""

    actions: int = 0
    by_state: dict = field(default_factory=lambda: dict.fromkeys(ImplementationState.values, 0))
    progress_total: int = 0
    budget: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    def add(self, action) -> None:
        self.actions += 1
        self.by_state[action.monitoring_state] += 1
        self.progress_total += action.monitoring_progress
        monitoring = action.monitoring
        self.budget += action.budget or 0
        if monitoring is not None:
            self.committed += monitoring.committed or 0
            self.spent += monitoring.spent or 0

    @property
    def average_progress(self) -> int:
        return round(self.progress_total / self.actions) if self.actions else 0

    def states(self) -> list[tuple[str, str, int]]:
        """``(value, label, count)`` of each state, in the order of the states."""
        return [(s.value, COUNTED_STATES[s], self.by_state[s.value]) for s in ImplementationState]


@dataclass
class Group:
    """A policy or an action area of the plan with its actions and their :class:`Tally`."""

    item: object
    tally: Tally = field(default_factory=Tally)
    areas: list = field(default_factory=list)  # of a policy
    actions: list = field(default_factory=list)  # of an area

    @property
    def label(self) -> str:
        dot = "." if isinstance(self.item, Policy) else ""
        return f"{self.item.code}{dot} {self.item.title}"


@dataclass
class Overview:
    """The overview of the plan in force (its actions as filtered): the whole plan's
    :class:`Tally`, the policies with their areas and actions, and the charts."""

    version: PlanVersion
    total: Tally
    policies: list[Group]

    @property
    def actions(self) -> list:
        return [a for policy in self.policies for area in policy.areas for a in area.actions]

    def chart(self, slug: str) -> charts.Chart | None:
        builder = {
            "stati": self._states_chart,
            "avanzamento": self._progress_chart,
            "risorse": self._money_chart,
        }.get(slug)
        return builder() if builder else None

    def all_charts(self) -> dict[str, charts.Chart]:
        return {slug: self.chart(slug) for slug in CHARTS}

    def _states_chart(self) -> charts.Chart:
        return charts.Chart(
            slug="stati",
            title=_("Lo stato delle azioni, per politica"),
            description=_(
                "Per ogni politica, quante azioni non sono ancora avviate, quante sono in corso, "
                "completate, sospese o annullate."
            ),
            category=_("Politica"),
            series=[charts.Series(str(COUNTED_STATES[s])) for s in ImplementationState],
            rows=[
                charts.Row(p.label, tuple(p.tally.by_state[s] for s in ImplementationState.values))
                for p in self.policies
            ],
            kind=charts.STACKED,
            total_label=_("Azioni"),
            empty_text=_("Nessuna azione da contare."),
        )

    def _progress_chart(self) -> charts.Chart:
        return charts.Chart(
            slug="avanzamento",
            title=_("L'avanzamento medio, per politica"),
            description=_(
                "Per ogni politica, la media dell'avanzamento delle sue azioni, in percentuale "
                "(un'azione non ancora avviata conta 0)."
            ),
            category=_("Politica"),
            series=[charts.Series(_("Avanzamento medio (%)"))],
            rows=[charts.Row(p.label, (p.tally.average_progress,)) for p in self.policies],
            empty_text=_(
                "Nessuna azione è ancora andata avanti: l'avanzamento è fermo a zero ovunque."
            ),
        )

    def _money_chart(self) -> charts.Chart:
        # a plan that gives no budget has no "planned" bars: a row of zeros would read as "no
        # money planned", where the summary above says "not given"
        planned = any(p.tally.budget for p in self.policies)
        return charts.Chart(
            slug="risorse",
            title=_("Le risorse, per politica (euro)"),
            description=_(
                "Per ogni politica, le risorse previste dal piano per le sue azioni, quelle "
                "impegnate e quelle già spese, in euro arrotondati."
            )
            if planned
            else _(
                "Per ogni politica, le risorse impegnate e quelle già spese, in euro arrotondati. "
                "Il piano non indica le risorse previste."
            ),
            category=_("Politica"),
            series=[
                *([charts.Series(_("Previste"))] if planned else []),
                charts.Series(_("Impegnate")),
                charts.Series(_("Spese")),
            ],
            rows=[
                charts.Row(
                    p.label,
                    (
                        *([round(p.tally.budget)] if planned else []),
                        round(p.tally.committed),
                        round(p.tally.spent),
                    ),
                )
                for p in self.policies
            ],
            empty_text=_(
                "Il piano non indica risorse per queste azioni e non ne sono state spese."
            ),
        )


CHARTS = ("stati", "avanzamento", "risorse")


def monitoring_by_key(programme_id) -> dict:
    """The programme's :class:`ActionMonitoring` rows by action key. One query."""
    return {m.action_key: m for m in ActionMonitoring.objects.filter(programme_id=programme_id)}


def with_monitoring(actions, monitoring: dict) -> None:
    """Give each action its ``monitoring`` (or None), ``monitoring_state`` and
    ``monitoring_progress`` (not started and 0 when nothing is recorded)."""
    for action in actions:
        found = monitoring.get(action.key)
        action.monitoring = found
        action.monitoring_state = found.state if found else ImplementationState.NOT_STARTED
        action.monitoring_progress = found.progress if found else 0


def overview(version: PlanVersion, actions, monitoring: dict) -> Overview:
    """The overview of ``actions`` (a queryset of ``version``'s actions, filtered or not),
    grouped by policy and action area in the plan's order. One query (the actions), with
    ``monitoring`` read already (:func:`monitoring_by_key`)."""
    actions = list(actions.select_related("area__policy").order_by(*PLAN_ORDER))
    with_monitoring(actions, monitoring)
    total = Tally()
    policies: dict[int, Group] = {}
    areas: dict[int, Group] = {}
    for action in actions:
        action.version = version
        area = action.area
        policy = policies.get(area.policy_id)
        if policy is None:
            policy = policies[area.policy_id] = Group(area.policy)
        group = areas.get(area.pk)
        if group is None:
            group = areas[area.pk] = Group(area)
            policy.areas.append(group)
        group.actions.append(action)
        for tally in (total, policy.tally, group.tally):
            tally.add(action)
    return Overview(version=version, total=total, policies=list(policies.values()))


def latest_updates(version: PlanVersion, actions: list, *, limit: int = LATEST_UPDATES) -> list:
    """The latest published updates about ``actions`` (of the plan in force), newest first, each
    with its ``action``. One query."""
    by_key = {action.key: action for action in actions}
    if not by_key:
        return []
    updates = list(
        MonitoringUpdate.objects.filter(
            programme_id=version.programme_id,
            status=UpdateStatus.PUBLISHED,
            action_key__in=list(by_key),
        )
        .select_related("zone")
        .order_by("-happened_on", "-published_at", "-id")[:limit]
    )
    for update in updates:
        update.action = by_key[update.action_key]
    return updates


def dropped_actions(programme: Programme, monitoring: dict) -> list[DroppedAction]:
    """The actions a published version no longer has, newest first, each with ``action`` (as it
    was in the last version that had it, None if it cannot be found), the version that dropped
    it and where it stood (``monitoring``). Two queries (one when none was dropped)."""
    dropped = list(
        DroppedAction.objects.filter(programme=programme, dropped_in__status__in=MONITORED_STATUSES)
        .select_related("dropped_in", "last_version")
        .order_by("-dropped_in__number", "id")
    )
    if not dropped:
        return []
    actions = Action.objects.filter(
        version_id__in={d.last_version_id for d in dropped},
        key__in={d.action_key for d in dropped},
    )
    by_place = {(a.version_id, a.key): a for a in actions}
    for item in dropped:
        item.action = by_place.get((item.last_version_id, item.action_key))
        item.dropped_in.programme = programme
        item.last_version.programme = programme
        if item.action is not None:
            item.action.version = item.last_version
        item.monitoring = monitoring.get(item.action_key)
    return dropped


@dataclass
class IndicatorReading:
    """An indicator of an action with its values in date order and how far it is from its
    target."""

    indicator: MonitoringIndicator
    values: list

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def percent_of_target(self) -> int | None:
        """How much of the way from the starting value (0 when none is given) to the target
        the latest value has gone, in percent; None without a value or a way to go."""
        latest = self.latest
        if latest is None:
            return None
        start = self.indicator.baseline or Decimal(0)
        way = self.indicator.target - start
        if way == 0:
            return None
        return round((latest.value - start) / way * 100)


@dataclass
class ActionStanding:
    """Where an action of a published plan stands, for its page: ``monitoring`` (None when
    nothing was recorded yet), its published ``updates`` (newest first, each with its
    ``attachment_list``), its ``indicators`` (:class:`IndicatorReading`), and for an action
    of an archived version the :class:`DroppedAction` that took it out of the plan, if any."""

    action: Action
    monitoring: ActionMonitoring | None
    updates: list
    indicators: list
    dropped: DroppedAction | None = None

    @property
    def state(self) -> str:
        return self.monitoring.state if self.monitoring else ImplementationState.NOT_STARTED

    @property
    def progress(self) -> int:
        return self.monitoring.progress if self.monitoring else 0

    @property
    def has_money(self) -> bool:
        m = self.monitoring
        return self.action.budget is not None or (
            m is not None and (m.committed is not None or m.spent is not None)
        )

    def share_of_budget(self, amount) -> int | None:
        budget = self.action.budget
        if amount is None or not budget:
            return None
        return round(amount / budget * 100)

    @property
    def committed_share(self) -> int | None:
        return self.share_of_budget(self.monitoring.committed if self.monitoring else None)

    @property
    def spent_share(self) -> int | None:
        return self.share_of_budget(self.monitoring.spent if self.monitoring else None)


def action_standing(action: Action, version: PlanVersion) -> ActionStanding | None:
    """Where ``action`` (of ``version``) stands, by its stable key: None unless ``version`` is
    the plan in force or an archived published version. Five queries (six on an archived
    version), however many updates, attachments, indicators and values there are."""
    if version.status not in MONITORED_STATUSES:
        return None
    where = {"programme_id": version.programme_id, "action_key": action.key}
    monitoring = ActionMonitoring.objects.filter(**where).first()
    updates = list(
        MonitoringUpdate.objects.filter(**where, status=UpdateStatus.PUBLISHED)
        .select_related("zone")
        .order_by("-happened_on", "-published_at", "-id")
    )
    attachments = defaultdict(list)
    for attachment in UpdateAttachment.objects.filter(
        update__programme_id=version.programme_id,
        update__action_key=action.key,
        update__status=UpdateStatus.PUBLISHED,
    ).order_by("id"):
        attachments[attachment.update_id].append(attachment)
    for update in updates:
        update.attachment_list = attachments[update.pk]
    indicators = list(MonitoringIndicator.objects.filter(**where).order_by("position", "id"))
    values = defaultdict(list)
    for value in IndicatorValue.objects.filter(
        indicator__programme_id=version.programme_id, indicator__action_key=action.key
    ).order_by("measured_on"):
        values[value.indicator_id].append(value)
    dropped = None
    if version.status == VersionStatus.ARCHIVED:
        dropped = (
            DroppedAction.objects.filter(**where)
            .select_related("dropped_in")
            .order_by("-dropped_in__number")
            .first()
        )
    return ActionStanding(
        action=action,
        monitoring=monitoring,
        updates=updates,
        indicators=[IndicatorReading(i, values[i.pk]) for i in indicators],
        dropped=dropped,
    )
