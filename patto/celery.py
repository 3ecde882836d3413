"""The Celery application: configured from Django's settings (the ``CELERY_`` names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")
# A worker does not run Django's system checks when it starts: the web container runs them
# (``migrate`` at every start, ``check --deploy`` in CI). They load every view of the portal
# (the SPID client, the spreadsheets' library...) into the process that every task's process
# is forked from: 52 MB more in each, and a large plan's PDF (issue 22) needs that room.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("patto")
app.config_from_object("django.conf:settings", namespace="CELERY")
# the tasks module of each installed app (tavoli, incontri) ...
app.autodiscover_tasks()
# ... and of the programme's sub-packages, which are not apps of their own
app.autodiscover_tasks(["patto.pdf.document", "patto.programme", "patto.monitoring"])
app.autodiscover_tasks(["patto.programme"], related_name="notifications")
# the outbox of e-mails: delivery and the sweep
app.autodiscover_tasks(["patto.mail"], related_name="outbox")
# the refresh of the SPID and CIE identity providers' registry
app.autodiscover_tasks(["patto.accounts.spid"], related_name="idps")
