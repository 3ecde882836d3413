"""How long a login lasts: a session ends after ``SESSION_IDLE_MINUTES`` without a request, and
``SESSION_MAX_HOURS`` after the login however active it is; for the privileged roles (the
redazione, the spokespersons, the administrators: ``patto.accounts.roles``) after
``SESSION_IDLE_MINUTES_PRIVILEGED`` and ``SESSION_MAX_HOURS_PRIVILEGED``.

The session holds the instant of the login and of the last request (rewritten at most once a
minute, so a busy person does not write their session on every page). An expired session is
ended and the person sent to the login page with a message saying why, back to the page they
were on once logged in again. Nothing typed is lost: when the request that finds the session
expired is a form, the text typed into it is kept in the new session and shown, ready to copy,
on that page once the person has logged in again (``kept_text``, a context processor).

A little before either end, every page of a logged-in person in the portal's layout (not the
Django admin's) says so (WCAG 2.2.1, Timing Adjustable): ``session_timing`` (a context
processor) gives the page the seconds left, and ``static/js/session.js`` shows a warning two
minutes before the idle end, with a button that keeps the session going
(:class:`SessionStatusView`, POST), and five minutes before the absolute end. Nothing extends
that one: a login that lasts for ever is what the limit is there to prevent, so it falls under
WCAG's "essential" exception, and the warning says to save. At the end the page asks the server
(GET, which neither extends nor ends the session) whether the session is still going (another
tab was used), ended, or closed."""

import time
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from patto.accounts.roles import request_roles

STARTED = "patto_login_at"
KEPT = "patto_kept_text"
# what a form sends that the person did not type
NOT_TYPED = {"csrfmiddlewaretoken", "revision", "expected_revision", "loaded", "step", "next"}
TYPED_MIN_LENGTH = 20  # shorter values are choices and numbers, easily chosen again
KEPT_TEXTS, KEPT_LENGTH = 10, 20_000
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
        if request.path in status_paths():
            return self.get_response(request)  # the view reads the session as it is
        if request.user.is_authenticated:
            now = time.time()
            if expired(request, now):
                return self._ended(request)
            if now - request.session[SEEN] > SEEN_RESOLUTION:
                request.session[SEEN] = now
        return self.get_response(request)

    def _ended(self, request):
        texts = typed_text(request)
        logout(request)
        if texts:
            request.session[KEPT] = {"path": request.path, "texts": texts}
            messages.info(
                request,
                _(
                    "Per sicurezza la tua sessione è scaduta e il modulo non è stato inviato. "
                    "Quello che hai scritto non è perso: accedi di nuovo e lo ritrovi nella "
                    "pagina, pronto da copiare."
                ),
            )
        else:
            messages.info(
                request,
                _("Per sicurezza la tua sessione è scaduta. Accedi di nuovo per continuare."),
            )
        back = request.get_full_path() if request.method == "GET" else request.path
        response = redirect_to_login(back)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response["Location"])
        return response


def typed_text(request) -> list[str]:
    """The texts a person typed into the form ``request`` sends (none for a GET): every value
    of at least ``TYPED_MIN_LENGTH`` characters, passwords and the form's own fields left out."""
    if request.method != "POST":
        return []
    texts = []
    for name, values in request.POST.lists():
        if name in NOT_TYPED or "password" in name:
            continue
        texts += [value[:KEPT_LENGTH] for value in values if len(value.strip()) >= TYPED_MIN_LENGTH]
    return texts[:KEPT_TEXTS]


def kept_text(request):
    """A context processor: on the page whose form found the session expired, once the person
    has logged in again, the texts they had typed (then forgotten: shown once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    kept = request.session.get(KEPT)
    if not kept or kept.get("path") != request.path:
        return {}
    del request.session[KEPT]
    return {"kept_texts": kept["texts"]}


def time_left(request, now: float) -> dict:
    """The seconds ``request``'s session has left before its idle end and its absolute end,
    and its idle lifetime (a person who was active just now gets that much again); ``login``
    names the login (its instant), so the tabs of one browser share only what is about it."""
    idle, absolute = lifetimes(request)
    session = request.session
    seen, started = session.get(SEEN, now), session.get(STARTED, now)
    return {
        "idle_seconds": idle,
        "idle_left": max(0, int(seen + idle - now)),
        "absolute_left": max(0, int(started + absolute - now)),
        "login": int(started),
    }


def session_timing(request):
    """A context processor: for a logged-in person, the time their session has left
    (:func:`time_left`, with the lifetimes in minutes and hours for the warning's words)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def timing():
        left = time_left(request, time.time())
        idle, absolute = lifetimes(request)
        return {**left, "idle_minutes": idle // 60, "absolute_hours": absolute // 3600}

    return {"session_timing": SimpleLazyObject(timing)}


@cache
def status_paths() -> frozenset[str]:
    """The address of :class:`SessionStatusView` in each language (as ``request.path`` has it,
    the script's prefix included)."""
    paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("profile:session"))
    return frozenset(paths)


class SessionStatusView(View):
    """How the session of the person asking stands, as JSON. GET tells without extending it;
    POST (the warning's «Continua la sessione», CSRF-protected) counts as activity and gives
    the idle time again. Neither ends an expired session: the form the person is writing finds
    it expired when sent, and keeps what was typed (:func:`typed_text`).

    ``{"state": "going", "idle_seconds", "idle_left", "absolute_left", "login"}``, ``{"state":
    "expired"}`` (a lifetime is over) or ``{"state": "closed"}`` (nobody is logged in: logged
    out, maybe in another tab)."""

    def get(self, request):
        return self.answer(request, extend=False)

    def post(self, request):
        return self.answer(request, extend=True)

    def answer(self, request, *, extend: bool) -> JsonResponse:
        if not request.user.is_authenticated:
            return self.json({"state": "closed"})
        now = time.time()
        if expired(request, now):
            return self.json({"state": "expired"})
        if extend:
            request.session[SEEN] = now
        return self.json({"state": "going", **time_left(request, now)})

    @staticmethod
    def json(data: dict) -> JsonResponse:
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response
