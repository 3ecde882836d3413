"""Reads for the staff area. Unlike the public queries these include drafts."""

from django.db.models import Count, F, Prefetch, Q

from incontri.models import Meeting
from patto.models import PlanVersion, Programme, VersionStatus
from tavoli.models import ANSWERED_STATUSES


def dashboard() -> dict:
    versions = PlanVersion.objects.exclude(status=VersionStatus.ARCHIVED).order_by("-number")
    programmes = list(
        Programme.objects.prefetch_related(
            Prefetch("versions", queryset=versions, to_attr="open_versions"),
            "validating_zones",
        )
        .annotate(
            waiting_contributions=Count(
                "contributions", filter=~Q(contributions__status__in=ANSWERED_STATUSES)
            )
        )
        .order_by("position", "title")
    )
    upcoming = (
        Meeting.objects.upcoming()
        .select_related("programme", "province", "zone")
        .order_by(F("date").asc(nulls_last=True), "start_time")[:8]
    )
    return {"programmes": programmes, "upcoming_meetings": list(upcoming)}
