"""Reads for the spokesperson area."""

from patto.models import PlanVersion, Validation, ValidationDraft, VersionStatus


def home(user, zones) -> dict:
    """The versions in validation of programmes my zones validate, with whether each of my
    zones has decided; and my zones' past decisions. A fixed number of queries."""
    waiting = list(
        PlanVersion.objects.filter(
            status=VersionStatus.IN_VALIDATION, programme__validating_zones__in=zones
        )
        .select_related("programme")
        .prefetch_related("validations", "programme__validating_zones")
        .distinct()
        .order_by("programme__title", "number")
    )
    rows = []
    for version in waiting:
        decided = {v.zone_id: v for v in version.validations.all()}
        validating = {z.pk for z in version.programme.validating_zones.all()}
        for zone in zones:
            if zone.pk in validating:
                rows.append({"version": version, "zone": zone, "decision": decided.get(zone.pk)})
    past = list(
        Validation.objects.filter(zone__in=zones)
        .select_related("version__programme", "zone", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return {"zones": zones, "waiting": rows, "past_decisions": past}


def last_decided_version(zone, version) -> PlanVersion | None:
    """The latest earlier version of the programme on which ``zone`` decided."""
    validation = (
        Validation.objects.filter(
            zone=zone,
            version__programme_id=version.programme_id,
            version__number__lt=version.number,
        )
        .select_related("version__programme")
        .order_by("-version__number")
        .first()
    )
    return validation.version if validation else None


def draft(version, zone) -> ValidationDraft | None:
    """``zone``'s draft of its decision on ``version``, with its remarks and who saved it last.
    Only for the zone's current spokespersons (the review page, behind its permission check).
    Two queries."""
    return (
        ValidationDraft.objects.filter(version=version, zone=zone)
        .select_related("updated_by")
        .prefetch_related("remarks")
        .first()
    )
