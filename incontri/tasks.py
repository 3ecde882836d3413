"""E-mails to the people registered for a meeting, sent by Celery after the transaction that
changed their registration has committed. Each task receives the registration's primary key,
re-reads it and sends nothing when the registration has changed since (a confirmation that
arrives after the person cancelled would only confuse), so running a task twice is harmless
apart from the message itself."""

from django.urls import reverse

from incontri.models import Registration, RegistrationStatus
from patto.mail.outbox import mail_task
from patto.mail.participants import EmailTopic, send_participant_mail
from patto.mail.sending import absolute


def _send(registration_id: int, status: str, template: str) -> int:
    registration = (
        Registration.objects.select_related("meeting__programme", "meeting__municipality", "user")
        .filter(pk=registration_id, status=status)
        .first()
    )
    if registration is None:
        return 0
    meeting = registration.meeting
    context = {
        "registration": registration,
        "meeting": meeting,
        "programme": meeting.programme,
        "meeting_url": absolute(reverse("incontri:detail", args=[meeting.pk])),
        "ics_url": absolute(reverse("incontri:ics", args=[meeting.pk])) if meeting.date else "",
    }
    return send_participant_mail(
        registration.user, EmailTopic.MEETINGS, f"incontri/email/{template}", context
    )


@mail_task("incontri.tasks.registration_confirmed")
def registration_confirmed(registration_id: int) -> int:
    return _send(registration_id, RegistrationStatus.CONFIRMED, "registration_confirmed")


@mail_task("incontri.tasks.registration_waiting")
def registration_waiting(registration_id: int) -> int:
    return _send(registration_id, RegistrationStatus.WAITING, "registration_waiting")


@mail_task("incontri.tasks.registration_promoted")
def registration_promoted(registration_id: int) -> int:
    return _send(registration_id, RegistrationStatus.CONFIRMED, "registration_promoted")


@mail_task("incontri.tasks.registration_cancelled")
def registration_cancelled(registration_id: int) -> int:
    return _send(registration_id, RegistrationStatus.CANCELLED, "registration_cancelled")
