"""What a person does with their own account: their profile, which e-mails they receive, the
programmes they follow, and deleting the account.

Deleting an account removes the person, not what they said: their contributions stay public
without their name; their meeting registrations are cancelled; what they follow and their
e-mail preferences go with them. Regional staff and zone spokespersons (present or past) cannot
delete their own account: the validations, versions and decisions they signed are part of the
public record of a plan. An administrator deactivates such an account instead."""

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from incontri.services import cancel_future_registrations
from patto.mail.participants import EmailTopic
from patto.models import (
    EmailOptOut,
    Follow,
    OutgoingEmail,
    PlanVersion,
    Programme,
    Validation,
)
from tavoli.models import Comment, Contribution, Moderation

PROFILE_FIELDS = ("first_name", "last_name", "body_name", "actor_category")


class ProfileConflict(ValidationError):
    """The profile was saved elsewhere (another tab, another device) after this form opened.
    ``current`` is the person as saved now."""

    def __init__(self, current, message, code=None):
        self.current = current
        super().__init__(message, code=code)


def profile_fingerprint(user) -> str:
    """A short digest of the profile's current values: the profile form carries it, and a save
    made from an outdated form is refused (the safe equivalent of a revision number)."""
    values = "\x1f".join(str(getattr(user, name)) for name in PROFILE_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:32]


@transaction.atomic
def update_profile(*, user, loaded: str, **values):
    """Save name, body and category. ``loaded`` is the fingerprint the form was opened with."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    current = get_user_model().objects.select_for_update().get(pk=user.pk)
    if profile_fingerprint(current) != loaded:
        raise ProfileConflict(
            current,
            _(
                "Il profilo è stato modificato in un'altra finestra dopo che hai aperto questa "
                "pagina: qui sotto trovi i valori salvati ora. Ricontrolla e salva di nuovo."
            ),
            code="conflict",
        )
    for name, value in values.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.full_clean(exclude=["password", "username", "email"])
    current.save(update_fields=list(values))
    for name in values:
        setattr(user, name, getattr(current, name))
    return current


# E-mail preferences ------------------------------------------------------------------------


def email_preferences(user) -> dict[str, bool]:
    """Topic → whether the person receives it. One query."""
    opted_out = set(EmailOptOut.objects.filter(user=user).values_list("topic", flat=True))
    return {topic: topic not in opted_out for topic in EmailTopic.values}


@transaction.atomic
def set_email_preferences(*, user, receive: dict[str, bool]) -> None:
    """``receive`` maps topics to whether the person wants them; topics not named are left
    alone. Following a programme is its own choice: turning FOLLOWING off stops every
    programme's news without forgetting which programmes are followed."""
    for topic, wanted in receive.items():
        if topic not in EmailTopic.values:
            raise ValueError(f"unknown e-mail topic {topic!r}")
        if wanted:
            EmailOptOut.objects.filter(user=user, topic=topic).delete()
        else:
            EmailOptOut.objects.get_or_create(user=user, topic=topic)


# Following a programme ----------------------------------------------------------------------


def follow_programme(*, user, programme: Programme) -> Follow:
    """Idempotent: following twice is following once."""
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(user=user, programme=programme)
    except IntegrityError:  # the same person clicked twice at the same instant
        follow = Follow.objects.get(user=user, programme=programme)
    return follow


def unfollow_programme(*, user, programme: Programme) -> None:
    Follow.objects.filter(user=user, programme=programme).delete()


# Deleting an account -------------------------------------------------------------------------


def deletion_refused_because(user) -> str | None:
    """Why this account cannot be deleted by its owner, or None. Runs a few queries."""
    if user.is_staff or user.is_superuser or user.is_redazione:
        return _(
            "Chi fa parte della redazione non può eliminare il proprio account: le versioni e "
            "le decisioni che ha firmato fanno parte del registro pubblico del piano. Chiedi a "
            "un amministratore di disattivarlo."
        )
    if (
        user.spokesperson_assignments.exists()
        or Validation.objects.filter(decided_by=user).exists()
    ):
        return _(
            "Chi è o è stato portavoce di una zona non può eliminare il proprio account: le "
            "decisioni della zona fanno parte del registro pubblico della validazione. Chiedi a "
            "un amministratore di disattivarlo."
        )
    signatures = Q(created_by=user) | Q(submitted_by=user) | Q(validated_by=user)
    if PlanVersion.objects.filter(signatures | Q(published_by=user)).exists():
        return _(
            "Il tuo nome compare nel registro di una versione del piano: chiedi a un "
            "amministratore di disattivare l'account."
        )
    return None


class AccountDeletionRefused(ValidationError):
    pass


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete ``user``: contributions and comments stay, without the author's name, but the
    contributions and comments they withdrew go (a contribution with its comments, each with
    its past revisions: they had taken them back); registrations are cancelled; follows, e-mail
    preferences, e-mail addresses and the account go, with the e-mails to them the outbox still
    holds."""
    reason = deletion_refused_because(user)
    if reason:
        raise AccountDeletionRefused(reason, code="protected_account")
    user = get_user_model().objects.select_for_update().get(pk=user.pk)

    # What they withdrew is not part of the record: it goes, with its past revisions.
    withdrawn = Contribution.objects.filter(author=user, moderation=Moderation.WITHDRAWN)
    withdrawn_ids = list(withdrawn.values_list("pk", flat=True))
    withdrawn.delete()  # then the history, with the revision the deletion just recorded
    Comment.history.filter(contribution_id__in=withdrawn_ids).delete()
    Contribution.history.filter(id__in=withdrawn_ids).delete()
    withdrawn = Comment.objects.filter(author=user, moderation=Moderation.WITHDRAWN)
    withdrawn_ids = list(withdrawn.values_list("pk", flat=True))
    withdrawn.delete()
    Comment.history.filter(id__in=withdrawn_ids).delete()

    # Contributions stay public, anonymised. The revision moves on, so a staff form opened
    # before cannot write the name back; the name also goes from their past revisions.
    Contribution.objects.filter(author=user).update(
        author=None, author_name="", signed_publicly=False, revision=F("revision") + 1
    )
    Contribution.history.filter(author_id=user.pk).update(
        author=None, author_name="", signed_publicly=False
    )
    Comment.objects.filter(author=user).update(
        author=None, author_name="", revision=F("revision") + 1
    )
    Comment.history.filter(author_id=user.pk).update(author=None, author_name="")

    # Registrations to meetings still ahead are cancelled, so their places go to the waiting
    # lists; then every registration goes with the account (Registration.user cascades).
    cancel_future_registrations(user=user)

    Follow.objects.filter(user=user).delete()
    EmailOptOut.objects.filter(user=user).delete()
    # what the outbox kept of the e-mails to them: their address and what the messages said
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    OutgoingEmail.objects.filter(to__in=[a for a in addresses if a]).delete()
    user.delete()
