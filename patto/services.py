"""State changes of a plan version. Views, admin actions, management commands and tasks all go
through these functions; none of them re-implements a rule.

    draft ──submit──▶ in validation ──all zones approve──▶ validated ──publish──▶ published
      ▲                   │                                                          │
      └──new version──────┴── a zone asks for changes → changes requested            └─▶ archived

A validated version's PDF has its own small lifecycle, run by a Celery worker:

    none ──validated / staff asks──▶ pending ──worker claims──▶ rendering ──▶ ready
                                        ▲                          │
                                        └── retry (automatic) ─────┴──▶ failed ──staff retry──┘
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from matrice.models import Policy
from matrice.services import compute_fingerprint, copy_content
from patto import notifications, pdf
from patto.exceptions import TransitionError
from patto.models import (
    Decision,
    ItemKind,
    PdfStatus,
    PlanVersion,
    Programme,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from patto.permissions import require_redazione
from zone.models import Zone

logger = logging.getLogger(__name__)


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
    require_redazione(by)
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
        copy_content(source=based_on, target=version, by=by)
    return version


@transaction.atomic
def submit_version(*, version: PlanVersion, by) -> PlanVersion:
    """Freeze a draft and send it to the zones (or to the redazione's own validation, for a
    programme without validating zones)."""
    require_redazione(by)
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
    _precompute_comparison(version)
    if version.programme.validating_zones.exists():
        notifications.after_commit(notifications.version_submitted, version.pk)
    notifications.after_commit(notifications.notify_followers, version.pk, "submitted")
    return version


def _precompute_comparison(version: PlanVersion) -> None:
    """Once the transaction commits, have a worker compute the comparison the public pages
    link to from ``version`` (with the previous public version), so that its first visitor
    does not wait for it. Asked again at each step of the lifecycle: the task does nothing
    when the comparison is kept already (and recomputes it if the cache lost it).
    robust: a broker that is down costs the first visitor the computation, never an error."""
    from patto.tasks import precompute_comparison  # the tasks module imports this one

    version_pk = version.pk
    transaction.on_commit(lambda: precompute_comparison.delay(version_pk), robust=True)


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
    notifications.after_commit(notifications.zone_decided, validation.pk)

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
            notifications.after_commit(notifications.version_validated, version.pk)
    return validation


@transaction.atomic
def validate_by_staff(*, version: PlanVersion, by) -> PlanVersion:
    """Validate a version of a programme that has no validating zones (the regional Patto)."""
    require_redazione(by)
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
    _precompute_comparison(version)
    if not _pdf_is_current(version):
        _queue_pdf_render(version)


@transaction.atomic
def publish_version(*, version: PlanVersion, by) -> PlanVersion:
    """Publish a validated version; the version published until now is archived and stays
    readable."""
    require_redazione(by)
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
    _precompute_comparison(version)
    if version.programme.validating_zones.exists():
        notifications.after_commit(notifications.version_published, version.pk)
    notifications.after_commit(notifications.notify_followers, version.pk, "published")
    return version


# The PDF of a version ---------------------------------------------------------------------
#
# While the PDF is pending or rendering, ``pdf_rendered_at`` holds when that state began (the
# claim of the worker that renders it); once the PDF is ready, when its file was written.

#: The versions that have a PDF: a validated version, and what it becomes.
PDF_VERSION_STATUSES = (VersionStatus.VALIDATED, VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)


def _pdf_is_current(version: PlanVersion) -> bool:
    """A ready PDF of exactly this content exists: rendering again would give the same."""
    return (
        version.pdf_status == PdfStatus.READY
        and bool(version.pdf_file)
        and version.pdf_fingerprint == version.fingerprint
    )


def pdf_claim_seconds() -> int:
    """How long a render may hold its claim: past this, the hard time limit would have stopped
    it, so its worker is gone."""
    return settings.CELERY_TASK_TIME_LIMIT + settings.PDF_CLAIM_MARGIN


def _abandoned_before():
    """A render queued or claimed before this moment has lost its worker."""
    return timezone.now() - timedelta(seconds=pdf_claim_seconds())


def pdf_render_in_progress(version_pk: int) -> bool:
    """Some worker holds the render of this version's PDF."""
    return PlanVersion.objects.filter(pk=version_pk, pdf_status=PdfStatus.RENDERING).exists()


def pdf_render_is_stuck(version: PlanVersion) -> bool:
    """True when the PDF has been pending or rendering for longer than any render may take
    (its message was lost, or its worker died): staff may then ask again."""
    return (
        version.pdf_status in (PdfStatus.PENDING, PdfStatus.RENDERING)
        and version.pdf_rendered_at is not None
        and version.pdf_rendered_at < _abandoned_before()
    )


def _pdf_renderer():
    """The function that turns a version into a ``pdf.RenderedPdf`` (a setting, so that a test
    worker can inject failures)."""
    return import_string(getattr(settings, "PDF_RENDERER", "patto.pdf.render_version"))


def _queue_pdf_render(version: PlanVersion) -> None:
    """Mark the locked ``version`` pending and enqueue its render once the transaction
    commits (a rolled-back validation enqueues nothing)."""
    from patto.tasks import render_version_pdf  # the tasks module imports this one

    version.pdf_status = PdfStatus.PENDING
    version.pdf_error = ""
    version.pdf_rendered_at = timezone.now()
    version.save(update_fields=["pdf_status", "pdf_error", "pdf_rendered_at"])
    version_pk = version.pk
    # robust: a broker that is down must not turn a committed validation into an error page;
    # the version stays pending, and the sweep (tasks.resume_pdf_renders: on every worker's
    # start and periodically from Celery beat) enqueues it again once the broker is back.
    transaction.on_commit(lambda: render_version_pdf.delay(version_pk), robust=True)


def pdf_renders_to_resume(*, queued_before=None) -> list[int]:
    """The versions whose render may have no message in the queue: pending since before
    ``queued_before`` (default: now — every pending render), or rendering under a claim that
    has expired (its worker died). Their message may have been lost between the commit and
    the broker (Redis was down) or with the broker itself; enqueueing one again is harmless,
    since a render is claimed with a conditional UPDATE and a ready PDF is not rendered twice.
    """
    queued_before = queued_before or timezone.now()
    due = Q(pdf_status=PdfStatus.PENDING, pdf_rendered_at__lte=queued_before) | Q(
        pdf_status=PdfStatus.PENDING, pdf_rendered_at__isnull=True
    )
    abandoned = Q(pdf_status=PdfStatus.RENDERING, pdf_rendered_at__lt=_abandoned_before())
    return list(
        PlanVersion.objects.filter(due | abandoned, status__in=PDF_VERSION_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def request_pdf_render(*, version: PlanVersion, by=None) -> PlanVersion:
    """Queue the rendering of ``version``'s PDF, to run once the transaction commits. Nothing
    happens when a PDF of exactly this content is ready or a render is under way. ``by`` is
    the staff member asking; None when the portal asks by itself (on validation)."""
    if by is not None:
        require_redazione(by)
    version = _locked(version)
    _require_status(version, *PDF_VERSION_STATUSES, action=_("preparare il PDF"))
    if _pdf_is_current(version):
        return version
    if version.pdf_status == PdfStatus.RENDERING and not pdf_render_is_stuck(version):
        return version
    _queue_pdf_render(version)
    return version


@transaction.atomic
def retry_pdf_render(*, version: PlanVersion, by) -> PlanVersion:
    """Try again a render that failed, or that has been stuck for longer than any render may
    take."""
    require_redazione(by)
    version = _locked(version)
    _require_status(version, *PDF_VERSION_STATUSES, action=_("riprovare il PDF"))
    if version.pdf_status != PdfStatus.FAILED and not pdf_render_is_stuck(version):
        raise TransitionError(
            _("Il PDF della versione %(number)s non è in errore: non c'è niente da riprovare.")
            % {"number": version.number},
            code="pdf_not_failed",
        )
    _queue_pdf_render(version)
    return version


def _pdf_error_message(exc: Exception, *, final: bool) -> str:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    if final:
        return message
    return _("Tentativo non riuscito, verrà ripetuto: %(error)s") % {"error": message}


def run_pdf_render(*, version_pk: int, final_attempt: bool = True) -> pdf.RenderedPdf | None:
    """Render and store the PDF of a version: the body of the Celery task.

    The render is taken with a conditional UPDATE (pending → rendering, or a stuck render
    taken over), so two workers never render the same version at once; when there is
    nothing to take (the PDF is ready, another worker has it, the version is not validated)
    nothing happens and None is returned. The file is stored only once complete, and the
    version points at it only after that. A failure is recorded — pending with the error
    while retries remain, failed on the last attempt — and re-raised for the task to retry;
    it never touches a stored file."""
    claimed_at = timezone.now()
    claimable = Q(pdf_status=PdfStatus.PENDING) | Q(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at__lt=_abandoned_before()
    )
    taken = PlanVersion.objects.filter(
        claimable, pk=version_pk, status__in=PDF_VERSION_STATUSES
    ).update(pdf_status=PdfStatus.RENDERING, pdf_rendered_at=claimed_at)
    if not taken:
        logger.info("PDF of version %s: nothing to render", version_pk)
        return None
    version = PlanVersion.objects.select_related("programme").get(pk=version_pk)
    ours = PlanVersion.objects.filter(
        pk=version_pk, pdf_status=PdfStatus.RENDERING, pdf_rendered_at=claimed_at
    )
    try:
        rendered = _pdf_renderer()(version)
        name = pdf.store_pdf(version, rendered.content)
    except Exception as exc:
        ours.update(
            pdf_status=PdfStatus.FAILED if final_attempt else PdfStatus.PENDING,
            pdf_error=_pdf_error_message(exc, final=final_attempt),
        )
        logger.warning("PDF of version %s failed: %s", version_pk, exc, exc_info=True)
        raise
    previous = version.pdf_file.name
    finished = ours.update(
        pdf_status=PdfStatus.READY,
        pdf_file=name,
        pdf_fingerprint=version.fingerprint,
        pdf_error="",
        pdf_rendered_at=timezone.now(),
    )
    if not finished:  # taken over meanwhile: the other render stores the same content
        logger.warning("PDF of version %s: the render was taken over", version_pk)
        return None
    if previous and previous != name:
        default_storage.delete(previous)
    logger.info(
        "PDF of version %s: %s pages in %.1f s", version_pk, rendered.pages, rendered.seconds
    )
    return rendered


def render_pdf_now(*, version: PlanVersion, force: bool = False) -> pdf.RenderedPdf | None:
    """Render ``version``'s PDF in this process, for operators (``manage.py render_pdf``).

    Returns None when a PDF of this content is ready and ``force`` is not given. With
    ``force`` a ready PDF is rendered again and replaced only once the new file is complete:
    the download stays available throughout, and a failure leaves it as it was. A version
    without a ready PDF goes through the same lifecycle as in a worker (a failure ends in
    ``failed``), taking over a render under way only with ``force``."""
    version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
    _require_status(version, *PDF_VERSION_STATUSES, action=_("preparare il PDF"))
    if _pdf_is_current(version):
        if not force:
            return None
        rendered = _pdf_renderer()(version)
        previous = version.pdf_file.name
        name = pdf.store_pdf(version, rendered.content)
        PlanVersion.objects.filter(pk=version.pk).update(
            pdf_file=name, pdf_rendered_at=timezone.now()
        )
        if previous and previous != name:
            default_storage.delete(previous)
        return rendered
    with transaction.atomic():
        version = _locked(version)
        busy = version.pdf_status == PdfStatus.RENDERING and not pdf_render_is_stuck(version)
        if busy and not force:
            raise TransitionError(
                _("Un worker sta già preparando il PDF di questa versione."), code="pdf_busy"
            )
        PlanVersion.objects.filter(pk=version.pk).update(
            pdf_status=PdfStatus.PENDING, pdf_error="", pdf_rendered_at=timezone.now()
        )
    return run_pdf_render(version_pk=version.pk)
