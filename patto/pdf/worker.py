"""What the worker does with a version's PDF: claim the render with a conditional UPDATE,
render, store the file, record a failure; and which renders have lost their worker or their
message (the sweep)."""

import logging
import resource
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf import document

logger = logging.getLogger(__name__)


#: The versions that have a PDF: a validated version, and what it becomes.
PDF_VERSION_STATUSES = (VersionStatus.VALIDATED, VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)


def pdf_is_current(version: PlanVersion) -> bool:
    """A ready PDF of exactly this content exists, its cover saying the version's present
    status (validated, published, archived): rendering again would give the same."""
    return (
        version.pdf_status == PdfStatus.READY
        and bool(version.pdf_file)
        and version.pdf_fingerprint == version.fingerprint
        and version.pdf_cover_status == version.status
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


def pdf_renderer():
    """The function that turns a version into a ``document.RenderedPdf`` (a setting, so that a test
    worker can inject failures)."""
    return import_string(getattr(settings, "PDF_RENDERER", "patto.pdf.document.render_version"))


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


def _pdf_error_message(exc: Exception, *, final: bool) -> str:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    if final:
        return message
    return _("Tentativo non riuscito, verrà ripetuto: %(error)s") % {"error": message}


def run_pdf_render(*, version_pk: int, final_attempt: bool = True) -> document.RenderedPdf | None:
    """Render and store the PDF of a version: the body of the Celery task.

    The render is taken with a conditional UPDATE (pending → rendering, or a stuck render
    taken over), so two workers never render the same version at once; when there is
    nothing to take (the PDF is ready, another worker has it, the version is not validated)
    nothing happens and None is returned. The file is stored only once complete, and the
    version points at it only after that: until then the previous file, if any, stays the
    one downloaded. A failure is recorded — pending with the error while retries remain,
    failed on the last attempt — and re-raised for the task to retry; it never touches a
    stored file. The status printed on the cover is the one read here: a version published
    or archived meanwhile has queued a render of its own (``queue_pdf_render``), so this one
    finds its claim gone and stores nothing."""
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
    cpu_before = _cpu_seconds()
    try:
        rendered = pdf_renderer()(version)
        name = document.store_pdf(version, rendered.content)
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
        pdf_cover_status=version.status,
        pdf_error="",
        pdf_rendered_at=timezone.now(),
    )
    if not finished:
        # taken over meanwhile: by a render of the same document (same name, its file is that
        # one), or by the render a publication or an archiving queued, whose cover differs and
        # whose file has another name: this one is nobody's, remove it
        logger.warning("PDF of version %s: the render was taken over", version_pk)
        now = PlanVersion.objects.filter(pk=version_pk).values("status", "pdf_file").first()
        if now and now["status"] != version.status and now["pdf_file"] != name:
            default_storage.delete(name)
        return None
    if previous and previous != name:
        default_storage.delete(previous)
    # the process's peak memory since it started: what decides whether a worker is killed on a
    # large plan (see CELERY_WORKER_MAX_MEMORY_PER_CHILD in the settings)
    logger.info(
        "PDF of version %s: %s pages in %.1f s (%.1f s of CPU), peak memory of this process %d MB",
        version_pk,
        rendered.pages,
        rendered.seconds,
        _cpu_seconds() - cpu_before,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,  # Linux: kilobytes
    )
    return rendered


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
