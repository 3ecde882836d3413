"""Reads of meetings for the public pages, the calendars and the open data. Each function runs a
fixed number of queries whatever the number of meetings."""

import datetime

from django.db.models import BooleanField, Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from incontri.models import Meeting
from patto.models import Programme
from tavoli.models import ThematicTable


def not_past(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """Meetings still ahead, whatever their status: the complement of ``Meeting.objects.past()``.

    Wider than ``Meeting.objects.upcoming()`` on purpose: a meeting cancelled next week stays in
    the list, marked as cancelled, so whoever planned to go finds out."""
    return queryset.filter(Q(date__gte=today) | Q(date__isnull=True))


def meeting_list(today: datetime.date | None = None) -> QuerySet:
    """Every meeting, those still ahead first (by date, then the ones whose date is to be
    confirmed), then the past ones, most recent first. Each carries ``is_past``."""
    today = today or timezone.localdate()
    is_past = Case(
        When(date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return (
        Meeting.objects.select_related("programme", "province", "zone", "municipality")
        .annotate(is_past=is_past)
        .order_by(
            "is_past",
            # ahead: soonest first, "to be confirmed" last; past: latest first
            Case(When(is_past=False, then=F("date"))).asc(nulls_last=True),
            F("date").desc(nulls_last=True),
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
    """The programme's meetings that can go in a calendar: those with a date. One query."""
    return list(
        programme.meetings.filter(date__isnull=False)
        .select_related("programme", "municipality")
        .order_by("date", F("start_time").asc(nulls_first=True), "title", "pk")
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
