"""Reads for the public pages: what each page shows, with a fixed number of queries."""

from django.db.models import F, Prefetch

from incontri.models import Meeting
from patto.models import Decision, Phase, PlanVersion, Programme, Validation, VersionStatus
from tavoli.consultation import consultation_from


def programmes_with_timeline():
    return Programme.objects.prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("position"))
    )


def plan_in_force(versions) -> PlanVersion | None:
    """Among a programme's public ``versions`` (already read): the published one."""
    return next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)


def open_proposal(versions) -> PlanVersion | None:
    """Among a programme's public ``versions`` (already read, newest first): the newest, when it
    is a proposal not yet in force."""
    newest = versions[0] if versions else None
    return newest if newest is not None and newest.is_proposal else None


def programmes_overview() -> list[Programme]:
    """Every programme with its phases (for the current one), its public versions newest first
    (``public_versions``), its plan in force (``in_force``) and its proposal not yet in force
    (``proposal``) and its consultation (``consultation``). Three queries, whatever the number
    of programmes."""
    programmes = list(
        programmes_with_timeline().prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.public().order_by("-number"),
                to_attr="public_versions",
            )
        )
    )
    for programme in programmes:
        for version in programme.public_versions:
            version.programme = programme
        programme.in_force = plan_in_force(programme.public_versions)
        programme.proposal = open_proposal(programme.public_versions)
        programme.consultation = consultation_from(
            programme, programme.phases.all(), programme.public_versions
        )
    return programmes


def home_context() -> dict:
    programmes = programmes_overview()
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
        # what the home page invites everyone to first: a consultation open now
        "open_consultations": [p.consultation for p in programmes if p.consultation.is_open],
        "latest_published": list(published),
        "upcoming_meetings": list(upcoming),
    }


def programme_context(programme: Programme) -> dict:
    versions = list(programme.versions.public().order_by("-number"))
    for version in versions:
        version.programme = programme
    return {
        "current_phase": programme.current_phase(),
        "public_versions": versions,
        "published_version": plan_in_force(versions),
        "proposal": open_proposal(versions),
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


def versions_for_feed(programme: Programme) -> list[PlanVersion]:
    """The programme's public versions, newest first, each with the zones' requests for
    changes (``change_requests``, zone selected): the events of the versions' feed. Two
    queries."""
    versions = list(
        programme.versions.public()
        .prefetch_related(
            Prefetch(
                "validations",
                queryset=Validation.objects.filter(decision=Decision.CHANGES_REQUESTED)
                .select_related("zone")
                .order_by("decided_at", "pk"),
                to_attr="change_requests",
            )
        )
        .order_by("-number")
    )
    for version in versions:
        version.programme = programme
    return versions
