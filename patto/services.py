"""State changes of a plan version. Views, admin actions, management commands and tasks all go
through these functions; none of them re-implements a rule.

    draft ──submit──▶ in validation ──all zones approve──▶ validated ──publish──▶ published
      ▲                   │                                                          │
      └──new version──────┴── a zone asks for changes → changes requested            └─▶ archived
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import Policy
from matrice.services import compute_fingerprint, copy_content
from patto.exceptions import TransitionError
from patto.models import (
    Decision,
    ItemKind,
    PlanVersion,
    Programme,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from zone.models import Zone


def _require_redazione(user) -> None:
    if user is None or not user.is_redazione:
        raise PermissionDenied(_("Solo la redazione può farlo."))


def _locked(version: PlanVersion) -> PlanVersion:
    """Re-read ``version`` with a row lock, so concurrent transitions queue up."""
    return PlanVersion.objects.select_for_update().select_related("programme").get(pk=version.pk)


def _require_status(version: PlanVersion, *statuses: str, action: str) -> None:
    if version.status not in statuses:
        raise TransitionError(
            _("Non si può %(action)s: la versione %(number)s è %(status)s.")
            % {
                "action": action,
                "number": version.number,
                "status": version.get_status_display().lower(),
            },
            code="illegal_transition",
        )


@transaction.atomic
def create_version(
    *, programme: Programme, by, change_note: str = "", based_on: PlanVersion | None = None
) -> PlanVersion:
    """Start a new draft of ``programme`` as a copy of ``based_on`` (default: its latest
    version). Refused while a draft already exists."""
    _require_redazione(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.versions.filter(status=VersionStatus.DRAFT).exists():
        raise TransitionError(
            _("Esiste già una bozza di questo programma: modificate quella."),
            code="draft_exists",
        )
    if based_on is None:
        based_on = programme.versions.order_by("-number").first()
    elif based_on.programme_id != programme.pk:
        raise ValidationError(_("La versione di partenza è di un altro programma."))
    number = (programme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        programme=programme,
        number=number,
        based_on=based_on,
        change_note=change_note,
        created_by=by,
    )
    if based_on is not None:
        copy_content(source=based_on, target=version)
    return version


@transaction.atomic
def submit_version(*, version: PlanVersion, by) -> PlanVersion:
    """Freeze a draft and send it to the zones (or to the redazione's own validation, for a
    programme without validating zones)."""
    _require_redazione(by)
    version = _locked(version)
    _require_status(version, VersionStatus.DRAFT, action=_("inviare alla validazione"))
    if not Policy.objects.filter(version=version).exists():
        raise ValidationError(
            _("La versione è vuota: aggiungete almeno una politica prima di inviarla."),
            code="empty_version",
        )
    if version.programme.versions.filter(status=VersionStatus.IN_VALIDATION).exists():
        raise TransitionError(
            _("Un'altra versione di questo programma è già in validazione."),
            code="validation_in_progress",
        )
    version.fingerprint = compute_fingerprint(version)
    version.status = VersionStatus.IN_VALIDATION
    version.submitted_at = timezone.now()
    version.submitted_by = by
    version.save(update_fields=["fingerprint", "status", "submitted_at", "submitted_by"])
    return version


@dataclass(frozen=True)
class Remark:
    item_kind: ItemKind
    item_key: str
    item_label: str
    text: str


@transaction.atomic
def decide_validation(
    *,
    version: PlanVersion,
    zone: Zone,
    by,
    decision: str,
    reason: str = "",
    remarks: Iterable[Remark] = (),
) -> Validation:
    """Record ``zone``'s decision on ``version``. Only the zone's current spokesperson may
    decide, once, and only while the version is in validation. When the last zone approves,
    the version becomes validated."""
    version = _locked(version)
    _require_status(version, VersionStatus.IN_VALIDATION, action=_("decidere"))
    if not version.programme.validating_zones.filter(pk=zone.pk).exists():
        raise ValidationError(
            _("La %(zone)s non valida questo programma.") % {"zone": zone}, code="not_validating"
        )
    if not Zone.objects.for_spokesperson(by).filter(pk=zone.pk).exists():
        raise PermissionDenied(
            _("Solo il portavoce in carica della %(zone)s può decidere per la zona.")
            % {"zone": zone}
        )
    if decision not in Decision.values:
        raise ValidationError(_("Decisione sconosciuta."), code="unknown_decision")
    reason = reason.strip()
    if decision == Decision.CHANGES_REQUESTED and not reason:
        raise ValidationError(
            {"reason": _("Per chiedere modifiche scrivete il motivo.")}, code="reason_required"
        )
    if Validation.objects.filter(version=version, zone=zone).exists():
        raise TransitionError(
            _("La %(zone)s ha già deciso su questa versione.") % {"zone": zone},
            code="already_decided",
        )
    try:
        with transaction.atomic():
            validation = Validation.objects.create(
                version=version, zone=zone, decision=decision, reason=reason, decided_by=by
            )
    except IntegrityError as exc:  # a concurrent request of the same zone won the race
        raise TransitionError(
            _("La %(zone)s ha già deciso su questa versione.") % {"zone": zone},
            code="already_decided",
        ) from exc
    ValidationRemark.objects.bulk_create(
        ValidationRemark(
            validation=validation,
            item_kind=r.item_kind,
            item_key=r.item_key,
            item_label=r.item_label,
            text=r.text,
        )
        for r in remarks
        if r.text.strip()
    )

    if decision == Decision.CHANGES_REQUESTED:
        version.status = VersionStatus.CHANGES_REQUESTED
        version.save(update_fields=["status"])
    else:
        expected = set(version.programme.validating_zones.values_list("pk", flat=True))
        approved = set(
            version.validations.filter(decision=Decision.APPROVED).values_list("zone_id", flat=True)
        )
        if expected <= approved:
            _mark_validated(version)
    return validation


@transaction.atomic
def validate_by_staff(*, version: PlanVersion, by) -> PlanVersion:
    """Validate a version of a programme that has no validating zones (the regional Patto)."""
    _require_redazione(by)
    version = _locked(version)
    _require_status(version, VersionStatus.IN_VALIDATION, action=_("validare"))
    if version.programme.validating_zones.exists():
        raise TransitionError(
            _("Questo programma è validato dalle zone, non dalla redazione."),
            code="zones_validate",
        )
    version.validated_by = by
    _mark_validated(version)
    return version


def _mark_validated(version: PlanVersion) -> None:
    version.status = VersionStatus.VALIDATED
    version.validated_at = timezone.now()
    version.save(update_fields=["status", "validated_at", "validated_by"])


@transaction.atomic
def publish_version(*, version: PlanVersion, by) -> PlanVersion:
    """Publish a validated version; the version published until now is archived and stays
    readable."""
    _require_redazione(by)
    version = _locked(version)
    _require_status(version, VersionStatus.VALIDATED, action=_("pubblicare"))
    now = timezone.now()
    previous = (
        PlanVersion.objects.select_for_update()
        .filter(programme=version.programme, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.ARCHIVED
        previous.archived_at = now
        previous.save(update_fields=["status", "archived_at"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    return version
