"""Reads of meetings for the public pages, the calendars and the open data. Each function runs a
fixed number of queries whatever the number of meetings."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from incontri.models import (
    Meeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    past_condition,
)
from patto.models import Programme
from tavoli.models import ThematicTable


def meeting_list(today: datetime.date | None = None) -> QuerySet:
    """Every meeting, those still ahead first (by date, then the ones whose date is to be
    confirmed, by the end of their expected period), then the past ones, most recent first (a
    meeting whose date was never published at the end of its expected period). Each carries
    ``is_past``, as ``Meeting.objects.past()`` decides."""
    today = today or timezone.localdate()
    is_past = Case(
        When(past_condition(today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        Meeting.objects.select_related("programme", "province", "zone", "municipality")
        .annotate(is_past=is_past)
        .order_by(
            "is_past",
            # ahead: soonest first, "to be confirmed" last; past: latest first
            Case(When(is_past=False, then=F("date"))).asc(nulls_last=True),
            Case(When(is_past=False, then=F("expected_by"))).asc(nulls_last=True),
            Coalesce("date", "expected_by").desc(nulls_last=True),
            F("start_time").asc(nulls_first=True),
            "title",
            "pk",
        )
    )


def meeting_detail() -> QuerySet:
    """Meetings with everything their page shows: two queries for one meeting."""
    return Meeting.objects.select_related(
        "programme", "phase", "province", "zone", "municipality", "municipality__province"
    ).prefetch_related(
        Prefetch("tables", queryset=ThematicTable.objects.order_by("phase__position", "position"))
    )


def calendar_meetings(programme: Programme) -> list[Meeting]:
    """The programme's meetings that go in a calendar (``incontri.ical.in_calendars``): those
    with a date, and those whose date is to be confirmed again, at the last one published. In
    the calendar's order. One query."""
    return list(
        programme.meetings.filter(Q(date__isnull=False) | Q(previous_date__isnull=False))
        .select_related("programme", "municipality")
        .order_by(
            Coalesce("date", "previous_date"),
            Coalesce("start_time", "previous_start_time").asc(nulls_first=True),
            "title",
            "pk",
        )
    )


def opendata_meetings(programme: Programme | None = None) -> list[Meeting]:
    """Every meeting (of ``programme`` when given) with what the open data needs. Two queries."""
    meetings = Meeting.objects.select_related(
        "programme", "province", "zone", "municipality"
    ).prefetch_related(Prefetch("tables", queryset=ThematicTable.objects.order_by("slug")))
    if programme is not None:
        meetings = meetings.filter(programme=programme)
    return list(
        meetings.order_by(
            "programme__position", F("date").asc(nulls_last=True), "start_time", "title", "pk"
        )
    )


def programmes() -> list[Programme]:
    return list(Programme.objects.only("slug", "title").order_by("position", "title"))


@dataclass
class RegistrationBox:
    """What the meeting's page says about registering: open or why not, the places, and the
    visitor's own registration with their place in the waiting list."""

    closed_reason: str
    capacity: int | None = None
    confirmed: int = 0
    waiting: int = 0
    mine: Registration | None = None
    position: int | None = None
    opens_later: bool = False  # scheduled, the date still to be confirmed, its period not over

    @property
    def is_open(self) -> bool:
        return not self.closed_reason

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity

    @property
    def is_shown(self) -> bool:
        """Open, opening once the date is confirmed, or the visitor is (or was) registered."""
        return self.is_open or self.opens_later or self.mine is not None


def registration_box(meeting: Meeting, user) -> RegistrationBox:
    """At most three queries: the counts (only while registrations are open), the visitor's
    registration (when logged in) and their place in the waiting list (when waiting)."""
    from incontri.services import waiting_position

    box = RegistrationBox(
        closed_reason=meeting.registration_closed_reason(),
        opens_later=(
            meeting.status == MeetingStatus.SCHEDULED
            and meeting.date is None
            and not meeting.has_passed()
        ),
    )
    if box.is_open:
        counts = Registration.objects.filter(meeting=meeting).aggregate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        )
        box.capacity = meeting.capacity
        box.confirmed, box.waiting = counts["confirmed"], counts["waiting"]
    if user.is_authenticated:
        box.mine = Registration.objects.filter(meeting=meeting, user=user).first()
        if box.mine is not None:
            box.position = waiting_position(box.mine)
    return box


def staff_registrations(meeting: Meeting) -> list[Registration]:
    """Every registration of ``meeting`` with its person: confirmed, then waiting (in the
    list's order), then cancelled. One query."""
    order = Case(
        When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
        When(status=RegistrationStatus.WAITING, then=Value(1)),
        default=Value(2),
    )
    return list(
        Registration.objects.filter(meeting=meeting)
        .select_related("user")
        .order_by(order, "created_at", "pk")
    )


def feed_meetings(programme: Programme, limit: int) -> list[Meeting]:
    """The ``limit`` meetings of ``programme`` added or changed last, with their place. One
    query."""
    meetings = list(
        programme.meetings.select_related("municipality", "province", "zone").order_by(
            "-updated_at", "-pk"
        )[:limit]
    )
    for meeting in meetings:
        meeting.programme = programme
    return meetings


def opendata_dates() -> tuple:
    """When the first meeting of the open data was recorded and the last one changed
    (``(None, None)`` without meetings). One query."""
    dates = Meeting.objects.aggregate(first=Min("created_at"), last=Max("updated_at"))
    return dates["first"], dates["last"]
