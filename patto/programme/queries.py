"""Reads for the public pages: what each page shows, with a fixed number of queries."""

from django.db.models import F, Prefetch

from incontri.models import Meeting
from patto.models import Phase, PlanVersion, Programme, VersionStatus


def programmes_with_timeline():
    return Programme.objects.prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("position"))
    )


def home_context() -> dict:
    programmes = list(programmes_with_timeline())
    published = (
        PlanVersion.objects.published().select_related("programme").order_by("-published_at")[:5]
    )
    upcoming = (
        Meeting.objects.upcoming()
        .select_related("programme", "province", "zone")
        .order_by(F("date").asc(nulls_last=True), "start_time")[:6]
    )
    return {
        "programmes": programmes,
        "latest_published": list(published),
        "upcoming_meetings": list(upcoming),
    }


def programme_context(programme: Programme) -> dict:
    versions = programme.versions.public().order_by("-number")
    return {
        "current_phase": programme.current_phase(),
        "public_versions": list(versions),
        "published_version": next(
            (v for v in versions if v.status == VersionStatus.PUBLISHED), None
        ),
        "proposal": next((v for v in versions if v.status == VersionStatus.IN_VALIDATION), None),
        "tables": list(
            programme.tables.select_related("phase").order_by("phase__position", "position")
        ),
        "meetings": list(
            programme.meetings.select_related("province", "zone").order_by(
                F("date").asc(nulls_last=True), "start_time", "title"
            )
        ),
    }


def public_versions(programme: Programme) -> list[PlanVersion]:
    return list(programme.versions.public().order_by("-number"))


def previous_public_version(version: PlanVersion) -> PlanVersion | None:
    """The public version just before ``version``, which its page offers to compare with (one
    query). Its programme is ``version``'s, not read again."""
    previous = (
        version.programme.versions.public()
        .filter(number__lt=version.number)
        .order_by("-number")
        .first()
    )
    if previous is not None:
        previous.programme = version.programme
    return previous


def programmes_with_versions():
    return Programme.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=PlanVersion.objects.public().order_by("-number"),
            to_attr="public_versions",
        )
    )
