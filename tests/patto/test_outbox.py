"""The outbox of e-mails in one process (``patto.mail.outbox``); the faults, with a real worker
and a real Redis, are in ``tests/reliability/test_mail_outbox.py``."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from patto.accounts import services as account_services
from patto.mail import outbox
from patto.models import MailJob, OutgoingEmail
from patto.programme import notifications
from tests.pdf.builders import fill_draft, plan_programme
from tests.people import someone

pytestmark = pytest.mark.django_db


def test_a_job_run_again_sends_only_what_it_had_not_sent(django_capture_on_commit_callbacks):
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    job = outbox.enqueue(notifications.version_submitted, version.pk)  # not published: no commit
    run = notifications.version_submitted
    assert run(version.pk, mail_job=job.pk) == len(plan.spokespersons)
    first = len(mail.outbox)
    # the same job again (a retry, a message handed back, the sweep): nothing new leaves
    MailJob.objects.filter(pk=job.pk).update(done_at=None)
    assert run(version.pk, mail_job=job.pk) == 0
    assert len(mail.outbox) == first == len(plan.spokespersons)
    job.refresh_from_db()
    assert job.done_at is not None and job.runs == 2
    assert job.emails.filter(sent_at__isnull=False).count() == len(plan.spokespersons)


def test_a_done_job_does_nothing():
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    job = MailJob.objects.create(
        task=notifications.version_submitted.name, args=[version.pk], done_at=timezone.now()
    )
    assert notifications.version_submitted(version.pk, mail_job=job.pk) == 0
    assert mail.outbox == []


def test_the_sweep_forgets_what_left_long_ago_and_keeps_the_rest(settings):
    settings.MAIL_KEEP_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    fields = {"template": "t", "from_email": "a@b.it", "subject": "s", "text": "t"}
    old = OutgoingEmail.objects.create(to="vecchia@example.org", sent_at=long_ago, **fields)
    recent = OutgoingEmail.objects.create(
        to="recente@example.org", sent_at=timezone.now(), **fields
    )
    unsent = OutgoingEmail.objects.create(to="attesa@example.org", attempts=99, **fields)
    done = MailJob.objects.create(task="x", done_at=long_ago)
    outbox.resume_mail(grace_seconds=0)
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not MailJob.objects.filter(pk=done.pk).exists()
    assert not OutgoingEmail.objects.filter(pk=old.pk).exists()


def test_deleting_an_account_deletes_the_emails_the_outbox_holds_for_it():
    user = someone("registered", email="anna@example.org")
    fields = {"template": "t", "from_email": "a@b.it", "subject": "s", "text": "Ciao Anna"}
    OutgoingEmail.objects.create(to="anna@example.org", sent_at=timezone.now(), **fields)
    other = OutgoingEmail.objects.create(to="bruno@example.org", **fields)
    account_services.delete_account(user=user)
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [other.pk]
