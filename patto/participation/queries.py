"""What the participation pages count, read with aggregations: each property of
:class:`Counts` is one query (a ``GROUP BY``, or conditional ``Count``\\ s in one row), read only
when a page or a CSV needs it and then kept, so a page runs the same number of queries whatever
the number of contributions, comments, meetings, registrations or versions.

Only what the public site shows is counted:

- contributions: those the public lists count (``tavoli.queries.contributions_of``: recorded by
  the redazione, or online and approved by moderation); one waiting for moderation, hidden by
  the redazione or withdrawn by its author is not counted anywhere;
- comments: approved ones, on those contributions;
- meetings: every meeting (all are public), with the registrations' counts (never who);
- decisions of the zones: on public versions only (a draft has none; a withdrawn proposal's
  decisions stay in its public record, so they are counted).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.functional import cached_property

from incontri.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    past_condition,
)
from patto.models import ActorCategory, Decision, PlanVersion, Programme, Validation
from tavoli.models import (
    ANSWERED_STATUSES,
    Comment,
    Contribution,
    ContributionChannel,
    ContributionStatus,
    ThematicTable,
)
from tavoli.queries import contributions_of
from zone.models import Zone

# How long a contribution waited for its answer, or has been waiting: the upper bound of each
# span in days (None: no bound).
SPANS = (30, 90, 180, 365, None)

# An answer or a wait whose start is not known: no presentation date was recorded, or (for an
# answer) no date of the answer.
UNKNOWN = "unknown"


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of ``queryset`` have ``field`` equal to the outer row's pk: a correlated
    subquery, so the outer query reads one number per row and joins nothing."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class Named:
    """A row of a ``GROUP BY``: what it counts and how many."""

    label: str
    count: int
    slug: str = ""


class Counts:
    """The numbers of one programme, or of every programme (``programme=None``), on ``today``
    (a contribution's wait is counted up to today)."""

    def __init__(self, programme: Programme | None = None, *, today: datetime.date | None = None):
        self.programme = programme
        self.today = today or timezone.localdate()

    # what is counted (no query) ----------------------------------------------------------------

    @cached_property
    def contributions(self) -> QuerySet:
        if self.programme is not None:
            return contributions_of(self.programme)
        return Contribution.objects.approved()

    @property
    def meetings(self) -> QuerySet:
        if self.programme is not None:
            return Meeting.objects.filter(programme=self.programme)
        return Meeting.objects.all()

    @property
    def versions(self) -> QuerySet:
        versions = PlanVersion.objects.public()
        if self.programme is not None:
            versions = versions.filter(programme=self.programme)
        return versions

    # one query each ----------------------------------------------------------------------------

    @cached_property
    def totals(self) -> dict:
        """One row of conditional counts: every contribution by channel, actor category,
        outcome, kind of meeting, with or without a table and a zone, and the unanswered ones
        by how long they have been waiting. Keys: ``total``, ``channel:<code>``,
        ``category:<code>`` (``category:`` with no category), ``status:<code>``,
        ``meeting:<kind>`` (``meeting:`` at no meeting), ``no_table``, ``no_zone``,
        ``waiting:<days>`` (the span's bound, ``waiting:None`` beyond the last, and
        ``waiting:unknown``)."""
        conditions = {
            "total": Q(),
            "no_table": Q(table__isnull=True),
            "no_zone": Q(meeting__zone__isnull=True),
            "meeting:": Q(meeting__isnull=True),
        }
        for channel in ContributionChannel.values:
            conditions[f"channel:{channel}"] = Q(channel=channel)
        for category in ["", *ActorCategory.values]:
            conditions[f"category:{category}"] = Q(actor_category=category)
        for status in ContributionStatus.values:
            conditions[f"status:{status}"] = Q(status=status)
        for kind in MeetingKind.values:
            conditions[f"meeting:{kind}"] = Q(meeting__kind=kind)
        waiting = ~Q(status__in=ANSWERED_STATUSES)
        conditions[f"waiting:{UNKNOWN}"] = waiting & Q(submitted_on__isnull=True)
        newer_than = None
        for days in SPANS:
            span = waiting & Q(submitted_on__isnull=False)
            if days is not None:
                span &= Q(submitted_on__gte=self.today - datetime.timedelta(days=days))
            if newer_than is not None:
                span &= Q(submitted_on__lt=newer_than)
            conditions[f"waiting:{days}"] = span
            newer_than = self.today - datetime.timedelta(days=days) if days else None
        # aliases must be plain names: number them, and give back the keys
        aliases = {f"c{i}": key for i, key in enumerate(conditions)}
        row = self.contributions.aggregate(
            **{
                alias: Count("pk", filter=conditions[key]) if conditions[key] else Count("pk")
                for alias, key in aliases.items()
            }
        )
        return {key: row[alias] for alias, key in aliases.items()}

    @cached_property
    def answer_days(self) -> list[tuple[int, int]]:
        """For the answered contributions whose presentation and answer dates are known: how
        many days each waited (0 for an answer recorded before the presentation date), with how
        many contributions waited that long, shortest first."""
        waited = ExpressionWrapper(
            TruncDate("answered_at") - F("submitted_on"), output_field=DurationField()
        )
        rows = (
            self.contributions.filter(
                status__in=ANSWERED_STATUSES,
                answered_at__isnull=False,
                submitted_on__isnull=False,
            )
            .annotate(waited=waited)
            .order_by()
            .values("waited")
            .annotate(n=Count("pk"))
        )
        by_days: dict[int, int] = {}
        for row in rows:
            days = max(0, _days(row["waited"]))
            by_days[days] = by_days.get(days, 0) + row["n"]
        return sorted(by_days.items())

    @cached_property
    def by_table(self) -> list[Named]:
        """The programme's tables in their order, each with its contributions (none too)."""
        tables = (
            ThematicTable.objects.filter(programme=self.programme)
            .annotate(n=count_of(self.contributions, "table"))
            .order_by(F("phase__position").asc(nulls_last=True), "position", "title")
            .values_list("title", "n")
        )
        return [Named(title, n) for title, n in tables]

    @cached_property
    def by_programme(self) -> list[Named]:
        """Every programme in its order, with its contributions (none too)."""
        programmes = (
            Programme.objects.annotate(n=count_of(self.contributions, "programme"))
            .order_by("position", "title")
            .values_list("title", "n", "slug")
        )
        return [Named(title, n, slug) for title, n, slug in programmes]

    @cached_property
    def zones(self) -> list[dict]:
        """The zones that validate the programme (any programme, for the whole portal) or
        that have contributions or decisions, by number, each with ``number``, ``name``,
        ``contributions`` (made at a meeting of the zone), ``approved`` and ``changes`` (its
        decisions on public versions)."""
        decisions = Validation.objects.filter(version__in=self.versions)
        through = Programme.validating_zones.through.objects.all()
        if self.programme is not None:
            through = through.filter(programme=self.programme)
        contributions_here = self.contributions.filter(meeting__isnull=False).values(
            "meeting__zone"
        )
        zones = (
            Zone.objects.annotate(
                contributions=count_of(contributions_here, "meeting__zone"),
                approved=count_of(decisions.filter(decision=Decision.APPROVED), "zone"),
                changes=count_of(decisions.filter(decision=Decision.CHANGES_REQUESTED), "zone"),
                validating=count_of(through, "zone"),
            )
            .filter(
                Q(contributions__gt=0) | Q(approved__gt=0) | Q(changes__gt=0) | Q(validating__gt=0)
            )
            .order_by("number")
            .values("number", "name", "contributions", "approved", "changes", "validating")
        )
        return list(zones)

    @cached_property
    def contributions_by_month(self) -> dict[datetime.date, int]:
        """Contributions by the month they were presented (those with a date)."""
        rows = (
            self.contributions.filter(submitted_on__isnull=False)
            .annotate(month=TruncMonth("submitted_on"))
            .order_by()
            .values("month")
            .annotate(n=Count("pk"))
        )
        return {_month(row["month"]): row["n"] for row in rows}

    @cached_property
    def comments_by_month(self) -> dict[datetime.date, int]:
        """Published comments on counted contributions, by the month they were written (in
        Italian time)."""
        rows = (
            Comment.objects.approved()
            .filter(contribution__in=self.contributions)
            .annotate(month=TruncMonth("created_at"))
            .order_by()
            .values("month")
            .annotate(n=Count("pk"))
        )
        months: dict[datetime.date, int] = {}
        for row in rows:
            month = _month(row["month"])
            months[month] = months.get(month, 0) + row["n"]
        return months

    @cached_property
    def meetings_by_kind(self) -> list[dict]:
        """Meetings by kind and state (``held``, ``ahead``, ``cancelled``, and ``unrecorded``:
        behind us, still scheduled, never recorded as held), with the participants recorded for
        the held ones (``participants``: their sum; ``with_participants``: how many held
        meetings have the number)."""
        is_past = Case(
            When(past_condition(self.today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        held = Q(status=MeetingStatus.HELD)
        rows = (
            self.meetings.annotate(is_past=is_past)
            .order_by()
            .values("kind", "status", "is_past")
            .annotate(
                n=Count("pk"),
                participants=Sum("attendance", filter=held),
                with_participants=Count("attendance", filter=held),
            )
        )
        return list(rows)

    @cached_property
    def registrations_by_kind(self) -> list[dict]:
        """Registrations by kind of meeting and whether the meeting was held: ``confirmed``,
        ``waiting`` (on the waiting list), ``present`` and ``absent`` (as the redazione
        recorded them for held meetings; ``unrecorded``: confirmed, presence not recorded)."""
        confirmed = Q(status=RegistrationStatus.CONFIRMED)
        rows = (
            Registration.objects.filter(meeting__in=self.meetings)
            .annotate(
                held=Case(
                    When(meeting__status=MeetingStatus.HELD, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by()
            .values("meeting__kind", "held")
            .annotate(
                confirmed=Count("pk", filter=confirmed),
                waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
                present=Count("pk", filter=Q(attended=True)),
                absent=Count("pk", filter=Q(attended=False)),
                unrecorded=Count("pk", filter=confirmed & Q(attended__isnull=True)),
            )
        )
        return list(rows)

    @cached_property
    def version_decisions(self) -> list[dict]:
        """The public versions (by programme and number), each with ``approved`` and
        ``changes`` (its zones' decisions) and ``zones`` (how many zones validate its programme
        now: those that did not decide are the rest)."""
        decisions = Validation.objects.all()
        through = Programme.validating_zones.through.objects.all()
        rows = (
            self.versions.annotate(
                approved=count_of(decisions.filter(decision=Decision.APPROVED), "version"),
                changes=count_of(decisions.filter(decision=Decision.CHANGES_REQUESTED), "version"),
                zones=Coalesce(
                    Subquery(
                        through.filter(programme=OuterRef("programme"))
                        .order_by()
                        .values("programme")
                        .annotate(n=Count("pk"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    Value(0),
                ),
            )
            .order_by("programme__position", "programme__title", "number")
            .values("programme__title", "number", "status", "approved", "changes", "zones")
        )
        return list(rows)


def _days(value) -> int:
    """A number of days from what the database gives for a difference of dates: a
    ``timedelta``, or a number of days (a backend that returns integers)."""
    if isinstance(value, datetime.timedelta):
        return value.days
    return int(value)


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def median(pairs: list[tuple[int, int]]) -> float | None:
    """The median of values given as ``(value, how many times)``, sorted by value."""
    count = sum(n for _, n in pairs)
    if not count:
        return None
    middle = [(count - 1) // 2, count // 2]  # the one or two middle positions, from 0
    found = []
    seen = 0
    for value, n in pairs:
        while middle and middle[0] < seen + n:
            found.append(value)
            middle.pop(0)
        seen += n
    return sum(found) / len(found)
