"""The Celery tasks of the monitoring: the followers' weekly digest (owed by Celery beat,
sent through the outbox) and the rendering of a monitoring report's PDF."""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import transaction

from patto.mail import outbox
from patto.mail.outbox import mail_task
from patto.models import MailJob
from patto.monitoring import digest, report
from patto.pdf.tasks import PDF_TASK_OPTIONS, FinalAttemptFailed

logger = logging.getLogger(__name__)


@mail_task("patto.monitoring.send_digests")
def send_digests(week_end: str) -> int:
    """The digests of the week ending at ``week_end`` (ISO 8601), one per follower who asked
    for it and has something new: run again, it sends nothing twice."""
    return digest.send_digests(datetime.datetime.fromisoformat(week_end))


@shared_task(name="patto.monitoring.weekly_digest", ignore_result=True, acks_late=False)
def weekly_digest() -> int | None:
    """Run by Celery beat every Monday morning: owe this week's digests (an outbox job,
    published once written; none when the week already has one). Returns the job's id."""
    stamp = digest.week_end().isoformat()
    with transaction.atomic():
        digest.lock_week(stamp)
        if MailJob.objects.filter(task=send_digests.name, args=[stamp]).exists():
            return None
        return outbox.enqueue(send_digests, stamp).pk


@shared_task(name="patto.monitoring.render_monitoring_report", **PDF_TASK_OPTIONS)
def render_monitoring_report(self, report_pk: int) -> str:
    """Render the PDF of the monitoring report ``report_pk`` (see
    ``report.run_report_render``): re-reads the row, does nothing when another worker has it
    or it is ready; a failure is retried, the last one recorded as failed for the staff."""
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        rendered = report.run_report_render(report_pk=report_pk, final_attempt=final_attempt)
    except Exception as exc:
        if final_attempt:
            raise FinalAttemptFailed(f"{type(exc).__name__}: {exc}") from exc
        raise
    if rendered is None:
        return "skipped"
    return f"{rendered.pages} pages in {rendered.seconds:.1f} s"


@shared_task(name="patto.monitoring.resume_reports", ignore_result=True, acks_late=False)
def resume_reports(grace_seconds: int | None = None) -> list[int]:
    """Enqueue again the reports whose message or worker was lost (harmless otherwise: a
    render is claimed once). Run by Celery beat and, with no grace, when a worker starts."""
    if grace_seconds is None:
        grace_seconds = settings.PDF_SWEEP_GRACE
    resumed = report.reports_to_resume(grace_seconds=grace_seconds)
    for pk in resumed:
        render_monitoring_report.delay(pk)
    if resumed:
        logger.info("Monitoring reports enqueued again: %s", resumed)
    return resumed


@worker_ready.connect
def resume_reports_on_start(sender=None, **kwargs):
    try:
        resume_reports(grace_seconds=0)
    except Exception:  # a failing sweep must not stop the worker; beat tries again
        logger.exception("Could not resume the pending monitoring reports")
