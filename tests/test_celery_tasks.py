"""The names of the Celery tasks are part of the messages already queued in Redis: a worker of a
new release must still find every task an older web process may have enqueued. Moving a task to
another module must not change its name."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUEUED_NAMES = {
    # the PDF of a validated version, and the sweep of lost renders (Celery beat)
    "patto.render_version_pdf",
    "patto.resume_pdf_renders",
    # the comparison a version's page links to, computed before anyone asks
    "patto.precompute_comparison",
    # e-mails about a version's life, and to the followers of a programme
    "patto.programme.notifications.version_submitted",
    "patto.programme.notifications.zone_decided",
    "patto.programme.notifications.version_validated",
    "patto.programme.notifications.version_published",
    "patto.programme.notifications.version_withdrawn",
    "patto.programme.notifications.notify_followers",
    "patto.programme.notifications.follower_mail",
    # the outbox of e-mails: a stored account e-mail's delivery, the sweep of e-mails owed
    "patto.mail.deliver_email",
    "patto.mail.resume_mail",
    # the refresh of the SPID and CIE identity providers' registry (Celery beat, SPID on)
    "patto.accounts.spid.refresh_idps",
    # e-mails about meeting registrations
    "incontri.tasks.registration_confirmed",
    "incontri.tasks.registration_waiting",
    "incontri.tasks.registration_promoted",
    "incontri.tasks.registration_cancelled",
    # e-mails about contributions
    "tavoli.tasks.contribution_answered",
    "tavoli.tasks.comment_published",
    # the monitoring: the followers' weekly digest (Celery beat, then the outbox's job), the
    # monitoring report's PDF and the sweep of lost renders (Celery beat)
    "patto.monitoring.weekly_digest",
    "patto.monitoring.send_digests",
    "patto.monitoring.render_monitoring_report",
    "patto.monitoring.resume_reports",
}


WORKER_TASKS = (
    "import json, django; django.setup(); from patto.celery import app; "
    "app.loader.import_default_modules(); "  # what a worker imports when it starts
    "print(json.dumps(sorted(n for n in app.tasks if not n.startswith('celery.'))))"
)


def registered_in_a_worker() -> set[str]:
    """The tasks a freshly started worker knows, in a process of its own (this one has
    imported much more)."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER_TASKS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "patto.settings", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_a_worker_knows_every_task_a_queued_message_may_name_and_no_other():
    registered = registered_in_a_worker()
    assert registered >= QUEUED_NAMES, sorted(QUEUED_NAMES - registered)
    assert registered <= QUEUED_NAMES, sorted(registered - QUEUED_NAMES)
