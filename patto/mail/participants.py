"""E-mails to the people who take part (followers, authors of contributions, people registered
for a meeting), each with a one-click unsubscribe.

Every message carries a signed link that needs no login: following it shows a page with one
button; mail clients that support RFC 8058 unsubscribe with a single POST to the same address
(the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers). Unsubscribing from a
programme's news stops following that programme; any other topic is recorded as an
``EmailOptOut``."""

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from patto.mail.sending import absolute, send_templated
from patto.models import EmailOptOut, Follow, Programme

SALT = "patto.unsubscribe"


class EmailTopic(models.TextChoices):
    FOLLOWING = "following", _("le novità dei programmi che segui")
    ANSWERS = "answers", _("le risposte ai tuoi contributi e i commenti ricevuti")
    MEETINGS = "meetings", _("le tue iscrizioni agli incontri")
    DIGEST = "digest", _("il riepilogo settimanale dell'attuazione dei programmi che segui")


# The topics whose unsubscribe link names one programme.
PROGRAMME_TOPICS = (EmailTopic.FOLLOWING, EmailTopic.DIGEST)


def unsubscribe_token(user, topic, programme=None) -> str:
    payload = {"u": user.pk, "t": str(topic)}
    if programme is not None:
        payload["p"] = programme.pk
    return signing.dumps(payload, salt=SALT, compress=True)


def unsubscribe_url(user, topic, programme=None) -> str:
    """An absolute address that unsubscribes ``user`` from ``topic`` (for FOLLOWING and
    DIGEST, from ``programme``) without logging in."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("unsubscribe", args=[unsubscribe_token(user, topic, programme)])
    return absolute(path)


class Unsubscription:
    """What a token asks for, read back: the person, the topic and (for FOLLOWING) the
    programme. ``None`` from ``parse`` when the token was tampered with or names no one."""

    def __init__(self, user, topic: str, programme):
        self.user, self.topic, self.programme = user, topic, programme

    @classmethod
    def parse(cls, token: str):
        from django.contrib.auth import get_user_model

        try:
            payload = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
        topic = payload.get("t")
        if topic not in EmailTopic.values:
            return None
        user = get_user_model().objects.filter(pk=payload.get("u")).first()
        if user is None:
            return None
        programme = None
        if topic in PROGRAMME_TOPICS and payload.get("p") is not None:
            programme = Programme.objects.filter(pk=payload["p"]).first()
            if programme is None:
                return None
        return cls(user, topic, programme)

    @property
    def topic_label(self):
        return EmailTopic(self.topic).label

    @property
    def is_digest(self) -> bool:
        return self.topic == EmailTopic.DIGEST and self.programme is not None

    def is_done(self) -> bool:
        if self.is_digest:
            return not Follow.objects.filter(
                user=self.user, programme=self.programme, monitoring_digest=True
            ).exists()
        if self.programme is not None:
            return not Follow.objects.filter(user=self.user, programme=self.programme).exists()
        return EmailOptOut.objects.filter(user=self.user, topic=self.topic).exists()

    def apply(self) -> None:
        """Idempotent: unsubscribing twice is the same as once."""
        if self.is_digest:
            Follow.objects.filter(user=self.user, programme=self.programme).update(
                monitoring_digest=False
            )
        elif self.programme is not None:
            Follow.objects.filter(user=self.user, programme=self.programme).delete()
        else:
            EmailOptOut.objects.get_or_create(user=self.user, topic=self.topic)


def wants(user, topic, programme=None) -> bool:
    """Whether ``user`` still receives e-mails on ``topic`` (and, for FOLLOWING, still follows
    ``programme``; for DIGEST, still asks for its weekly digest)."""
    if not user.is_active or not user.email:
        return False
    if EmailOptOut.objects.filter(user=user, topic=topic).exists():
        return False
    if topic == EmailTopic.FOLLOWING:
        return (
            programme is not None and Follow.objects.filter(user=user, programme=programme).exists()
        )
    if topic == EmailTopic.DIGEST:
        return (
            programme is not None
            and Follow.objects.filter(
                user=user, programme=programme, monitoring_digest=True
            ).exists()
        )
    return True


def send_participant_mail(user, topic, template: str, context: dict, programme=None) -> int:
    """Send ``template`` (``<template>_subject.txt``, ``.txt``, ``.html``) to ``user`` in
    Italian, with the unsubscribe link and headers. Returns the number of messages sent: 0 when
    the person no longer wants this topic."""
    if not wants(user, topic, programme):
        return 0
    link = unsubscribe_url(user, topic, programme)
    context = {
        **context,
        "user": user,
        "unsubscribe_url": link,
        "unsubscribe_topic": EmailTopic(topic).label,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    return send_templated(
        template,
        context,
        user.email,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
