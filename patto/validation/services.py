"""The zones' decisions on a version in validation. Only the zone's current spokesperson may
decide, once; when the last zone approves, the version is validated
(``patto.programme.services.mark_validated``)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patto.core.exceptions import TransitionError
from patto.core.transitions import lock_version, require_status
from patto.mail.sending import after_commit
from patto.models import (
    Decision,
    ItemKind,
    PlanVersion,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from patto.programme import notifications
from patto.programme.services import mark_validated
from zone.models import Zone


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
    version = lock_version(version)
    require_status(version, VersionStatus.IN_VALIDATION, action=_("decidere"))
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
    after_commit(notifications.zone_decided, validation.pk)

    if decision == Decision.CHANGES_REQUESTED:
        version.status = VersionStatus.CHANGES_REQUESTED
        version.save(update_fields=["status"])
    else:
        expected = set(version.programme.validating_zones.values_list("pk", flat=True))
        approved = set(
            version.validations.filter(decision=Decision.APPROVED).values_list("zone_id", flat=True)
        )
        if expected <= approved:
            mark_validated(version)
            after_commit(notifications.version_validated, version.pk)
    return validation
