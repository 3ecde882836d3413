"""The zones' decisions on a version in validation, and the drafts of them. Only the zone's
current spokesperson may decide, once; when the last zone approves, the version is validated
(``patto.programme.services.mark_validated``). Until it decides, the zone may keep a draft of the
decision, the reason and the remarks, which is not part of the record: it is deleted when the
zone decides or when the version leaves validation."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patto.core.exceptions import TransitionError
from patto.core.transitions import lock_version, require_status
from patto.mail.sending import after_commit
from patto.models import (
    Decision,
    DraftRemark,
    ItemKind,
    PlanVersion,
    Validation,
    ValidationDraft,
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


class DraftConflict(Exception):
    """The draft was saved by someone else (another spokesperson of the zone, or the same
    person in another tab) after the page being saved was opened. ``draft`` is the one saved."""

    def __init__(self, draft: ValidationDraft):
        super().__init__("draft saved in the meantime")
        self.draft = draft


def require_may_decide(*, version: PlanVersion, zone: Zone, by) -> None:
    """Refuse unless ``by`` may decide for ``zone`` on ``version`` now: the version is in
    validation, the zone validates its programme, ``by`` is the zone's current spokesperson and
    the zone has not decided yet. The same rule holds for writing the zone's draft. Runs
    queries."""
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
    if Validation.objects.filter(version=version, zone=zone).exists():
        raise _already_decided(zone)


def _already_decided(zone) -> TransitionError:
    return TransitionError(
        _("La %(zone)s ha già deciso su questa versione.") % {"zone": zone},
        code="already_decided",
    )


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
    decide, once, and only while the version is in validation. The zone's draft is deleted;
    when the last zone approves, the version becomes validated (and every draft of it goes)."""
    version = lock_version(version)
    require_may_decide(version=version, zone=zone, by=by)
    if decision not in Decision.values:
        raise ValidationError(_("Decisione sconosciuta."), code="unknown_decision")
    reason = reason.strip()
    if decision == Decision.CHANGES_REQUESTED and not reason:
        raise ValidationError(
            {"reason": _("Per chiedere modifiche scrivi il motivo.")}, code="reason_required"
        )
    try:
        with transaction.atomic():
            validation = Validation.objects.create(
                version=version, zone=zone, decision=decision, reason=reason, decided_by=by
            )
    except IntegrityError as exc:  # a concurrent request of the same zone won the race
        raise _already_decided(zone) from exc
    ValidationRemark.objects.bulk_create(
        ValidationRemark(
            validation=validation,
            item_kind=r.item_kind,
            item_key=r.item_key,
            item_label=r.item_label,
            text=r.text.strip(),
        )
        for r in remarks
        if r.text.strip()
    )
    ValidationDraft.objects.filter(version=version, zone=zone).delete()
    after_commit(notifications.zone_decided, validation.pk)

    if decision == Decision.CHANGES_REQUESTED:
        version.status = VersionStatus.CHANGES_REQUESTED
        version.save(update_fields=["status"])
        ValidationDraft.objects.filter(version=version).delete()  # no zone decides any more
    else:
        expected = set(version.programme.validating_zones.values_list("pk", flat=True))
        approved = set(
            version.validations.filter(decision=Decision.APPROVED).values_list("zone_id", flat=True)
        )
        if expected <= approved:
            mark_validated(version)
            after_commit(notifications.version_validated, version.pk)
    return validation


@transaction.atomic
def save_draft(
    *,
    version: PlanVersion,
    zone: Zone,
    by,
    decision: str = "",
    reason: str = "",
    remarks: Iterable[Remark] = (),
    revision: int | None = None,
) -> ValidationDraft | None:
    """Keep what ``by`` has written so far for ``zone``'s decision on ``version``: the decision
    chosen (or none), the reason and the remarks, replacing the zone's draft. The same people
    as for deciding, at the same time. ``revision`` is the draft's revision the page was opened
    on (0: the page had none): when it was saved again since, ``DraftConflict`` is raised and
    nothing changes. An empty draft is deleted (returns None)."""
    version = lock_version(version)  # serialised with the decisions, which delete drafts
    require_may_decide(version=version, zone=zone, by=by)
    if decision and decision not in Decision.values:
        raise ValidationError(_("Decisione sconosciuta."), code="unknown_decision")
    draft = ValidationDraft.objects.filter(version=version, zone=zone).first()
    if draft is not None and revision is not None and revision != draft.revision:
        raise DraftConflict(draft)
    kept = [r for r in remarks if r.text.strip()]
    if not decision and not reason.strip() and not kept:
        if draft is not None:
            draft.delete()
        return None
    if draft is None:
        draft = ValidationDraft(version=version, zone=zone, revision=0)
    draft.decision = decision
    draft.reason = reason
    draft.revision += 1
    draft.updated_at = timezone.now()
    draft.updated_by = by
    draft.save()
    draft.remarks.all().delete()
    DraftRemark.objects.bulk_create(
        DraftRemark(draft=draft, item_kind=r.item_kind, item_key=r.item_key, text=r.text)
        for r in kept
    )
    return draft
