"""Nothing lost, nothing sent twice: the transactional outbox of the portal's e-mails.

A change that owes someone an e-mail writes a ``MailJob`` in its own transaction
(``enqueue``); only once that transaction has committed is the job's Celery task published.
If Redis is down at that moment, or a worker dies with the message, the row is still there:
the sweep (``patto.mail.resume_mail``, run by Celery beat and by every worker when it starts)
publishes it again until it is done.

A job's task works out its recipients when it runs and sends through ``send``: each message
is stored first as an ``OutgoingEmail``, unique by (job, address, template), and marked sent
in the transaction that holds its row lock while the mail server takes it. A job run again
(a retry, a message handed back after a lost worker, the sweep) skips what has left already.
The one window left is a worker dying between the mail server's answer and the commit of
``sent_at`` (microseconds): that message would go again, with the same ``Message-ID``, which
mail systems use to drop duplicates.

The account e-mails (sign-up, confirmation, password reset) are rendered in the request and
stored as an ``OutgoingEmail`` without a job (``store``), delivered by
``patto.mail.deliver_email`` after the commit, and swept the same way."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from urllib.parse import urlsplit

from celery import Task, current_app, shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from patto.models import MailJob, OutgoingEmail

logger = logging.getLogger(__name__)

_current_job: ContextVar[MailJob | None] = ContextVar("patto_mail_job", default=None)

JOB_KWARG = "mail_job"


def enqueue(task, *args) -> MailJob:
    """Owe the e-mails of ``task(*args)``: a row now, in the caller's transaction; the Celery
    message once it has committed (never for a rollback). With the broker down the change
    stays committed, the page answers, and the sweep publishes the job later."""
    job = MailJob.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: publish(task, job), robust=True)
    return job


def publish(task, job: MailJob) -> None:
    task.apply_async(tuple(job.args), {JOB_KWARG: job.pk})


class MailTask(Task):
    """The base of every task that sends e-mails: run with ``mail_job=<pk>`` (as ``enqueue``
    publishes it), the task runs inside its job, so ``send`` records and skips what it has
    sent, and the job is marked done when the task returns. A job already done does nothing.
    Called without a job (a message queued by an older release) it sends as before, each
    message still through the outbox."""

    # the job comes as a keyword the task's own signature does not name
    typing = False

    def __call__(self, *args, **kwargs):
        job_pk = kwargs.pop(JOB_KWARG, None)
        if job_pk is None:
            return super().__call__(*args, **kwargs)
        with running(job_pk) as job:
            if job is None:
                return 0
            return super().__call__(*args, **kwargs)


@contextmanager
def running(job_pk: int):
    """The job ``job_pk`` while its task runs (``None`` when it is done or gone): counts the
    run, records the error of a failed one, marks it done after a successful one."""
    job = MailJob.objects.filter(pk=job_pk, done_at__isnull=True).first()
    if job is None:
        yield None
        return
    MailJob.objects.filter(pk=job.pk).update(runs=F("runs") + 1)
    token = _current_job.set(job)
    try:
        yield job
    except BaseException as exc:
        MailJob.objects.filter(pk=job.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    else:
        MailJob.objects.filter(pk=job.pk).update(done_at=timezone.now(), last_error="")
    finally:
        _current_job.reset(token)


def message_id(email: OutgoingEmail) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "patto.localhost"
    return f"<patto.{email.pk}.{int(email.created_at.timestamp())}@{domain}>"


def as_message(email: OutgoingEmail) -> EmailMessage:
    headers = {**email.headers, "Message-ID": message_id(email)}
    message = EmailMultiAlternatives(
        email.subject, email.text, email.from_email, [email.to], headers=headers
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def send(template: str, to: str, render, *, headers=None) -> int:
    """Send one message to ``to``, once per job: ``render()`` gives (subject, text, html) and
    is called only when the message has not been stored yet. Returns 1 when a message left
    now, 0 when it had already left."""
    job = _current_job.get()
    email = None
    if job is not None:
        email = OutgoingEmail.objects.filter(job=job, to=to, template=template).first()
        if email is not None and email.sent_at is not None:
            return 0
    if email is None:
        subject, text, html = render()
        content = {
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "subject": subject,
            "text": text,
            "html": html,
            "headers": dict(headers or {}),
        }
        if job is None:
            email = OutgoingEmail.objects.create(to=to, template=template, **content)
        else:
            email, _created = OutgoingEmail.objects.get_or_create(
                job=job, to=to, template=template, defaults=content
            )
    return deliver(email.pk)


def store(message: EmailMessage, template: str) -> list[OutgoingEmail]:
    """Keep a message rendered elsewhere (allauth's account e-mails), one row per address,
    and deliver each from the worker once the caller's transaction has committed."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    rows = [
        OutgoingEmail.objects.create(
            to=address,
            template=template,
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            subject=message.subject,
            text=message.body,
            html=html,
            headers={k: str(v) for k, v in (message.extra_headers or {}).items()},
        )
        for address in message.to
    ]
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: deliver_email.delay(pk), robust=True)
    return rows


def deliver(pk: int) -> int:
    """Hand the message ``pk`` to the mail server unless it has left already or another
    worker is sending it now (its row is locked). Returns 1 when it left now."""
    try:
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if email is None:
                return 0
            as_message(email).send()
            OutgoingEmail.objects.filter(pk=pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
        return 1
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def mail_task(name: str):
    """The decorator of a task that sends e-mails: a ``MailTask`` with the outbox's retries."""
    return shared_task(name=name, base=MailTask, **RETRY)


@shared_task(name="patto.mail.deliver_email", ignore_result=True, **RETRY)
def deliver_email(pk: int) -> int:
    return deliver(pk)


@shared_task(name="patto.mail.resume_mail", ignore_result=True, acks_late=False)
def resume_mail(grace_seconds: int | None = None) -> dict:
    """Publish again every job not done and deliver every account e-mail not sent, older than
    ``grace_seconds`` (default ``MAIL_SWEEP_GRACE``: younger ones still have their message on
    its way), each at most ``MAIL_MAX_ATTEMPTS`` times: after that it waits for an operator
    (the admin's "E-mail in uscita" shows it with its last error)."""
    if grace_seconds is None:
        grace_seconds = settings.MAIL_SWEEP_GRACE
    before = timezone.now() - timedelta(seconds=grace_seconds)
    limit = settings.MAIL_MAX_ATTEMPTS
    jobs = list(
        MailJob.objects.filter(
            done_at__isnull=True, created_at__lt=before, runs__lt=limit
        ).order_by("pk")[:1000]
    )
    for job in jobs:
        task = current_app.tasks.get(job.task)
        if task is None:
            logger.error("E-mail job %s names an unknown task %s", job.pk, job.task)
            continue
        publish(task, job)
    emails = list(
        OutgoingEmail.objects.filter(
            job__isnull=True, sent_at__isnull=True, created_at__lt=before, attempts__lt=limit
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in emails:
        deliver_email.delay(pk)
    if jobs or emails:
        logger.info("E-mails enqueued again: jobs %s, messages %s", [j.pk for j in jobs], emails)
    forget_sent()
    return {"jobs": [j.pk for j in jobs], "emails": emails}


def forget_sent() -> None:
    """The outbox keeps what it has sent for ``MAIL_KEEP_DAYS`` (for a check, in the admin),
    then forgets it: addresses and messages are personal data."""
    before = timezone.now() - timedelta(days=settings.MAIL_KEEP_DAYS)
    OutgoingEmail.objects.filter(sent_at__lt=before).delete()
    MailJob.objects.filter(done_at__lt=before).delete()


@worker_ready.connect
def resume_mail_on_start(sender=None, **kwargs):
    """A worker that starts first publishes the e-mails still owed, so none waits for beat."""
    try:
        resume_mail(grace_seconds=0)
    except Exception:  # a failing sweep must not stop the worker; beat tries again
        logger.exception("Could not resume the pending e-mails")
