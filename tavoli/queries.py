"""Reads for the public pages of the tables and the contributions ("you said, we did"). Each
function runs a fixed number of queries whatever the number of tables or contributions.

Actions a contribution led to are shown only when their plan version is public: a draft's
content is never visible on the public site, not even its codes."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from incontri.models import Meeting
from matrice.models import Action
from patto.models import PlanVersion, Programme
from tavoli.models import (
    ANSWERED_STATUSES,
    Contribution,
    ContributionStatus,
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
    """The actions a contribution led to, only those of public versions, as ``public_actions``.
    One query for any number of contributions."""
    return Prefetch(
        "led_to",
        queryset=Action.objects.filter(version__in=PlanVersion.objects.public())
        .select_related("version__programme")
        .order_by("version__number", "position", "code"),
        to_attr="public_actions",
    )


def contributions_of(programme: Programme) -> QuerySet:
    return Contribution.objects.filter(programme=programme)


def contributions_for_display(programme: Programme) -> QuerySet:
    """A programme's contributions with everything their public card shows: table, meeting, body
    and the actions (of public versions) they led to. Newest first; undated ones last."""
    return (
        contributions_of(programme)
        .select_related("table__phase", "meeting", "body")
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
        Contribution.objects.filter(programme=programme, table__isnull=False)
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
        raise Http404(_("Tavolo non trovato."))
    table.programme = programme
    table.table_contributions = list(contributions_for_display(programme).filter(table=table))
    table.outcomes = OutcomeCounts.of(table.table_contributions)
    return table


def contribution_detail(programme: Programme, pk: int) -> Contribution:
    """One contribution of the programme, with its table, meeting, body and public actions.
    Two queries. 404 if the programme has no such contribution."""
    contribution = contributions_for_display(programme).filter(pk=pk).first()
    if contribution is None:
        raise Http404(_("Contributo non trovato."))
    return contribution


def contribution_search(text: str) -> Q:
    """Every word of ``text`` in the title, text, response, author's chosen name or body name."""
    q = Q()
    for word in text.split():
        q &= (
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(response__icontains=word)
            | Q(author_name__icontains=word)
            | Q(body__name__icontains=word)
        )
    return q
