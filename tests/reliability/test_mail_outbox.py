"""No e-mail lost, none sent twice (issue 21): every e-mail is written to the outbox in the
transaction of the change that causes it and delivered by a real Celery worker on a real Redis.

- Redis down when a version goes to the zones and when someone asks for a password reset: the
  change is saved, the e-mails wait in the database; once Redis is back, a worker starting up
  sends each of them exactly once, with no one re-doing anything.
- A worker killed with SIGKILL halfway through a job (after two of eleven messages): the next
  worker finishes the job, and every spokesperson gets exactly one message.

The messages are files written by the worker (``tests.reliability.mail_faults``)."""

import email
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from patto.models import MailJob, OutgoingEmail
from patto.programme import services as programme_services
from tests.pdf.builders import fill_draft, plan_programme
from tests.people import someone
from tests.reliability.processes import broker, private_redis, start_worker, stop, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]

SHORT_TIMINGS = {
    "CELERY_VISIBILITY_TIMEOUT": "25",
    "CELERY_TASK_TIME_LIMIT": "20",
    "CELERY_TASK_SOFT_TIME_LIMIT": "15",
}


def mail_worker(server, tmp_path, mail_dir, name, **env):
    return start_worker(
        server.url,
        tmp_path,
        name=name,
        DJANGO_SETTINGS_MODULE="tests.reliability.mail_worker_settings",
        PATTO_MAIL_DIR=str(mail_dir),
        **env,
    )


def received(mail_dir: Path) -> Counter:
    """(address, subject) → how many messages the worker wrote."""
    counts = Counter()
    for path in mail_dir.iterdir():
        for part in path.read_text().split("-" * 79):
            if part.strip():
                message = email.message_from_string(part.strip())
                counts[
                    (
                        message["To"],
                        str(
                            email.header.make_header(email.header.decode_header(message["Subject"]))
                        ),
                    )
                ] += 1
    return counts


def everything_sent() -> bool:
    return (
        not MailJob.objects.filter(done_at__isnull=True).exists()
        and not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()
    )


def test_emails_owed_while_redis_was_down_leave_once_it_is_back(postgres, redis_url, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    someone("registered", email="anna@example.org")
    with private_redis() as server, broker(server.url):
        plan = plan_programme()
        version = fill_draft(plan, policies=1, areas=1, actions=1)
        server.stop()
        # the change is saved and the page answers, Redis or not
        programme_services.submit_version(version=version, by=plan.staff)
        response = Client().post(reverse("account_reset_password"), {"email": "anna@example.org"})
        assert response.status_code == 302
        assert MailJob.objects.filter(done_at__isnull=True).count() == 2  # zones, followers
        assert OutgoingEmail.objects.filter(to="anna@example.org", sent_at=None).count() == 1

        server.start()  # empty: no message was ever queued
        worker = mail_worker(server, tmp_path, mail_dir, "after-redis")
        try:
            wait_until(everything_sent, timeout=120, message=worker.log_tail())
            worker.wait_until_idle()
        finally:
            stop(worker.process)

    counts = received(mail_dir)
    spokespersons = {p.email for p in plan.spokespersons}
    by_address = Counter(address for address, _subject in counts.elements())
    assert {a: by_address[a] for a in spokespersons} == dict.fromkeys(spokespersons, 1)
    assert by_address["anna@example.org"] == 1
    assert sum(counts.values()) == len(spokespersons) + 1
    assert "E-mails enqueued again" in worker.log.read_text()


def test_a_worker_killed_midway_through_a_job_leaves_no_message_unsent_or_doubled(
    postgres, redis_url, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    hang_file = tmp_path / "hang-after"
    env = {**SHORT_TIMINGS, "PATTO_MAIL_HANG_FILE": str(hang_file)}
    with private_redis() as server, broker(server.url):
        hang_file.write_text("2")  # two messages leave, the third hangs
        doomed = mail_worker(server, tmp_path, mail_dir, "doomed", **env)
        try:
            plan = plan_programme()
            version = fill_draft(plan, policies=1, areas=1, actions=1)
            programme_services.submit_version(version=version, by=plan.staff)
            wait_until(
                Path(f"{hang_file}.started").exists,
                timeout=120,
                message=f"the job did not start:\n{doomed.log_tail()}",
            )
            os.kill(doomed.process.pid, signal.SIGKILL)
            doomed.process.wait(timeout=10)
        finally:
            stop(doomed.process, sig=signal.SIGKILL)
        assert len(received(mail_dir)) == 2
        job = MailJob.objects.get(task="patto.programme.notifications.version_submitted")
        assert job.done_at is None
        assert job.emails.filter(sent_at__isnull=False).count() == 2

        heir = mail_worker(server, tmp_path, mail_dir, "heir", **env)
        try:
            wait_until(everything_sent, timeout=120, message=heir.log_tail())
            heir.wait_until_idle()  # the dead worker's message too, handed back and done
        finally:
            stop(heir.process)

    spokespersons = {p.email for p in plan.spokespersons}
    by_address = Counter(address for address, _subject in received(mail_dir).elements())
    assert dict(by_address) == dict.fromkeys(spokespersons, 1)
    job.refresh_from_db()
    assert job.done_at is not None and job.runs >= 2
