"""The e-mail backend of the test workers: Django's file backend (one file per message, in
``PATTO_MAIL_DIR``), which can be told to hang: while the file named by
``PATTO_MAIL_HANG_FILE`` exists, holding a number N, the (N+1)-th message this process sends
removes the file, writes ``<that name>.started`` and sleeps before sending, so the test can
kill the worker in the middle of a job, after N messages have left."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

SENT = 0


class HangingFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        global SENT
        hang = Path(os.environ.get("PATTO_MAIL_HANG_FILE", "/nonexistent"))
        if hang.exists() and int(hang.read_text()) <= SENT:
            hang.unlink()
            Path(f"{hang}.started").write_text(str(os.getpid()))
            time.sleep(300)
        sent = super().send_messages(email_messages)
        SENT += sent
        return sent
