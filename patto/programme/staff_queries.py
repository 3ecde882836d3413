"""Reads for the staff area. Unlike the public queries these include drafts."""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from incontri.models import Meeting
from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.snapshots import compute_fingerprint
from patto.models import (
    Decision,
    Follow,
    ItemKind,
    MonitoringUpdate,
    PlanVersion,
    Programme,
    UpdateStatus,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from patto.programme.steps import steps_by_name, version_steps
from patto.programme.summaries import programme_summaries
from tavoli.models import Comment, Contribution, Moderation
from zone.models import SpokespersonAssignment, Zone

NEXT_MEETINGS = 3


def _content_count(model):
    """How many rows of ``model`` a version has, as a subquery (no join, no row blow-up)."""
    rows = (
        model.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _programme_count(queryset, programme="programme"):
    """How many rows of ``queryset`` belong to a programme (through ``programme``), as a
    subquery: counted once per programme, never in a GROUP BY over the programme's joined
    contributions (where PostgreSQL ran a subquery once per joined row)."""
    rows = (
        queryset.filter(**{programme: OuterRef("pk")})
        .order_by()
        .values(programme)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def dashboard() -> dict:
    """Programme by programme: the draft being written (with its counts), the version in
    validation (or sent back) with each zone's decision, the PDF of the latest validated or
    published version, the contributions waiting for an answer or for moderation, the
    spokespersons' monitoring proposals waiting for a decision (``proposed_updates``) and the
    next meetings. Seven queries whatever the number of programmes, versions, decisions or
    meetings."""
    versions = (
        PlanVersion.objects.exclude(status=VersionStatus.ARCHIVED)
        .annotate(
            policy_count=_content_count(Policy),
            area_count=_content_count(ActionArea),
            action_count=_content_count(Action),
            tool_count=_content_count(Tool),
            target_count=_content_count(Target),
        )
        .prefetch_related(
            Prefetch(
                "validations",
                queryset=Validation.objects.select_related("decided_by", "zone").prefetch_related(
                    "remarks"
                ),
            )
        )
        .order_by("-number")
    )
    meetings = (
        Meeting.objects.upcoming()
        .select_related("province", "zone")
        .order_by(F("date").asc(nulls_last=True), "start_time", "pk")
    )
    programmes = list(
        Programme.objects.prefetch_related(
            Prefetch("versions", queryset=versions, to_attr="open_versions"),
            Prefetch("validating_zones", queryset=Zone.objects.order_by("number")),
            Prefetch("meetings", queryset=meetings[:NEXT_MEETINGS], to_attr="next_meetings"),
        )
        .annotate(
            waiting_contributions=_programme_count(Contribution.objects.waiting()),
            pending_contributions=_programme_count(
                Contribution.objects.filter(moderation=Moderation.PENDING)
            ),
            pending_comments=_programme_count(Comment.objects.pending(), "contribution__programme"),
            proposed_updates=_programme_count(
                MonitoringUpdate.objects.filter(status=UpdateStatus.PROPOSED)
            ),
        )
        .order_by("position", "title")
    )
    for programme in programmes:
        _summarise(programme)
    return {"programmes": programmes}


def _summarise(programme: Programme) -> None:
    """Set ``summaries`` (what happened, version by version), ``draft`` (with its ``steps``),
    ``under_validation`` (+ ``validation_rows``), ``remarks_version`` (the latest with remarks
    of the zones, with ``remark_count``) and ``pdf_version`` on ``programme`` from its
    prefetched versions."""
    versions = programme.open_versions  # newest first
    for version in versions:
        version.programme = programme
    zone_count = len(programme.validating_zones.all())
    programme.summaries = programme_summaries(versions, zone_count=zone_count)
    programme.draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    if programme.draft is not None:
        programme.draft.steps = steps_by_name(
            version_steps(
                programme.draft,
                versions=versions,
                has_zones=bool(zone_count),
                policy_count=programme.draft.policy_count,
                action_count=programme.draft.action_count,
            )
        )
    frozen = [v for v in versions if v.status != VersionStatus.DRAFT]
    under_validation = next(
        (v for v in frozen if v.status == VersionStatus.IN_VALIDATION), None
    ) or next(
        (v for v in frozen[:1] if v.status == VersionStatus.CHANGES_REQUESTED),
        None,
    )
    programme.under_validation = under_validation
    programme.validation_rows = []
    if under_validation is not None:
        decisions = {v.zone_id: v for v in under_validation.validations.all()}
        programme.validation_rows = [
            {"zone": zone, "validation": decisions.get(zone.pk)}
            for zone in programme.validating_zones.all()
        ]
        programme.approved_count = sum(
            1
            for row in programme.validation_rows
            if row["validation"] and row["validation"].decision == Decision.APPROVED
        )
    # the latest version the zones wrote remarks on, still there once the next one is sent
    programme.remarks_version = None
    for version in frozen:
        version.remark_count = sum(len(v.remarks.all()) for v in version.validations.all())
        if version.remark_count and programme.remarks_version is None:
            programme.remarks_version = version
    programme.pdf_version = next(
        (v for v in versions if v.status in (VersionStatus.VALIDATED, VersionStatus.PUBLISHED)),
        None,
    )


# where the draft's page of an item of each kind is (``matrice.staff_urls``)
REMARK_TARGETS = {
    ItemKind.POLICY: (Policy, "redazione:matrice_policy"),
    ItemKind.ACTION_AREA: (ActionArea, "redazione:matrice_area"),
    ItemKind.ACTION: (Action, "redazione:matrice_action"),
}


def version_remarks(version: PlanVersion) -> list[dict]:
    """Every validating zone of ``version``'s programme, in order, with its decision on
    ``version`` (None while it has not decided) and the remarks of that decision, each with
    ``draft_url``: the page of the item of the same key in the programme's draft (None when the
    draft has no such item, or there is no draft). Seven queries, whatever the number of zones,
    decisions and remarks."""
    validations = {
        v.zone_id: v
        for v in version.validations.select_related("decided_by").prefetch_related(
            Prefetch("remarks", queryset=ValidationRemark.objects.order_by("pk"))
        )
    }
    draft = version.programme.versions.filter(status=VersionStatus.DRAFT).first()
    keys = {kind: set() for kind in REMARK_TARGETS}
    for validation in validations.values():
        for remark in validation.remarks.all():
            keys[remark.item_kind].add(remark.item_key)
    in_draft = {}
    if draft is not None:
        for kind, (model, _name) in REMARK_TARGETS.items():
            in_draft[kind] = dict(
                model.objects.filter(version=draft, key__in=keys[kind]).values_list("key", "pk")
            )
    for validation in validations.values():
        for remark in validation.remarks.all():
            pk = in_draft.get(remark.item_kind, {}).get(remark.item_key)
            url_name = REMARK_TARGETS[remark.item_kind][1]
            remark.draft_url = reverse(url_name, args=[version.programme.slug, pk]) if pk else None
    return [
        {"zone": zone, "validation": validations.get(zone.pk)}
        for zone in version.programme.validating_zones.order_by("number")
    ]


@dataclass(frozen=True)
class SubmissionPreview:
    """What sending a draft to the validation will do, for its confirmation page: the zones
    that validate it, each with the spokespersons in office who will get the e-mail, how many
    people follow the programme, and whether the draft is the same as the version it was
    copied from (``same_as``, or None)."""

    zones: list
    spokesperson_count: int
    follower_count: int
    policy_count: int
    action_count: int
    same_as: PlanVersion | None


def submission_preview(version: PlanVersion) -> SubmissionPreview:
    """``SubmissionPreview`` of the draft ``version``. Five queries, plus the nine of the draft's
    fingerprint when it was copied from a version (compared with that version's fingerprint,
    computed on the same canonical content when it was submitted)."""
    on = timezone.localdate()
    zones = list(version.programme.validating_zones.order_by("number"))
    emails_by_zone: dict[int, set] = {zone.pk: set() for zone in zones}
    for zone_id, email in (
        SpokespersonAssignment.objects.current(on)
        .filter(zone__in=zones, user__is_active=True)
        .exclude(user__email="")
        .values_list("zone_id", "user__email")
    ):
        emails_by_zone[zone_id].add(email)
    for zone in zones:
        zone.spokesperson_count = len(emails_by_zone[zone.pk])
    based_on = version.based_on
    same_as = (
        based_on
        if based_on is not None
        and based_on.fingerprint
        and compute_fingerprint(version) == based_on.fingerprint
        else None
    )
    return SubmissionPreview(
        zones=zones,
        spokesperson_count=len(set().union(*emails_by_zone.values())),
        follower_count=Follow.objects.filter(
            programme_id=version.programme_id, user__is_active=True
        ).count(),
        policy_count=Policy.objects.filter(version=version).count(),
        action_count=Action.objects.filter(version=version).count(),
        same_as=same_as,
    )
