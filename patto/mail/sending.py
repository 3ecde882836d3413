"""How the portal's e-mails are sent: by a Celery task enqueued after the transaction that
caused them commits, retried while the mail server does not answer, with absolute links."""

from django.conf import settings
from django.db import transaction

RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "acks_late": True,
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def after_commit(task, *args) -> None:
    """Enqueue ``task`` once the current transaction has committed (never for a rollback).
    robust: when the broker is down the change stays committed and the page answers; the
    e-mail is not sent (logged), unlike a PDF render, which the sweep enqueues again."""
    transaction.on_commit(lambda: task.delay(*args), robust=True)
