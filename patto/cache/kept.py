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

The data of a frozen version that a kind of page reads whole on every request (its search index)
is kept the same way, on top of the page cache where it is kept for good (``kept_frozen``).
"""

import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.utils.translation import get_language

from patto.cache.pages import frozen_fragment, frozen_key, generation

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


# Data of frozen versions that a kind of page reads whole on every request (a version's search
# index: about 1 MB, which took 1–2.5 ms to fetch from the page cache and unpickle for each text
# search) is kept by the process as well, the last FROZEN_DATA_KEPT used: about 1 MB each.
FROZEN_DATA_KEPT = 8

_frozen_data: OrderedDict[str, object] = OrderedDict()


def kept_frozen(name: str, compute, *versions):
    """``frozen_fragment(name, compute, *versions)``, kept in the process's memory too (the
    FROZEN_DATA_KEPT used last; computed every time with a draft among ``versions``). The
    process's threads share the value: it must never be changed (tuples and strings)."""
    key = frozen_key(name, *versions)
    if key is None:
        return compute()
    with _lock:
        value = _frozen_data.get(key)
        if value is not None:
            _frozen_data.move_to_end(key)
            return value
    value = frozen_fragment(name, compute, *versions)
    with _lock:
        _frozen_data[key] = value
        while len(_frozen_data) > FROZEN_DATA_KEPT:
            _frozen_data.popitem(last=False)
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
    """Drop every kept fragment and frozen datum (a test changed a setting they may read)."""
    with _lock:
        _fragments.clear()
        _frozen_data.clear()


setting_changed.connect(forget_all, dispatch_uid="kept_fragments_setting_changed")
