"""The public pages as anonymous visitors get them, served from Django's cache (Redis when
``REDIS_URL`` is set, local memory otherwise) and answered with 304 when the visitor already
has them.

Freshness is exact, not a TTL: every cached page is keyed on the *content generation*, a stamp
that any save, delete or many-to-many change of the portal's models replaces (the signal
receivers below; the few queryset ``update()`` calls that change public state call
:func:`content_changed` themselves). The stamp is replaced at once and again after the
transaction commits, so a page rendered from data read before the commit cannot be stored under
the stamp that follows it.

Only what every anonymous visitor shares is stored: a page is neither stored nor served when the
visitor is logged in, has messages waiting, or when rendering it used a CSRF token or set a
cookie (that page holds something of this visitor's own). The heavy content of frozen versions
is cached separately, by version and fingerprint (:func:`frozen_fragment`), so it survives new
generations and serves logged-in users too.
"""

import hashlib
import time
from functools import wraps
from uuid import uuid4

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
# Pages are exact through the generation; the timeout only lets Redis or the local cache drop
# pages nobody asks for (an action list can be filtered in many ways).
PAGE_TIMEOUT = 24 * 3600
# Pages that depend on the time of day (consultation windows, upcoming meetings) are at most
# this many seconds behind the clock; behind the data, never.
CLOCK_STEP = 60
CONTENT_APPS = {"patto", "matrice", "tavoli", "incontri", "zone"}


def generation() -> str:
    """The current content generation (one cache read)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump():
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def content_changed():
    """Something public changed: every cached page is from now on out of date. Now, and again
    once the current transaction commits (at once outside a transaction)."""
    _bump()
    transaction.on_commit(_bump)


def _is_content_model(sender) -> bool:
    meta = sender._meta
    return meta.app_label in CONTENT_APPS and not sender.__name__.startswith("Historical")


def _on_save(sender, update_fields=None, **kwargs):
    if not _is_content_model(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login shows nowhere on the public site
    content_changed()


def _on_change(sender, **kwargs):
    if _is_content_model(sender):
        content_changed()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in CONTENT_APPS:
        content_changed()


def connect_signals():
    post_save.connect(_on_save, dispatch_uid="public_cache_save")
    post_delete.connect(_on_change, dispatch_uid="public_cache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="public_cache_m2m")


def frozen_key(name: str, *versions) -> str | None:
    """The cache key of something derived from frozen ``versions`` only: their pks, their
    fingerprints and the language. None when one of them is a draft (never cached)."""
    if not all(version.is_frozen and version.fingerprint for version in versions):
        return None
    # the fingerprint names the content; the programme's address and the number are in links
    stamp = ":".join(
        f"{version.pk}-{version.programme.slug}-{version.number}-{version.fingerprint}"
        for version in versions
    )
    return f"frozen:{name}:{stamp}:{get_language()}"


def frozen_fragment(name: str, render, *versions):
    """``render()``'s result for frozen ``versions``, cached for good (``frozen_key``): a frozen
    version's content never changes. With a draft among them it is rendered every time."""
    key = frozen_key(name, *versions)
    if key is None:
        return render()
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, timeout=None)
    return value


def _shared(request) -> bool:
    """Whether this request may get, and store, the page every anonymous visitor shares."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    return not len(get_messages(request))


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.streaming
    )


def public_page(view):
    """Serve ``view`` to anonymous visitors from the cache, with an ETag and 304 on repeat.

    A page is stored under its address (language, path and query, htmx or not) together with
    the generation it was rendered in, and served only while that is still the current one:
    one cache round trip reads both."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _shared(request):
            return view(request, *args, **kwargs)
        address = "\n".join(
            (get_language(), request.get_full_path(), request.headers.get("HX-Request", ""))
        )
        key = "page:" + hashlib.sha256(address.encode()).hexdigest()
        found = cache.get_many([GENERATION_KEY, key])
        # the clock is part of the stamp: what the page says can also change with time alone
        # (a consultation opens, a meeting becomes a past one) with nothing saved
        current = f"{found.get(GENERATION_KEY) or generation()}:{int(time.time()) // CLOCK_STEP}"
        etag = quote_etag(hashlib.sha256(f"{current}\n{address}".encode()).hexdigest()[:32])
        response = get_conditional_response(request, etag=etag)
        if response is None:
            stored_in, response = found.get(key, (None, None))
            if stored_in != current:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if not _storable(request, response):
                    return response
                cache.set(key, (current, response), PAGE_TIMEOUT)
        response["ETag"] = etag
        # kept by browsers, but checked with the ETag before each use
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper
