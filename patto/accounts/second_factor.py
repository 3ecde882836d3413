"""A second factor at login (allauth's ``allauth.mfa``): an authenticator app (TOTP) with its
recovery codes, or a security key (WebAuthn). Anyone may add one from their profile; with
``settings.MFA_REQUIRED_FOR_PRIVILEGED`` the privileged roles (``patto.accounts.roles``: the
redazione, the zones' spokespersons, the administrators) must, and
``patto.accounts.middleware`` sends them to set it up before any other page.

``MFAAdapter`` gives allauth the portal's words: its error messages and the names of the keys,
in Italian and in the second person singular."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patto.accounts.roles import request_roles

# What counts as a second factor: recovery codes only stand in for one.
FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

# The URL names a person who must still set up a second factor may visit: the pages that set it
# up (and the password confirmation they may ask for first), logging out, and their e-mail
# address with its confirmation link: allauth adds a second factor only to an account whose
# addresses are all confirmed, so a change of address left halfway must be finished or undone.
SETUP_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "account_email",
    "account_confirm_email",
}


def has_second_factor(user) -> bool:
    """An authenticator app or a security key. Runs a query."""
    return is_mfa_enabled(user, FACTORS)


def required_by(request) -> str | None:
    """If a second factor is required of the logged-in person, the area that requires it
    (``"redazione"``, ``"portavoce"`` or ``"admin"``, for the explanation); else None. Runs no
    query when the setting is off or nobody is logged in."""
    user = request.user
    if not settings.MFA_REQUIRED_FOR_PRIVILEGED or not user.is_authenticated:
        return None
    roles = request_roles(request)
    if roles["redazione"]:
        return "redazione"
    if roles["spokesperson"]:
        return "portavoce"
    return "admin" if roles["admin"] else None


def is_setup_page(url_name: str | None) -> bool:
    return bool(url_name) and (url_name.startswith("mfa_") or url_name in SETUP_URL_NAMES)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        "add_email_blocked": _(
            "Il tuo account è protetto dalla verifica in due passaggi: non puoi aggiungere un "
            "altro indirizzo email."
        ),
        "cannot_delete_authenticator": _("Non puoi disattivare la verifica in due passaggi."),
        "cannot_generate_recovery_codes": _(
            "I codici di recupero servono solo con la verifica in due passaggi attiva: prima "
            "attivala."
        ),
        "incorrect_code": _(
            "Il codice non è giusto. Scrivi quello che l'app mostra in questo momento: cambia "
            "ogni 30 secondi."
        ),
        "unverified_email": _(
            "Prima di attivare la verifica in due passaggi devi confermare il tuo indirizzo "
            "email: apri il collegamento che ti abbiamo mandato."
        ),
    }

    def generate_authenticator_name(self, user, type: Authenticator.Type) -> str:
        count = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        if count == 0:
            return gettext("Chiave principale")
        if count == 1:
            return gettext("Chiave di riserva")
        return gettext("Chiave n. %(number)s") % {"number": count + 1}
