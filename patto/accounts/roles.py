"""The roles of the logged-in person, read once per request: the areas they may enter (the
header's links) and whether they are *privileged*, that is someone a second factor may be
required of (``patto.accounts.second_factor``). Built on ``patto.core.permissions`` and
``patto.validation.permissions``, which decide who is in the redazione and who speaks for a
zone."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from patto.core.permissions import is_redazione
from patto.validation.permissions import is_spokesperson


def roles_of(user) -> dict:
    """``redazione`` (superusers included), ``spokesperson`` (speaks for a zone today),
    ``admin`` (may enter the Django admin) and ``privileged`` (any of them). Runs up to two
    queries."""
    redazione = is_redazione(user)
    spokesperson = is_spokesperson(user)
    admin = bool(user.is_authenticated and user.is_active and user.is_staff)
    return {
        "redazione": redazione,
        "spokesperson": spokesperson,
        "admin": admin,
        "privileged": redazione or spokesperson or admin,
    }


def request_roles(request) -> dict:
    """``roles_of(request.user)``, read once per request and per person (a login in the middle
    of a request changes the person)."""
    user = request.user
    cached = getattr(request, "_patto_roles", None)
    if cached is None or cached[0] != user.pk:
        cached = request._patto_roles = (user.pk, roles_of(user))
    return cached[1]


def landing_page(user) -> str:
    """Where ``user`` lands after logging in without asking for a page: the redazione's
    dashboard, the spokesperson's home (their zone's decisions and monitoring), else the home
    page. Up to two queries."""
    roles = roles_of(user)
    if roles["redazione"]:
        return reverse("redazione:dashboard")
    if roles["spokesperson"]:
        return reverse("portavoce:home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)
