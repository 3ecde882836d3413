"""Settings of the Celery worker started by test_worker: the portal's own, plus a renderer
that can be told to fail (through a file the test writes) and short retry delays."""

from patto.settings import *  # noqa: F403

PDF_RENDERER = "tests.pdf.faults.render_version"
PDF_RETRY_BACKOFF = 1  # seconds, doubled at each attempt
PDF_MAX_RETRIES = 1
# Look for messages of dead workers every second (kombu's default is about every 100 s); the
# visibility timeout itself comes from CELERY_VISIBILITY_TIMEOUT.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
