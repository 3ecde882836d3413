"""The other ways to confirm it is you, on the pages that ask for it again (templates/mfa/)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# allauth's ways the portal offers, in its words; not a code by e-mail, which has no page of the
# portal's.
LABELS = {
    "reauthenticate": _("Scrivi la password"),
    "mfa_reauthenticate": _("Usa il codice dell'app o un codice di recupero"),
    "mfa_reauthenticate:webauthn": _("Usa la chiave di sicurezza"),
}


@register.filter
def reauthentication_choices(alternatives) -> list[dict]:
    """allauth's ``reauthentication_alternatives`` the portal offers: ``url`` and ``label``."""
    return [
        {"url": alternative["url"], "label": LABELS[alternative["id"]]}
        for alternative in alternatives or []
        if alternative.get("id") in LABELS
    ]
