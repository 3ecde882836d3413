"""How the portal's e-mails are made: owed in the transaction that causes them
(``after_commit``, which writes a job to the outbox, ``patto.mail.outbox``), sent by a Celery
task with absolute links built from ``SITE_URL`` (never from the request's Host), each message
rendered from three templates in Italian by ``send_templated``."""

from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation

from patto.mail import outbox


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def after_commit(task, *args) -> None:
    """Owe the e-mails of ``task(*args)``: written now in the caller's transaction, published
    to the worker once it commits (never for a rollback), published again by the sweep if the
    broker was down or the worker died."""
    outbox.enqueue(task, *args)


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: a quote stays a quote, not
    ``&quot;`` (the text part of an e-mail is not HTML)."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_templated(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of ``template`` in Italian."""
    with translation.override("it"):
        subject = " ".join(render_text(f"{template}_subject.txt", context).split())
        text = render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_templated(template: str, context: dict, to: str, *, headers=None) -> int:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in Italian
    and send them to ``to`` through the outbox: every e-mail of the portal goes out through
    here or through ``outbox.store`` (the account e-mails). Returns the number of messages that
    left now (0 when this job had already sent it)."""
    return outbox.send(template, to, lambda: render_templated(template, context), headers=headers)
