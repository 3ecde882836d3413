"""The SPID button with its identity providers, where the portal asks to log in (the login page)
and on the profile (to link the identity to an account one already has). Nothing while
SPID_ENABLED is off."""

from django import template
from django.conf import settings

from patto.accounts.spid.registry import identity_providers

register = template.Library()


@register.inclusion_tag("spid/includes/login_buttons.html", takes_context=True)
def spid_login_buttons(context, next_url=""):
    if not settings.SPID_ENABLED:
        return {"enabled": False}
    request = context.get("request")
    if not next_url and request is not None:
        next_url = request.GET.get("next", "")
    return {"enabled": True, "identity_providers": identity_providers(), "next": next_url}
