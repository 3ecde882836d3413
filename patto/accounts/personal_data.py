"""Everything the portal holds about a person, for them to download (GDPR art. 15 and 20): the
account, the e-mail addresses, the SPID or CIE identity (fiscal number) and second factors
(their kind and dates, never their secrets),
what they follow and the e-mails they turned off, their registrations, contributions and
comments (hidden and withdrawn ones too), their decisions and remarks as a spokesperson, the
e-mails the outbox still keeps for them, and the changes they made as staff.

Page ratings are not in it: they are anonymous and cannot be told apart (``patto.feedback``)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.utils import timezone

from incontri.models import Registration
from patto.models import (
    EmailOptOut,
    Follow,
    OutgoingEmail,
    SpidIdentity,
    Validation,
    ValidationRemark,
)
from tavoli.models import Comment, Contribution

FORMAT_VERSION = 1


def _when(value):
    return value.isoformat() if value else None


def _histories():
    """The history models (django-simple-history) whose rows name who made the change."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and any(
            f.name == "history_user" for f in model._meta.fields
        ):
            yield model


def personal_data(user) -> dict:
    """The person's data as plain JSON values. One query per kind of data, whatever its size."""
    addresses = list(EmailAddress.objects.filter(user=user).order_by("email"))
    emails = {user.email, *(a.email for a in addresses)} - {""}
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "body_name": user.body_name,
            "actor_category": user.actor_category,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
        # the SPID or CIE identity linked to the account (its fiscal number)
        "digital_identity": [
            {
                "fiscal_number": i.fiscal_number,
                "linked_at": _when(i.created_at),
                "last_login_at": _when(i.last_login_at),
                "identity_provider": i.last_idp,
            }
            for i in SpidIdentity.objects.filter(user=user)
        ],
        "second_factors": [
            {
                "type": a.type,
                "created_at": _when(a.created_at),
                "last_used_at": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "following": [
            {
                "programme": f.programme.title,
                "since": _when(f.created_at),
                "weekly_digest": f.monitoring_digest,
                "digest_sent_until": _when(f.digest_sent_until),
            }
            for f in Follow.objects.filter(user=user).select_related("programme").order_by("pk")
        ],
        "emails_turned_off": [
            {"topic": o.topic, "since": _when(o.created_at)}
            for o in EmailOptOut.objects.filter(user=user).order_by("pk")
        ],
        "meeting_registrations": [
            {
                "meeting": r.meeting.title,
                "date": _when(r.meeting.date),
                "start_time": _when(r.meeting.start_time),
                "status": r.status,
                "body_name": r.body_name,
                "actor_category": r.actor_category,
                "attended": r.attended,
                "registered_at": _when(r.created_at),
            }
            for r in Registration.objects.filter(user=user)
            .select_related("meeting")
            .order_by("created_at")
        ],
        "contributions": [
            {
                "programme": c.programme.title,
                "title": c.title,
                "text": c.text,
                "kind": c.kind,
                "channel": c.channel,
                "author_name": c.author_name,
                "signed_publicly": c.signed_publicly,
                "body_name": c.body_name,
                "actor_category": c.actor_category,
                "status": c.status,
                "moderation": c.moderation,
                "hidden_reason": c.hidden_reason,
                "withdrawn_at": _when(c.moderated_at) if c.is_withdrawn else None,
                "response": c.response,
                "answered_at": _when(c.answered_at),
                "created_at": _when(c.created_at),
                "updated_at": _when(c.updated_at),
            }
            for c in Contribution.objects.filter(author=user)
            .select_related("programme")
            .order_by("created_at")
        ],
        "comments": [
            {
                "on_contribution": c.contribution.title,
                "text": c.text,
                "author_name": c.author_name,
                "moderation": c.moderation,
                "hidden_reason": c.hidden_reason,
                "created_at": _when(c.created_at),
                "withdrawn_at": _when(c.moderated_at) if c.is_withdrawn else None,
            }
            for c in Comment.objects.filter(author=user)
            .select_related("contribution")
            .order_by("created_at")
        ],
        "validation_decisions": [
            {
                "programme": v.version.programme.title,
                "version": v.version.number,
                "zone": str(v.zone),
                "decision": v.decision,
                "reason": v.reason,
                "decided_at": _when(v.decided_at),
            }
            for v in Validation.objects.filter(decided_by=user)
            .select_related("version__programme", "zone")
            .order_by("decided_at")
        ],
        "validation_remarks": [
            {
                "programme": r.validation.version.programme.title,
                "version": r.validation.version.number,
                "item": r.item_label,
                "text": r.text,
            }
            for r in ValidationRemark.objects.filter(validation__decided_by=user)
            .select_related("validation__version__programme")
            .order_by("pk")
        ],
        "emails_kept": [
            {
                "to": m.to,
                "subject": m.subject,
                "text": m.text,
                "created_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
            }
            for m in OutgoingEmail.objects.filter(to__in=emails).order_by("created_at")
        ],
        "changes_made": [
            {
                "item": model.__name__.removeprefix("Historical"),
                "item_id": row.id,
                "change": row.history_type,
                "at": _when(row.history_date),
            }
            for model in _histories()
            for row in model.objects.filter(history_user=user).order_by("history_date")
        ],
    }
