"""Writes of the monitoring of a plan in force. Every function checks who calls it, validates
what it is given (raising ``ValidationError`` with a message a person can act on) and records
who did it in the history.

Monitoring belongs to an action's stable ``key`` within its programme: it is recorded for the
actions of the published version (the plan in force) and carried to the next published version
for the actions it keeps; the actions it drops are listed with the reason staff give.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import Action
from patto.core.locking import save_with_revision
from patto.core.numbers import grouped
from patto.core.permissions import require_redazione
from patto.models import (
    STATES_WITH_REASON,
    ActionMonitoring,
    DroppedAction,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    PlanVersion,
    Programme,
    UpdateAttachment,
    UpdateStatus,
    VersionStatus,
)
from patto.monitoring.attachments import (
    attachment_file_name,
    attachment_title,
    check_attachments,
)
from patto.monitoring.permissions import require_may_propose_update

# The longest texts a person may write: an update's text, and a reason (why an action is
# suspended, cancelled or dropped, why an update is not published).
TEXT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationError(
            {
                field: _(
                    "Il testo è troppo lungo: al massimo %(limit)s caratteri (ne hai scritti "
                    "%(count)s)."
                )
                % {"limit": grouped(limit), "count": grouped(len(value))}
            },
            code="too_long",
        )


def action_in_force(*, programme: Programme, action_key) -> Action:
    """The action with ``action_key`` in the programme's published version; ``ValidationError``
    if the programme has no plan in force or the plan has no such action."""
    action = (
        Action.objects.select_related("version__programme")
        .filter(
            version__programme=programme,
            version__status=VersionStatus.PUBLISHED,
            key=action_key,
        )
        .first()
    )
    if action is None:
        raise ValidationError(
            _("Questa azione non è nel piano in vigore: puoi seguirne l'attuazione solo lì."),
            code="not_in_force",
        )
    return action


def _check_money(value, label, field) -> None:
    if value is not None and Decimal(value) < 0:
        raise ValidationError(
            {field: _("%(label)s non possono essere negative.") % {"label": label}},
            code="negative",
        )


@transaction.atomic
def record_implementation(
    *,
    programme: Programme,
    action_key,
    state: str,
    state_reason: str = "",
    progress: int,
    committed: Decimal | None = None,
    spent: Decimal | None = None,
    expected_revision: int | None,
    by,
) -> ActionMonitoring:
    """Record where an action of the plan in force stands. ``expected_revision`` is the
    revision the form was opened at (None when nothing was recorded yet): a save made on an
    outdated form is refused (``ConflictError``)."""
    require_redazione(by)
    action_in_force(programme=programme, action_key=action_key)
    state_reason = (state_reason or "").strip()
    _check_length("state_reason", state_reason, REASON_MAX_LENGTH)
    if state in STATES_WITH_REASON and not state_reason:
        raise ValidationError(
            {"state_reason": _("Se l'azione è sospesa o annullata, scrivi il motivo.")}
        )
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("L'avanzamento va da 0 a 100.")})
    _check_money(committed, _("Le risorse impegnate"), "committed")
    _check_money(spent, _("Le risorse spese"), "spent")
    monitoring = (
        ActionMonitoring.objects.select_for_update()
        .filter(programme=programme, action_key=action_key)
        .first()
    )
    fields = {
        "state": state,
        "state_reason": state_reason if state in STATES_WITH_REASON else "",
        "progress": int(progress),
        "committed": committed,
        "spent": spent,
    }
    if monitoring is None:
        if expected_revision is not None:
            raise ValidationError(_("Questa scheda non esiste più. Ricarica la pagina."))
        monitoring = ActionMonitoring(programme=programme, action_key=action_key, **fields)
        monitoring._history_user = by
        monitoring.full_clean()
        monitoring.save()
        return monitoring
    for name, value in fields.items():
        setattr(monitoring, name, value)
    monitoring.full_clean()
    return save_with_revision(
        monitoring, expected_revision=expected_revision if expected_revision else 0, by=by
    )


@transaction.atomic
def add_update(
    *,
    programme: Programme,
    action_key,
    happened_on: date,
    title: str,
    text: str,
    zone=None,
    attachments: Sequence[File] = (),
    by,
) -> MonitoringUpdate:
    """Write a dated update on an action of the plan in force, with its PDF ``attachments``
    (each checked by its content before a byte is stored). Staff's updates are published at
    once; a spokesperson's (about one of their zones) waits for staff to publish it."""
    action = action_in_force(programme=programme, action_key=action_key)
    require_may_propose_update(by, action, zone)
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise ValidationError(_("Scrivi il titolo e il testo dell'aggiornamento."))
    _check_length("text", text, TEXT_MAX_LENGTH)
    if happened_on > timezone.localdate():
        raise ValidationError(
            {"happened_on": _("La data dell'aggiornamento non può essere nel futuro.")}
        )
    update = MonitoringUpdate(
        programme=programme,
        action_key=action_key,
        zone=zone,
        happened_on=happened_on,
        title=title,
        text=text,
        author=by,
    )
    if by.is_redazione:
        update.status = UpdateStatus.PUBLISHED
        update.published_by = by
        update.published_at = timezone.now()
    update._history_user = by
    update.full_clean()
    check_attachments(list(attachments))
    update.save()
    _store_attachments(update, attachments, by=by)
    return update


def _store_attachments(update: MonitoringUpdate, uploads: Sequence[File], *, by) -> None:
    """Store the checked ``uploads`` of ``update``; should a row not be written, the files
    already stored are deleted again."""
    stored = []
    try:
        for upload in uploads:
            attachment = UpdateAttachment(
                update=update,
                title=attachment_title(upload),
                size=upload.size or 0,
                uploaded_by=by,
            )
            attachment.file.save(attachment_file_name(update.pk, upload), upload, save=False)
            stored.append(attachment.file)
            attachment.save()
    except Exception:
        for file in stored:
            file.storage.delete(file.name)
        raise


def _lock_proposed(update: MonitoringUpdate) -> MonitoringUpdate:
    update = MonitoringUpdate.objects.select_for_update().get(pk=update.pk)
    if update.status != UpdateStatus.PROPOSED:
        raise ValidationError(
            _("Questo aggiornamento è già stato %(status)s.")
            % {"status": update.get_status_display().lower()},
            code="not_proposed",
        )
    return update


@transaction.atomic
def publish_update(*, update: MonitoringUpdate, by) -> MonitoringUpdate:
    """Publish a spokesperson's proposed update."""
    require_redazione(by)
    update = _lock_proposed(update)
    update.status = UpdateStatus.PUBLISHED
    update.published_by = by
    update.published_at = timezone.now()
    update.revision += 1
    update._history_user = by
    update.save()
    return update


@transaction.atomic
def decline_update(*, update: MonitoringUpdate, reason: str, by) -> MonitoringUpdate:
    """Decline a spokesperson's proposed update, saying why (the spokesperson reads it)."""
    require_redazione(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"decline_reason": _("Scrivi perché non lo pubblichi.")})
    _check_length("decline_reason", reason, REASON_MAX_LENGTH)
    update = _lock_proposed(update)
    update.status = UpdateStatus.DECLINED
    update.decline_reason = reason
    update.revision += 1
    update._history_user = by
    update.save()
    return update


@transaction.atomic
def add_indicator(
    *,
    programme: Programme,
    action_key,
    name: str,
    target: Decimal,
    unit: str = "",
    baseline: Decimal | None = None,
    target_date: date | None = None,
    by,
) -> MonitoringIndicator:
    """Give an action of the plan in force an indicator with its target."""
    require_redazione(by)
    action_in_force(programme=programme, action_key=action_key)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Scrivi il nome dell'indicatore.")})
    if MonitoringIndicator.objects.filter(
        programme=programme, action_key=action_key, name__iexact=name
    ).exists():
        raise ValidationError({"name": _("Questa azione ha già un indicatore con questo nome.")})
    position = MonitoringIndicator.objects.filter(
        programme=programme, action_key=action_key
    ).count()
    indicator = MonitoringIndicator(
        programme=programme,
        action_key=action_key,
        name=name,
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        target_date=target_date,
        position=position,
    )
    indicator._history_user = by
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def record_indicator_value(
    *, indicator: MonitoringIndicator, measured_on: date, value: Decimal, note: str = "", by
) -> IndicatorValue:
    """Record the actual value of an indicator at a date (one value per date)."""
    require_redazione(by)
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("La data non può essere nel futuro.")})
    if IndicatorValue.objects.filter(indicator=indicator, measured_on=measured_on).exists():
        raise ValidationError(
            {"measured_on": _("C'è già un valore di questo indicatore a questa data.")}
        )
    recorded = IndicatorValue(
        indicator=indicator, measured_on=measured_on, value=value, note=note.strip(), recorded_by=by
    )
    recorded._history_user = by
    recorded.full_clean()
    recorded.save()
    return recorded


def record_dropped_actions(*, previous: PlanVersion, version: PlanVersion) -> list[DroppedAction]:
    """When ``version`` is published in place of ``previous``, list the actions of ``previous``
    it no longer has (their monitoring stays readable; staff say why). Called by
    ``publish_version`` inside its transaction."""
    kept = set(Action.objects.filter(version=version).values_list("key", flat=True))
    dropped = [
        DroppedAction(
            programme_id=version.programme_id,
            action_key=key,
            last_version=previous,
            dropped_in=version,
        )
        for key in Action.objects.filter(version=previous).values_list("key", flat=True)
        if key not in kept
    ]
    return DroppedAction.objects.bulk_create(dropped, ignore_conflicts=True)


@transaction.atomic
def explain_dropped_action(*, dropped: DroppedAction, reason: str, by) -> DroppedAction:
    """Say why an action was dropped from the plan in force."""
    require_redazione(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Scrivi perché l'azione non è più nel piano.")})
    _check_length("reason", reason, REASON_MAX_LENGTH)
    dropped = DroppedAction.objects.select_for_update().get(pk=dropped.pk)
    dropped.reason = reason
    dropped.reason_by = by
    dropped._history_user = by
    dropped.save()
    return dropped
