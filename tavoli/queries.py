"""Reads for the public pages of the tables and the contributions ("you said, we did"). Each
function runs a fixed number of queries whatever the number of tables or contributions.

Actions a contribution led to are shown only when their plan version is public: a draft's
content is never visible on the public site, not even its codes."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from incontri.models import Meeting
from matrice.models import Action, Policy
from patto.core.exceptions import NotFound
from patto.models import ActionMonitoring, PlanVersion, Programme
from tavoli.models import (
    ANSWERED_STATUSES,
    Comment,
    Contribution,
    ContributionStatus,
    Moderation,
    TableMembership,
    ThematicTable,
)


@dataclass
class OutcomeCount:
    status: str
    label: str
    count: int


@dataclass
class OutcomeCounts:
    """How many contributions have each outcome (every status is present, zeros included)."""

    by_status: dict = field(default_factory=dict)  # status -> count

    @classmethod
    def from_pairs(cls, pairs):
        by_status = dict.fromkeys(ContributionStatus.values, 0)
        for status, count in pairs:
            by_status[status] = by_status.get(status, 0) + count
        return cls(by_status)

    @classmethod
    def of(cls, contributions):
        return cls.from_pairs((c.status, 1) for c in contributions)

    @property
    def total(self):
        return sum(self.by_status.values())

    @property
    def answered(self):
        return sum(self.by_status[s] for s in ANSWERED_STATUSES)

    @property
    def waiting(self):
        return self.total - self.answered

    def __iter__(self):
        labels = dict(ContributionStatus.choices)
        for status, count in self.by_status.items():
            yield OutcomeCount(status, labels[status], count)

    def nonzero(self):
        return [item for item in self if item.count]


def outcome_counts(contributions: QuerySet) -> OutcomeCounts:
    """Counts by outcome of a queryset of contributions. One query."""
    pairs = contributions.order_by().values_list("status").annotate(n=Count("pk"))
    return OutcomeCounts.from_pairs(pairs)


def public_actions_prefetch() -> Prefetch:
    """The actions a contribution led to, only those of public versions, as ``public_actions``,
    each with where it stands (``monitoring_state``, ``monitoring_progress``: "you said, we
    did, and this is where it stands"). One query for any number of contributions."""
    return Prefetch(
        "led_to",
        queryset=Action.objects.filter(version__in=PlanVersion.objects.public())
        .annotate(**ActionMonitoring.objects.where_it_stands())
        .select_related("version__programme")
        .order_by("version__number", "position", "code"),
        to_attr="public_actions",
    )


def programme_with_tables_flag(slug: str) -> Programme:
    """The programme at ``slug`` (404 if none), with ``has_tables``: whether it has thematic
    tables (the Piano Sociale Metropolitano has none), so the contribution list offers a table
    filter only when there is one to choose. One query."""
    tables = ThematicTable.objects.filter(programme=OuterRef("pk"))
    return get_object_or_404(Programme.objects.annotate(has_tables=Exists(tables)), slug=slug)


def contributions_of(programme: Programme) -> QuerySet:
    """The programme's contributions the public lists, counts and open data include: those
    recorded by staff and the online ones approved by moderation."""
    return Contribution.objects.approved().filter(programme=programme)


def contributions_for_display(programme: Programme) -> QuerySet:
    """A programme's contributions with everything their public card shows: table, meeting, body
    and the actions (of public versions) they led to. Newest first; undated ones last."""
    return (
        contributions_of(programme)
        .select_related("table__phase", "meeting", "body", "version")
        .prefetch_related(public_actions_prefetch())
        .order_by(F("submitted_on").desc(nulls_last=True), "-id")
    )


def tables_overview(programme: Programme) -> list[ThematicTable]:
    """The programme's tables in timeline order, each with ``member_count`` and ``outcomes``
    (an :class:`OutcomeCounts`). Two queries."""
    tables = list(
        ThematicTable.objects.filter(programme=programme)
        .select_related("phase")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by(F("phase__position").asc(nulls_last=True), "position", "title")
    )
    pairs = (
        contributions_of(programme)
        .filter(table__isnull=False)
        .order_by()
        .values_list("table_id", "status")
        .annotate(n=Count("pk"))
    )
    per_table = {}
    for table_id, status, count in pairs:
        per_table.setdefault(table_id, []).append((status, count))
    for table in tables:
        table.outcomes = OutcomeCounts.from_pairs(per_table.get(table.pk, ()))
    return tables


def table_detail(programme: Programme, slug: str) -> ThematicTable:
    """One table of the programme with its members (``memberships``, body selected), the meetings
    that involved it and its contributions (``table_contributions``) and their ``outcomes``.
    Four queries. 404 if the programme has no such table."""
    table = (
        ThematicTable.objects.filter(programme=programme, slug=slug)
        .select_related("phase")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=TableMembership.objects.select_related("body").order_by("body__name"),
            ),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("province", "zone").order_by(
                    F("date").asc(nulls_last=True), "start_time", "title"
                ),
            ),
        )
        .first()
    )
    if table is None:
        raise NotFound(_("Tavolo non trovato."))
    table.programme = programme
    table.table_contributions = list(contributions_for_display(programme).filter(table=table))
    table.outcomes = OutcomeCounts.of(table.table_contributions)
    return table


def contribution_detail(programme: Programme, pk: int, user) -> Contribution:
    """One contribution of the programme as ``user`` may see it (approved; hidden, shown by
    its reason only; or their own waiting for moderation), with its table, meeting, body,
    public actions, comments and what it is about. Three queries, plus one or two for an
    online contribution's target. 404 if there is no such contribution for ``user``."""
    contribution = (
        Contribution.objects.visible_to(user)
        .filter(programme=programme, pk=pk)
        .select_related("table__phase", "meeting", "body", "version")
        .prefetch_related(public_actions_prefetch(), comments_prefetch(user))
        .first()
    )
    if contribution is None:
        raise NotFound(_("Contributo non trovato."))
    with_targets([contribution])
    return contribution


# Online contributions on the pages of what they are about -----------------------------------


def comments_prefetch(user) -> Prefetch:
    """A contribution's comments ``user`` may see, oldest first, as ``visible_comments``."""
    return Prefetch(
        "comments",
        queryset=Comment.objects.visible_to(user).order_by("created_at", "id"),
        to_attr="visible_comments",
    )


def consultation_contributions(programme: Programme, user) -> QuerySet:
    """Contributions of ``programme`` for the pages of what they are about, as ``user`` may
    see them, with body, public actions and visible comments. Oldest first, like a
    discussion."""
    return (
        Contribution.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("body")
        .prefetch_related(public_actions_prefetch(), comments_prefetch(user))
        .order_by("created_at", "id")
    )


# How many contributions the page of what they are about shows (the latest, oldest first, so one
# just sent is there); all of them are on the page of that item's contributions, a part at a time.
SHOWN_CONTRIBUTIONS = 10


@dataclass
class Discussion:
    """The contributions about one item (a version as a whole, a policy, an action) a page
    shows: the latest ``SHOWN_CONTRIBUTIONS`` of them, oldest first, and how many there are."""

    contributions: list = field(default_factory=list)
    total: int = 0

    def __iter__(self):
        return iter(self.contributions)

    def __len__(self):
        return len(self.contributions)

    def __bool__(self):
        return bool(self.contributions)

    @property
    def hidden(self) -> int:
        """How many are not shown (on the page of the item's contributions)."""
        return self.total - len(self.contributions)


def _latest(rows: QuerySet, section: str | None) -> dict:
    """The latest ``SHOWN_CONTRIBUTIONS`` of ``rows`` by value of the field ``section`` (all of
    them as one when None), each a :class:`Discussion`: one query for the rows and their
    counts (window functions), plus the prefetches for the rows shown."""
    partition = {"partition_by": F(section)} if section else {}
    ranked = rows.annotate(
        place=Window(RowNumber(), order_by=[F("created_at").desc(), F("id").desc()], **partition),
        section_total=Window(Count("id"), **partition),
    ).filter(place__lte=SHOWN_CONTRIBUTIONS)
    found = {}
    for contribution in ranked:
        discussion = found.setdefault(
            getattr(contribution, section) if section else None,
            Discussion(total=contribution.section_total),
        )
        discussion.contributions.append(contribution)
    for discussion in found.values():
        discussion.contributions.sort(key=lambda c: (c.created_at, c.pk))
    return found


def contributions_on_version(version: PlanVersion, policies, user) -> dict:
    """For a version's page: ``"whole"`` (about the version as a whole) and, for each of
    ``policies`` (those the page shows) by key, the contributions about that policy made on this
    version or an earlier one (so they follow the policy into later versions, never back into
    earlier ones): each a :class:`Discussion` of the latest. Three queries."""
    keys = [p.key for p in policies]
    rows = consultation_contributions(version.programme, user).filter(
        Q(version=version, policy_key__isnull=True, action_key__isnull=True)
        | Q(policy_key__in=keys, version__number__lte=version.number)
    )
    found = _latest(rows, "policy_key")
    whole = found.pop(None, Discussion())
    return {"whole": whole, "by_policy": found}


def contributions_on_action(action: Action, user) -> Discussion:
    """Contributions about ``action`` (by its stable key) made on its version or an earlier
    one: a :class:`Discussion` of the latest. Three queries."""
    return _latest(contributions_about(action.version, user, action=action), None).get(
        None, Discussion()
    )


def contributions_about(version: PlanVersion, user, *, policy=None, action=None) -> QuerySet:
    """All the contributions about ``action``, ``policy`` or (neither) ``version`` as a whole
    that ``user`` may see, oldest first: those the page of the item shows and the rest (the
    page of the item's contributions)."""
    rows = consultation_contributions(version.programme, user)
    if action is not None:
        return rows.filter(action_key=action.key, version__number__lte=version.number)
    if policy is not None:
        return rows.filter(policy_key=policy.key, version__number__lte=version.number)
    return rows.filter(version=version, policy_key__isnull=True, action_key__isnull=True)


def with_targets(contributions) -> None:
    """Set ``target`` on each online contribution: the policy or action (of the version it was
    about) it names, or None for the version as a whole. One query per kind of target present,
    none when there is no online contribution."""
    online = [c for c in contributions if c.version_id]
    policy_keys = {c.policy_key for c in online if c.policy_key}
    action_keys = {c.action_key for c in online if c.action_key}
    version_ids = {c.version_id for c in online}
    items = {}
    if policy_keys:
        for policy in Policy.objects.filter(version_id__in=version_ids, key__in=policy_keys):
            items[(policy.version_id, policy.key)] = policy
    if action_keys:
        for action in Action.objects.filter(version_id__in=version_ids, key__in=action_keys):
            items[(action.version_id, action.key)] = action
    for contribution in contributions:
        key = contribution.policy_key or contribution.action_key
        contribution.target = items.get((contribution.version_id, key)) if key else None


def contribution_search(text: str, *, private_names: bool = False) -> Q:
    """Every word of ``text`` in the title, text, response, author's name or body's name. The
    public search finds an author's name only where it is public (a name kept private must not
    be found by searching for it); the redazione's (``private_names``) finds any."""
    q = Q()
    for word in text.split():
        name = Q(author_name__icontains=word)
        q &= (
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(response__icontains=word)
            | (name if private_names else name & Q(signed_publicly=True))
            | Q(body__name__icontains=word)
            | Q(body_name__icontains=word)
        )
    return q


def answered_for_feed(programme: Programme, limit: int) -> list[Contribution]:
    """The ``limit`` public contributions of ``programme`` answered last (an outcome given, on a
    recorded day), with where they were made and the actions of public versions they led to.
    Public as the lists are: approved, so neither waiting for moderation nor hidden. Two
    queries."""
    contributions = list(
        contributions_of(programme)
        .answered()
        .filter(answered_at__isnull=False)
        .select_related("table", "meeting", "body", "version")
        .prefetch_related(public_actions_prefetch())
        .order_by("-answered_at", "-pk")[:limit]
    )
    for contribution in contributions:
        contribution.programme = programme
    return contributions


def opendata_dates() -> dict[int, tuple]:
    """For each programme, when the contributions its open data has or had (approved ones, and
    hidden or withdrawn ones: hiding or withdrawing one changes the file) were first recorded
    and last changed:
    ``{programme_id: (first, last)}``. One query."""
    rows = (
        Contribution.objects.filter(
            moderation__in=(Moderation.APPROVED, Moderation.HIDDEN, Moderation.WITHDRAWN)
        )
        .order_by()
        .values("programme_id")
        .annotate(first=Min("created_at"), last=Max("updated_at"))
    )
    return {row["programme_id"]: (row["first"], row["last"]) for row in rows}
