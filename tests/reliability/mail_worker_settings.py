"""Settings of the Celery workers of the e-mail fault tests: those of the PDF worker tests, with
every e-mail written to a file of its own in ``PATTO_MAIL_DIR`` (through a backend the test can
make hang)."""

import os

from tests.pdf.worker_settings import *  # noqa: F403

EMAIL_BACKEND = "tests.reliability.mail_faults.HangingFileBackend"
EMAIL_FILE_PATH = os.environ["PATTO_MAIL_DIR"]
