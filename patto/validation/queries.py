"""Reads for the spokesperson area."""

from django.db.models import Prefetch

from matrice.models import Action, ActionArea, Policy
from patto.models import ItemKind, PlanVersion, Validation, ValidationDraft, VersionStatus

WITHDRAWN_SHOWN = 5
ITEM_MODELS = {ItemKind.POLICY: Policy, ItemKind.ACTION_AREA: ActionArea, ItemKind.ACTION: Action}


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
    return {
        "zones": zones,
        "waiting": rows,
        "past_decisions": past,
        "withdrawn": withdrawn(zones),
    }


def withdrawn(zones) -> list[dict]:
    """The latest versions withdrawn from the validation of programmes my ``zones`` validate,
    newest first, each with ``drafts``: what each of my zones had written and not sent (its
    draft is kept at the withdrawal, for the spokesperson to reuse), its remarks labelled with
    the item they were on. At most five queries."""
    zone_pks = [zone.pk for zone in zones]
    versions = list(
        PlanVersion.objects.filter(
            status=VersionStatus.WITHDRAWN, programme__validating_zones__in=zone_pks
        )
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "drafts",
                queryset=ValidationDraft.objects.filter(zone__in=zone_pks)
                .select_related("zone", "updated_by")
                .prefetch_related("remarks")
                .order_by("zone__number"),
            )
        )
        .distinct()
        .order_by("-withdrawn_at")[:WITHDRAWN_SHOWN]
    )
    remarks = [r for v in versions for d in v.drafts.all() for r in d.remarks.all()]
    labels = {}
    for kind, model in ITEM_MODELS.items():
        keys = {r.item_key for r in remarks if r.item_kind == kind}
        if keys:
            for item in model.objects.filter(version__in=versions, key__in=keys).only(
                "version_id", "key", "code", "title"
            ):
                labels[(item.version_id, kind, item.key)] = f"{item.code} {item.title}"
    return [
        {
            "version": version,
            "drafts": [
                {
                    "draft": draft,
                    "remarks": [
                        (labels.get((version.pk, r.item_kind, r.item_key), ""), r.text)
                        for r in draft.remarks.all()
                    ],
                }
                for draft in version.drafts.all()
            ],
        }
        for version in versions
    ]


def _decisions_before(version, **zones):
    """The decisions on the programme's versions before ``version``, the latest first."""
    return (
        Validation.objects.filter(
            version__programme_id=version.programme_id,
            version__number__lt=version.number,
            **zones,
        )
        .select_related("version__programme")
        .order_by("-version__number")
    )


def last_decided_version(zone, version) -> PlanVersion | None:
    """The latest earlier version of the programme on which ``zone`` decided."""
    validation = _decisions_before(version, zone=zone).first()
    return validation.version if validation else None


def bases(version) -> dict:
    """Zone pk → the version each zone validating ``version``'s programme last decided on
    before it (``last_decided_version``; None: none). Two queries."""
    zones = version.programme.validating_zones.values_list("pk", flat=True)
    latest = dict.fromkeys(zones)
    for validation in _decisions_before(version, zone__in=latest):
        if latest[validation.zone_id] is None:
            latest[validation.zone_id] = validation.version
    return latest


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
