"""Reads for the spokesperson area."""

from matrice.models import Action, ActionArea, Policy
from patto.models import ItemKind, PlanVersion, Validation, VersionStatus
from patto.programme.compare import compare_versions


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


def comparison(base, version):
    if base is None:
        return None
    return compare_versions(base, version)


def item_labels(version) -> dict:
    """(kind, key) → label for every policy, area and action of ``version``."""
    labels = {}
    for kind, model in (
        (ItemKind.POLICY, Policy),
        (ItemKind.ACTION_AREA, ActionArea),
        (ItemKind.ACTION, Action),
    ):
        for key, code, title in model.objects.filter(version=version).values_list(
            "key", "code", "title"
        ):
            labels[(kind.value, str(key))] = f"{code} {title}"[:300]
    return labels
