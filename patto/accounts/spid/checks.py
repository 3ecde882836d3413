"""``manage.py check`` (and every start) says what SPID still lacks once it is on."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def spid_files(app_configs=None, **kwargs):
    if not settings.SPID_ENABLED:
        return []
    errors = []
    for name in ("SPID_KEY_FILE", "SPID_CERT_FILE"):
        if not getattr(settings, name).is_file():
            errors.append(
                checks.Error(
                    f"SPID_ENABLED is on but {name} ({getattr(settings, name)}) is missing.",
                    hint="Run manage.py spid_keys (README: Going live in a public administration).",
                    id="patto.spid.E001",
                )
            )
    return errors
