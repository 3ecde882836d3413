"""The SPID button with its identity providers, where the portal asks to log in (the login page)
and on the profile (to link the identity to an account one already has). Nothing while
SPID_ENABLED is off."""

from django import template
from django.conf import settings
from django.urls import reverse

from patto.accounts.spid.registry import identity_providers

register = template.Library()


@register.inclusion_tag("spid/includes/login_buttons.html", takes_context=True)
def spid_login_buttons(context, next_url=""):
    if not settings.SPID_ENABLED:
        return {"enabled": False}
    request = context.get("request")
    if not next_url and request is not None:
        next_url = request.GET.get("next", "")
    return {
        "enabled": True,
        "identity_providers": identity_providers(),
        "next": next_url,
        "on_login_page": True,
    }


@register.inclusion_tag("spid/includes/profile_identity.html", takes_context=True)
def spid_profile_identity(context):
    """On the profile: the digital identity linked to the account, or the way to link one."""
    if not settings.SPID_ENABLED:
        return {"enabled": False}
    from patto.models import SpidIdentity

    user = context["request"].user
    return {
        "enabled": True,
        "identity": SpidIdentity.objects.filter(user=user).first(),
        "identity_providers": identity_providers(),
        "next": reverse("profile:detail"),
    }
