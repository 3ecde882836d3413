"""What every request goes through before any view reads it: one middleware, three checks.

1. **The size of the body**, before anything parses it. Django would read (and spool to disk) a
   body of any size before a form could refuse it; here a request whose ``Content-Length`` is
   above the view's limit is answered 413 at once, its body never read. The limit is
   ``REQUEST_MAX_BODY_KB`` everywhere, and the upload limit plus a margin for the other fields
   on the views that take a file (``upload_limit_setting`` on the view class, naming the
   setting in megabytes). A body without a ``Content-Length`` is not read at all by Django's
   WSGI handler. The reverse proxy of a deployment sets the same ceiling in front (README).
2. **NUL characters**, which no text column of PostgreSQL can hold (it refuses the query, a
   500): in the path, the query string or a form's fields they are answered 400, in the
   portal's layout and language, before any view or cache looks at them. (The three views that
   take a file read their own bodies; their forms' text fields refuse NUL through Django's
   null-character validator.)
3. **Private pages stay private**: every response to a logged-in person carries
   ``Cache-Control: private, no-store``, so no shared cache or browser history keeps a profile,
   a staff page or an export with e-mail addresses.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from patto.cache.pages import request_language

# the other fields of a form that carries a file (its text fields, the CSRF token)
UPLOAD_MARGIN = 256 * 1024
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def upload_setting(view_func) -> str | None:
    """The setting (in megabytes) of the upload limit of a view that takes a file, or None."""
    view_class = getattr(view_func, "view_class", None)
    return getattr(view_class or view_func, "upload_limit_setting", None)


def body_limit(view_func) -> int:
    """The largest body, in bytes, the view ``view_func`` accepts."""
    setting = upload_setting(view_func)
    if setting:
        return getattr(settings, setting) * 1024 * 1024 + UPLOAD_MARGIN
    return settings.REQUEST_MAX_BODY_KB * 1024


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in querydict.lists()
    )


def refuse(request, status: int, message: str):
    """The page that says why, in the language of the address (before ``LocaleMiddleware``)."""
    with translation.override(request_language(request)):
        return render(request, "400.html", {"message": message()}, status=status)


class RequestGuardMiddleware:
    """The three checks above. In ``MIDDLEWARE`` right after the security headers, so the
    cached public pages, the session and CSRF never see a NUL character or an oversized
    body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or _has_nul(request.GET):
            return refuse(
                request,
                400,
                lambda: _(
                    "L'indirizzo contiene un carattere non valido. Controlla il collegamento "
                    "che hai seguito, oppure torna alla home."
                ),
            )
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = body_limit(view_func)
        if _content_length(request) > limit:
            return refuse(
                request,
                413,
                lambda: (
                    _(
                        "Hai inviato troppi dati in una volta (il massimo è %(limit)s). Non è "
                        "stato salvato niente: torna indietro, riduci il testo o il file e riprova."
                    )
                    % {"limit": _size(limit)}
                ),
            )
        # A view that takes a file is not read here: it sets its own upload handlers first
        # (the spreadsheet import stops an oversized file midway), and the text fields of
        # its form refuse NUL through Django's null-character validator.
        form = request.method == "POST" and request.content_type in FORM_CONTENT_TYPES
        if form and not upload_setting(view_func) and _has_nul(request.POST):
            return refuse(
                request,
                400,
                lambda: _(
                    "Il modulo contiene un carattere non valido (un carattere nullo, che "
                    "di solito arriva incollando testo da un altro programma). Non è stato "
                    "salvato niente: torna indietro, togli il carattere e riprova."
                ),
            )
        return None


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return _("%(n)s MB") % {"n": round(limit / (1024 * 1024))}
    return _("%(n)s kB") % {"n": round(limit / 1024)}


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form refused because its security token is missing or old (a
    page left open across a new login, cookies switched off), said in the portal's layout and
    language instead of Django's English page."""
    return render(request, "403_csrf.html", status=403)
