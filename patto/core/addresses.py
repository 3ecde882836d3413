"""The portal's public address (``SITE_URL``): every link that leaves a page (feeds, the open
data's catalogue) is built on it, never on the Host of a request. (The e-mails build theirs the
same way in ``patto.mail.sending``, a layer that cannot import this one.)"""

from django.conf import settings


def absolute(path: str) -> str:
    """``path`` at the portal's public address."""
    return settings.SITE_URL.rstrip("/") + path
