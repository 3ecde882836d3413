"""E-mails about a version's life, sent by Celery after the transaction that caused them has
committed. Each task receives primary keys, re-reads the rows, and sends one message per
recipient in Italian (text and HTML)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from patto.mail.outbox import mail_task
from patto.mail.participants import EmailTopic, send_participant_mail
from patto.mail.sending import absolute, send_templated
from patto.models import REDAZIONE_GROUP, Follow, PlanVersion, Validation
from zone.models import SpokespersonAssignment


def _send(template: str, context: dict, recipients) -> int:
    return sum(
        send_templated(f"patto/email/{template}", context, email)
        for email in sorted({r for r in recipients if r})
    )


def _spokesperson_emails(version) -> list[str]:
    return list(
        SpokespersonAssignment.objects.current()
        .filter(zone__in=version.programme.validating_zones.all(), user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _staff_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=REDAZIONE_GROUP, is_active=True)
        .values_list("email", flat=True)
    )


def _version_context(version) -> dict:
    return {
        "version": version,
        "programme": version.programme,
        "public_url": absolute(version.get_absolute_url()),
        "spokesperson_url": absolute(reverse("portavoce:home")),
        "staff_url": absolute(reverse("redazione:programme", args=[version.programme.slug])),
    }


@mail_task("patto.programme.notifications.version_submitted")
def version_submitted(version_id: int) -> int:
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    return _send("version_submitted", _version_context(version), _spokesperson_emails(version))


@mail_task("patto.programme.notifications.zone_decided")
def zone_decided(validation_id: int) -> int:
    validation = Validation.objects.select_related("version__programme", "zone", "decided_by").get(
        pk=validation_id
    )
    context = {**_version_context(validation.version), "validation": validation}
    return _send("zone_decided", context, _staff_emails())


@mail_task("patto.programme.notifications.version_validated")
def version_validated(version_id: int) -> int:
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    return _send("version_validated", _version_context(version), _staff_emails())


@mail_task("patto.programme.notifications.version_published")
def version_published(version_id: int) -> int:
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    return _send("version_published", _version_context(version), _spokesperson_emails(version))


@mail_task("patto.programme.notifications.version_withdrawn")
def version_withdrawn(version_id: int) -> int:
    """To the spokespersons of the validating zones: the version they were deciding on was
    withdrawn, why, and what became of their unsent drafts."""
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    return _send("version_withdrawn", _version_context(version), _spokesperson_emails(version))


FOLLOWER_TEMPLATES = {
    "submitted": "patto/email/follower_version_submitted",
    "published": "patto/email/follower_version_published",
    "withdrawn": "patto/email/follower_version_withdrawn",
}


@mail_task("patto.programme.notifications.notify_followers")
def notify_followers(version_id: int, event: str) -> int:
    """The e-mail of ``event`` (submitted, published, withdrawn) to each follower, within this
    one job: run again after a failure, it sends only to the followers it had not reached."""
    if event not in FOLLOWER_TEMPLATES:
        raise ValueError(f"unknown event {event!r}")
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    followers = Follow.objects.filter(programme_id=version.programme_id, user__is_active=True)
    users = get_user_model().objects.filter(pk__in=followers.values("user_id")).order_by("pk")
    context = _version_context(version)
    return sum(_follower_mail(version, user, event, context) for user in users.iterator())


@mail_task("patto.programme.notifications.follower_mail")
def follower_mail(version_id: int, user_id: int, event: str) -> int:
    """One follower's e-mail: kept for the messages an older release queued one per follower."""
    version = PlanVersion.objects.select_related("programme").get(pk=version_id)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:  # the account was deleted meanwhile
        return 0
    return _follower_mail(version, user, event, _version_context(version))


def _follower_mail(version, user, event: str, context: dict) -> int:
    return send_participant_mail(
        user,
        EmailTopic.FOLLOWING,
        FOLLOWER_TEMPLATES[event],
        context,
        programme=version.programme,
    )
