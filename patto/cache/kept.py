"""Parts of the page layout that thousands of pages share, rendered once per process.

Every page of the portal wraps its content in the same layout: the stylesheets and scripts, the
header's navigation (with the list of programmes), the footer and the rating widget. Rendering
them took about 5 ms of the 2-core machine's CPU on every page that was not served whole from
the page cache, the cheapest pages' whole cost: a visitor's first request for an address, every
page after a change, every page of a logged-in person. They depend on a handful of things (the
language, the section of the site the page is in, the programmes for the navigation), so each is
rendered once per combination of those and kept in the process's memory.

What they show of the portal's content follows it exactly: a fragment that reads the content (the
programmes in the navigation) is kept under the content generation (``patto.cache.pages``), and
any change to the content makes the next page render it again. A new release runs new processes,
so a fragment from older code is never served; a test that changes a setting drops them all.
"""

import threading

from django.core.signals import setting_changed
from django.utils.translation import get_language

from patto.cache.pages import generation

# a bound on what the process keeps: the fragments vary on the language, the page's section and
# the generation, so a few hundred are in use; past the bound they are all dropped and rendered
# again as pages ask for them
MAX_FRAGMENTS = 2000

_fragments: dict[tuple, str] = {}
_lock = threading.Lock()


def kept(key: tuple, render) -> str:
    """``render()``'s result for ``key`` and the active language, rendered once per process."""
    key = (*key, get_language())
    value = _fragments.get(key)
    if value is None:
        value = render()
        with _lock:
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.clear()
            _fragments[key] = value
    return value


def request_generation(request) -> str:
    """The content generation this request sees: the one the page cache read for it, or one
    cache read, once per request (each time, for a template rendered without a request)."""
    if request is None:
        return generation()
    page = getattr(request, "public_page_lookup", None)
    if page is not None:
        return page.generation
    if not hasattr(request, "_content_generation"):
        request._content_generation = generation()
    return request._content_generation


def forget_all(**kwargs) -> None:
    """Drop every kept fragment (a test changed a setting they may read)."""
    with _lock:
        _fragments.clear()


setting_changed.connect(forget_all, dispatch_uid="kept_fragments_setting_changed")
