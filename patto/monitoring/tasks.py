"""The Celery tasks of the monitoring: the followers' weekly digest (owed by Celery beat,
sent through the outbox) and the rendering of a monitoring report's PDF."""

import datetime

from celery import shared_task
from django.db import transaction

from patto.mail import outbox
from patto.mail.outbox import mail_task
from patto.models import MailJob
from patto.monitoring import digest


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
