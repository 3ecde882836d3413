"""Background work of the programme: rendering a validated version's PDF."""

from celery import shared_task
from django.conf import settings

from patto import services

# Exponential backoff between attempts: about 5 s, 10 s, 20 s (with full jitter), capped.
PDF_RETRY_BACKOFF = getattr(settings, "PDF_RETRY_BACKOFF", 5)
PDF_MAX_RETRIES = getattr(settings, "PDF_MAX_RETRIES", 3)


class FinalAttemptFailed(Exception):
    """The render failed on its last attempt (recorded as ``failed``): do not retry."""


@shared_task(
    bind=True,
    name="patto.render_version_pdf",
    autoretry_for=(Exception,),
    dont_autoretry_for=(FinalAttemptFailed,),
    retry_backoff=PDF_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=PDF_MAX_RETRIES,
    # the message is acknowledged only once the task has finished, and handed to another
    # worker if this one dies mid-render
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    ignore_result=True,
)
def render_version_pdf(self, version_pk: int) -> str:
    """Render the PDF of the version ``version_pk``. Re-reads the row; does nothing when the
    PDF is already ready or another worker is rendering it (see
    ``services.run_pdf_render``)."""
    # Run eagerly (no broker: the embedded default) there is no one to retry later: the first
    # failure is final, and staff can retry from the version's page.
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        rendered = services.run_pdf_render(version_pk=version_pk, final_attempt=final_attempt)
    except Exception as exc:
        if final_attempt:
            raise FinalAttemptFailed(f"{type(exc).__name__}: {exc}") from exc
        raise
    if rendered is None:
        if not self.request.is_eager and services.pdf_render_in_progress(version_pk):
            # Another worker holds the render (or held it and died: a message handed back
            # after a lost worker lands here). Look again once its claim has expired.
            render_version_pdf.apply_async((version_pk,), countdown=services.pdf_claim_seconds())
            return "in progress elsewhere: checking again later"
        return "skipped"
    return f"{rendered.pages} pages in {rendered.seconds:.1f} s"
