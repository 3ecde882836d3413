"""How the portal's e-mails are sent: by a Celery task enqueued after the transaction that
caused them commits, retried while the mail server does not answer, with absolute links, each
message rendered from three templates in Italian by ``send_templated``."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

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


def send_templated(template: str, context: dict, to: str, *, headers=None) -> int:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in Italian
    and send them to ``to``: every e-mail of the portal goes out through here. Returns the
    number of messages sent."""
    with translation.override("it"):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message.send()
