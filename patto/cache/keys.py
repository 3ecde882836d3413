"""The keys of the page cache (``patto.cache.pages``).

Pages and the fragments of frozen versions are the output of one release's code: their keys
start with the release (``settings.RELEASE``, in the cache's ``KEY_PREFIX``), so what an earlier
release rendered is never served after an upgrade. The content generation is not: it says
whether the *data* changed, and a change saved by a process of any release must make every
release's pages out of date. A process that computed another release (a Celery worker started
from another image, a management command run after a file was edited, a web process started
with ``RELEASE`` set and a worker without it) bumped a generation nobody read, and the portal
kept serving the pages from before the change: a citizen saw a monitoring update only once
something else changed. So the generation's key is the same for every release."""

GENERATION_KEY = "public:generation"
SHARED_KEYS = frozenset({GENERATION_KEY})


def page_key(key: str, key_prefix: str, version: int) -> str:
    """The cache's ``KEY_FUNCTION``: Django's key (``prefix:version:key``), without the
    release for the keys every release shares."""
    if key in SHARED_KEYS:
        return f"patto-pages:{version}:{key}"
    return f"{key_prefix}:{version}:{key}"
