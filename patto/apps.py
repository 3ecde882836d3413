from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PattoConfig(AppConfig):
    name = "patto"
    verbose_name = _("Programmi e versioni del piano")

    def ready(self):
        from patto.cache import pages as public_cache

        public_cache.connect_signals()

        # the instant of each login, in the session (a receiver of user_logged_in)
        from patto.accounts import session_expiry  # noqa: F401

        # what SPID lacks once it is on (manage.py check)
        from patto.accounts.spid import checks  # noqa: F401

        # the review of a version sent to the zones, rendered by the worker ahead (a receiver
        # of patto.programme.signals.version_frozen)
        from patto.validation import review  # noqa: F401
