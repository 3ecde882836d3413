"""How long a login lasts: a session ends after ``SESSION_IDLE_MINUTES`` without a request, and
``SESSION_MAX_HOURS`` after the login however active it is; for the privileged roles (the
redazione, the spokespersons, the administrators: ``patto.accounts.roles``) after
``SESSION_IDLE_MINUTES_PRIVILEGED`` and ``SESSION_MAX_HOURS_PRIVILEGED``.

The session holds the instant of the login and of the last request (rewritten at most once a
minute, so a busy person does not write their session on every page). An expired session is
ended and the person sent to the login page with a message saying why, back to the page they
were on once logged in again."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from patto.accounts.roles import request_roles

STARTED = "patto_login_at"
SEEN = "patto_seen_at"
# the last request's instant is written again only when it is older than this (seconds)
SEEN_RESOLUTION = 60


def lifetimes(request) -> tuple[int, int]:
    """(idle, absolute) lifetime in seconds of the session of ``request``'s person."""
    if request_roles(request)["privileged"]:
        return (
            settings.SESSION_IDLE_MINUTES_PRIVILEGED * 60,
            settings.SESSION_MAX_HOURS_PRIVILEGED * 3600,
        )
    return settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_MAX_HOURS * 3600


@receiver(user_logged_in, dispatch_uid="patto_session_started")
def _started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def expired(request, now: float) -> bool:
    session = request.session
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:  # a session from before this rule: starts now
        session[STARTED] = session[SEEN] = now
        return False
    idle, absolute = now - seen, now - started
    shortest = (
        min(settings.SESSION_IDLE_MINUTES, settings.SESSION_IDLE_MINUTES_PRIVILEGED) * 60,
        min(settings.SESSION_MAX_HOURS, settings.SESSION_MAX_HOURS_PRIVILEGED) * 3600,
    )
    if idle <= shortest[0] and absolute <= shortest[1]:
        return False  # within every lifetime: no need to know the person's roles
    max_idle, max_absolute = lifetimes(request)
    return idle > max_idle or absolute > max_absolute


class SessionExpiryMiddleware:
    """After the authentication, the messages and htmx middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if expired(request, now):
                return self._ended(request)
            if now - request.session[SEEN] > SEEN_RESOLUTION:
                request.session[SEEN] = now
        return self.get_response(request)

    def _ended(self, request):
        logout(request)
        messages.info(
            request,
            _("Per sicurezza la tua sessione è scaduta. Accedi di nuovo per continuare."),
        )
        back = request.get_full_path() if request.method == "GET" else request.path
        response = redirect_to_login(back)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response["Location"])
        return response
