"""The public pages as anonymous visitors get them, served from Django's cache (Redis when
``REDIS_URL`` is set, local memory otherwise), gzip-compressed for the clients that take it, and
answered with 304 when the visitor already has them.

Freshness is exact, not a TTL: every cached page is keyed on the *content generation*, a stamp that
any save, delete or many-to-many change of the portal's models replaces (the signal receivers below;
the few queryset ``update()`` calls that change public state call :func:`content_changed`
themselves). The stamp is replaced at once and again after the transaction commits, so a page
rendered from data read before the commit cannot be stored under the stamp that follows it. What the
clock alone changes (a consultation opens or closes, a meeting becomes a past one at midnight) is
exact too: a page is kept only until the instant it stops being true (``patto.cache.freshness``), so
a page that shows no consultation keeps its ETag for the whole day.

Only what every anonymous visitor shares is stored: a page is neither stored nor served when the
visitor is logged in, has messages waiting, or when rendering it used a CSRF token or set a
cookie (that page holds something of this visitor's own). Visitors with no session and no
messages cookie are answered by :class:`PublicPageMiddleware` before the session, the user, the
URL or the view are looked at; :func:`public_page` serves the others and marks what may be
stored. The heavy content of frozen versions is cached separately, by version and fingerprint
(:func:`frozen_fragment`), so it survives new generations and serves logged-in users too.
"""

import gzip
import hashlib
import math
from functools import lru_cache, wraps
from urllib.parse import urlencode
from uuid import uuid4

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from patto.cache import freshness
from patto.cache.keys import GENERATION_KEY

# Pages are exact through the generation and the instant they stop being true; the timeout only
# lets Redis or the local cache drop pages nobody asks for (an action list can be filtered in
# many ways).
PAGE_TIMEOUT = 24 * 3600
CONTENT_APPS = {"patto", "matrice", "tavoli", "incontri", "zone"}


def page_cache():
    """The cache of the public pages, the content generation and the frozen fragments: the
    ``pages`` cache (a Redis of its own in production, with a memory limit and LRU eviction,
    so anything a visitor can make the portal store is bounded and never crowds out the
    broker, the sessions or the rate limits), or the default cache where none is set."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def canonical_query(request, params) -> str:
    """The query string of ``request`` reduced to the parameters the page reads, in a fixed
    order: ``?x=1`` and ``?x=2`` are the same page as no query at all, stored once."""
    return urlencode(
        [(name, value) for name in sorted(params) for value in request.GET.getlist(name)]
    )


def keep_only(request, params) -> None:
    """Let the view see only the parameters it reads: the page it renders (its links
    included) is the one every address with the same values of those parameters shares."""
    query = canonical_query(request, params)
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


def generation() -> str:
    """The current content generation (one cache read)."""
    cache = page_cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump():
    page_cache().set(GENERATION_KEY, uuid4().hex, timeout=None)


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
    cache = page_cache()
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


def accepts_gzip(request) -> bool:
    """Whether the client takes a gzip body (RFC 9110 §12.5.3: ``gzip``, ``x-gzip`` or ``*``
    with a q-value above zero; an explicit ``gzip`` overrides ``*``)."""
    wildcard = None
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding != "*":
            return quality > 0
        wildcard = quality > 0
    return bool(wildcard)


# Headers that describe the body: not repeated on a 304 (RFC 9110 §15.4.5).
_BODY_HEADERS = frozenset(
    ("content-type", "content-length", "content-encoding", "content-disposition")
)


class Page:
    """A public page as anonymous visitors share it: its address (language, scheme, host, path
    and query, htmx or not), the content generation current when it was looked up and what the
    cache holds for it, if that is still true.

    What the cache holds is ``(generation, until, headers, body, length)``: the generation it
    was rendered in, the instant (a timestamp) from which the clock alone makes it untrue
    (``patto.cache.freshness``), the headers the response had once the view and the middleware
    inside ``PublicPageMiddleware`` were done with it, the body compressed with gzip once, when
    it was stored, and its length uncompressed. Clients that take gzip (every browser) get
    those bytes as they are; others get them decompressed."""

    __slots__ = ("address", "entry", "generation", "gzip", "key", "language")

    def __init__(self, request, language: str, params=()):
        self.language = language
        query = canonical_query(request, params)
        self.address = "\n".join(
            (
                language,
                request.scheme,
                request.get_host(),  # absolute links (the .ics feeds) name the host
                request.path + ("?" + query if query else ""),
                request.META.get("HTTP_HX_REQUEST", ""),
            )
        )
        self.key = "page:" + hashlib.sha256(self.address.encode()).hexdigest()
        self.gzip = accepts_gzip(request)
        # one cache round trip: the current generation and the page together
        found = page_cache().get_many([GENERATION_KEY, self.key])
        self.generation = found.get(GENERATION_KEY) or generation()
        entry = found.get(self.key)
        self.entry = (
            entry
            if entry is not None
            and entry[0] == self.generation
            # what the page says can also change with the time alone (a consultation opens, a
            # meeting becomes a past one), with nothing saved
            and freshness.now() < entry[1]
            else None
        )

    @property
    def etag(self) -> str:
        """The stored page's: it names the generation and the instant the page was true until,
        so it changes exactly when the page does. One per encoding (the gzip body and the plain
        one are different bytes, and a cache must not answer a client that refuses gzip with a
        copy revalidated by one that takes it), and weak: two workers rendering the same page at
        once need not produce the same bytes."""
        stored_in, until = self.entry[:2]
        digest = hashlib.sha256(f"{stored_in}\n{until}\n{self.address}".encode()).hexdigest()
        return f'W/"{digest[:32]}-gzip"' if self.gzip else f'W/"{digest[:32]}"'

    def store(self, response, until: float):
        """Keep ``response`` (fully processed by the inner middleware) under the generation read
        before it was rendered (if anything changed meanwhile, it will never be served) until
        ``until``, the instant from which the clock alone makes it untrue."""
        headers = tuple(
            (name, value) for name, value in response.items() if name.lower() != "content-length"
        )
        body = gzip.compress(response.content, compresslevel=6, mtime=0)
        self.entry = (self.generation, until, headers, body, len(response.content))
        lifetime = math.ceil(until - freshness.now())
        if lifetime > 0:
            page_cache().set(self.key, self.entry, min(PAGE_TIMEOUT, lifetime))

    def response(self, request) -> HttpResponseBase:
        """The stored page for this request: 304 when the client's copy is current, the gzip
        body when the client takes it, the plain body otherwise."""
        headers, body, plain_length = self.entry[2:]
        etag = self.etag
        response = get_conditional_response(request, etag=etag)
        if response is not None:
            if response.status_code == 304:
                for name, value in headers:
                    if name.lower() not in _BODY_HEADERS:
                        response[name] = value
                # RFC 9110 §8.6: on a 304, the length the 200 would have had, or none at all
                # (and CommonMiddleware would otherwise say 0)
                response["Content-Length"] = str(len(body) if self.gzip else plain_length)
                response["ETag"] = etag
            return response
        if self.gzip:
            response = HttpResponse(body)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(body))
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(response.content))
        response["ETag"] = etag
        if request.method == "HEAD":
            response.content = b""  # GET's headers, Content-Length included, and no body
        return response


def public_page(view=None, *, params=()):
    """Serve ``view`` to anonymous visitors from the cache, with an ETag and 304 on repeat.

    ``params`` names the query parameters the page reads (a FilterSet class stands for its
    fields and ``page``): the page is stored once per value of those, and the view sees no
    other (``keep_only``), so ``?x=1``, ``?x=2``… are one page, not one stored page each.

    ``PublicPageMiddleware`` answers most visitors before the session, the user or the URL are
    even looked at; this decorator serves the rest (an anonymous visitor with a session
    cookie) and marks a freshly rendered page that every anonymous visitor may share, which
    the middleware then stores."""
    if view is None:
        return lambda view: public_page(view, params=params)
    params = query_params(params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _shared(request):
            return view(request, *args, **kwargs)
        page = getattr(request, "public_page_lookup", None)
        if page is None or page.language != get_language():
            page = Page(request, get_language(), params)
        if page.entry is not None:
            return page.response(request)
        keep_only(request, params)
        with freshness.watching() as until:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        if not _storable(request, response):
            return response
        # kept by browsers, but checked with the ETag before each use
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        response.shared_page = page
        response.shared_until = until[0]
        return response

    wrapper.public_page = True
    wrapper.public_page_params = params
    return wrapper


def query_params(params) -> tuple[str, ...]:
    """``params`` as a tuple of names; a FilterSet class gives the names its form reads (a
    range or multi-value filter reads several) and ``page``."""
    if isinstance(params, type):
        names = {"page"}
        for name, filter_ in params.base_filters.items():
            # not ``filter_.field``: that would build and keep a field on the class's filter
            widget = filter_.extra.get("widget") or filter_.field_class.widget
            suffixes = getattr(widget, "suffixes", None)
            if suffixes:
                names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
            else:
                names.add(name)
        return tuple(sorted(names))
    return tuple(sorted(params))


def request_language(request) -> str:
    """The language ``LocaleMiddleware`` will activate for this request, decided the same way
    (with ``prefix_default_language=False``: the ``/en/`` prefix, else the default language)."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    if (
        not translation.get_language_from_path(request.path_info)
        and i18n_patterns_used
        and not prefixed_default_language
    ):
        language = settings.LANGUAGE_CODE
    return language


@lru_cache(maxsize=4096)
def _serves_public_page(urlconf: str, language: str, path_info: str):
    """The query parameters the page at ``path_info`` reads when it resolves to a view
    decorated with :func:`public_page`, else None (the URLconf does not change while the
    process runs)."""
    with translation.override(language):
        try:
            match = resolve(path_info, urlconf)
        except Resolver404:
            return None
    view_class = getattr(match.func, "view_class", None)
    target = view_class.dispatch if view_class is not None else match.func
    if not getattr(target, "public_page", False):
        return None
    return target.public_page_params


class PublicPageMiddleware:
    """Answer anonymous visitors' requests for public pages from the cache, right after the
    security, CSP and static-file middleware: with no session and no messages cookie, the
    visitor is certainly anonymous with no message waiting, so the session, the user, CSRF,
    messages and the view have nothing to add to the page every anonymous visitor shares.
    Only addresses that resolve to a :func:`public_page` view are looked up.

    On the way out it stores the pages the decorator marked as shareable, with the headers
    the inner middleware gave them, and serves them from what it stored, so a page served
    from the cache carries exactly the headers of a freshly rendered one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            language = request_language(request)
            urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
            params = _serves_public_page(urlconf, language, request.path_info)
            if params is not None:
                page = Page(request, language, params)
                if page.entry is not None:
                    return page.response(request)
                request.public_page_lookup = page
        response = self.get_response(request)
        page = getattr(response, "shared_page", None)
        if page is None or not _storable(request, response):
            return response
        page.store(response, response.shared_until)
        return page.response(request)
