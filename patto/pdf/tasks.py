"""The Celery tasks of the PDF: rendering a validated version's PDF, and the sweep that
re-enqueues renders whose message was lost (on every worker's start and from Celery beat)."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from patto.pdf import worker

logger = logging.getLogger(__name__)


# Exponential backoff between attempts: about 5 s, 10 s, 20 s (with full jitter), capped.
PDF_RETRY_BACKOFF = getattr(settings, "PDF_RETRY_BACKOFF", 5)

PDF_MAX_RETRIES = getattr(settings, "PDF_MAX_RETRIES", 3)


class FinalAttemptFailed(Exception):
    """The render failed on its last attempt (recorded as ``failed``): do not retry."""


# How a PDF render runs, the plan's and the monitoring report's: retried with backoff, the
# message acknowledged only once the task has finished and handed to another worker if this one
# dies mid-render, within the time limits; the last attempt's failure is recorded, not retried.
PDF_TASK_OPTIONS = {
    "bind": True,
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (FinalAttemptFailed,),
    "retry_backoff": PDF_RETRY_BACKOFF,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": PDF_MAX_RETRIES,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "ignore_result": True,
}


@shared_task(name="patto.render_version_pdf", **PDF_TASK_OPTIONS)
def render_version_pdf(self, version_pk: int) -> str:
    """Render the PDF of the version ``version_pk``. Re-reads the row; does nothing when the
    PDF is already ready or another worker is rendering it (see
    ``worker.run_pdf_render``)."""
    # Run eagerly (no broker: the embedded default) there is no one to retry later: the first
    # failure is final, and staff can retry from the version's page.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        rendered = worker.run_pdf_render(version_pk=version_pk, final_attempt=final_attempt)
    except Exception as exc:
        if final_attempt:
            raise FinalAttemptFailed(f"{type(exc).__name__}: {exc}") from exc
        raise
    if rendered is None:
        if not self.request.is_eager and worker.pdf_render_in_progress(version_pk):
            # Another worker holds the render (or held it and died: a message handed back
            # after a lost worker lands here). Look again once its claim has expired.
            render_version_pdf.apply_async((version_pk,), countdown=worker.pdf_claim_seconds())
            return "in progress elsewhere: checking again later"
        return "skipped"
    return f"{rendered.pages} pages in {rendered.seconds:.1f} s"


@shared_task(name="patto.resume_pdf_renders", ignore_result=True, acks_late=False)
def resume_pdf_renders(grace_seconds: int | None = None) -> list[int]:
    """Enqueue again every render that may have lost its message: pending for longer than
    ``grace_seconds`` (default ``PDF_SWEEP_GRACE``: a render queued a moment ago still has its
    message on its way), or claimed by a worker that died. Run by Celery beat every
    ``PDF_SWEEP_INTERVAL`` seconds and, with no grace, when a worker starts."""
    if grace_seconds is None:
        grace_seconds = settings.PDF_SWEEP_GRACE
    queued_before = timezone.now() - timedelta(seconds=grace_seconds)
    resumed = worker.pdf_renders_to_resume(queued_before=queued_before)
    for version_pk in resumed:
        render_version_pdf.delay(version_pk)
    if resumed:
        logger.info("PDF renders enqueued again: versions %s", resumed)
    return resumed


@worker_ready.connect
def resume_pdf_renders_on_start(sender=None, **kwargs):
    """A worker that starts (after a crash, a deploy, Redis coming back) first enqueues the
    renders still waiting, so none waits for the next beat."""
    try:
        resume_pdf_renders(grace_seconds=0)
    except Exception:  # a failing sweep must not stop the worker; beat tries again
        logger.exception("Could not resume the pending PDF renders")
