"""The accounts of the people who log in with SPID or CIE: found by their fiscal number,
created at the first login, linked to an account one already has."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patto.accounts.spid.saml import Identity
from patto.models import SpidIdentity


class EmailNeeded(ValidationError):
    """The identity provider sent no e-mail address (the CIE never does): the person gives one,
    and confirms it, before the account is made."""


class EmailTaken(ValidationError):
    """Another account already has the identity's e-mail address: the person logs in to it
    with the password and links the identity from the profile."""


@transaction.atomic
def user_for_identity(*, identity: Identity, link_to=None, email: str = ""):
    """(user, created): the account of ``identity``; with ``link_to`` (a logged-in user who
    asked to link their identity) that account; else a new one, with the identity provider's
    name, surname and e-mail (confirmed: the identity provider has checked it) or, when it sent
    none, the ``email`` the person typed (to be confirmed by the link allauth sends)."""
    now = timezone.now()
    known = (
        SpidIdentity.objects.select_for_update()
        .select_related("user")
        .filter(fiscal_number=identity.fiscal_number)
        .first()
    )
    if known is not None:
        if link_to is not None and known.user_id != link_to.pk:
            raise ValidationError(
                _("Questa identità digitale è già collegata a un altro account."),
                code="linked_elsewhere",
            )
        known.last_login_at, known.last_idp = now, identity.idp
        known.save(update_fields=["last_login_at", "last_idp"])
        return known.user, False
    if link_to is not None:
        if SpidIdentity.objects.filter(user=link_to).exists():
            raise ValidationError(
                _("Il tuo account è già collegato a un'altra identità digitale."),
                code="other_identity",
            )
        SpidIdentity.objects.create(
            user=link_to,
            fiscal_number=identity.fiscal_number,
            last_login_at=now,
            last_idp=identity.idp,
        )
        return link_to, False
    User = get_user_model()
    verified = bool(identity.email)
    email = User.objects.normalize_email(identity.email or email)
    if not email:
        raise EmailNeeded(
            _("Il gestore dell'identità non ha mandato l'indirizzo email."), code="no_email"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(
            _(
                "Esiste già un account con l'indirizzo %(email)s: accedi con email e password "
                "e collega la tua identità digitale dal tuo profilo."
            )
            % {"email": email},
            code="email_taken",
        )
    user = User(
        username=f"spid-{identity.fiscal_number.lower()}",
        email=email,
        first_name=identity.given_name[:150],
        last_name=identity.family_name[:150],
    )
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    SpidIdentity.objects.create(
        user=user,
        fiscal_number=identity.fiscal_number,
        last_login_at=now,
        last_idp=identity.idp,
    )
    return user, True
