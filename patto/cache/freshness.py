"""How long what a page shows stays true with nothing saved: until the end of the day (which
meetings are still ahead, which phase is current, whether a meeting takes registrations) or until
a consultation it shows opens or closes, whichever comes first.

A cached public page (``patto.cache.pages``) is served until its content changes (the content
generation) or until this instant, never after: a page is re-rendered exactly when the clock
alone changes what it says, and not every minute, so its ETag stays the same and a browser's
copy stays valid for as long as the page does.

Code that decides what to show by comparing a time with the clock reports the next instant at
which its answer changes (:func:`changes_at`); everything that compares only dates changes at
midnight, which every page assumes (:func:`watching`).
"""

import datetime
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

# the earliest instant reported while a page is being rendered, as a POSIX timestamp; None when
# no page is being watched
_horizon: ContextVar[list[float] | None] = ContextVar("page_horizon", default=None)


def now() -> float:
    """The current time as a POSIX timestamp (a function of its own, for the tests)."""
    return time.time()


def end_of_day(at: float) -> float:
    """The next local midnight (``TIME_ZONE``) after the timestamp ``at``, as a timestamp."""
    zone = timezone.get_default_timezone()
    today = datetime.datetime.fromtimestamp(at, zone).date()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), zone)
    return midnight.timestamp()


def changes_at(moment: datetime.datetime) -> None:
    """What is being decided now will be decided differently from ``moment`` on (for example a
    consultation closes then): the page being rendered, if any, is true until ``moment`` only."""
    horizon = _horizon.get()
    if horizon is not None:
        horizon[0] = min(horizon[0], moment.timestamp())


@contextmanager
def watching():
    """Render a page and learn until when it stays true: yields a one-item list that holds, once
    the block is done, the timestamp of the earliest instant reported by :func:`changes_at`
    during the block, or the end of the day (dates change at midnight) if that comes first.
    Inside another watched block, what is reported counts for the outer one too."""
    horizon = [end_of_day(now())]
    token = _horizon.set(horizon)
    try:
        yield horizon
    finally:
        _horizon.reset(token)
        outer = _horizon.get()
        if outer is not None:
            outer[0] = min(outer[0], horizon[0])
