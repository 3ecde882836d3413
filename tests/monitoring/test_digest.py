"""The followers' weekly digest of the monitoring updates (``patto.monitoring.digest``), with
the real outbox: one e-mail per follower and week with what was published since their last
digest, none when nothing is new, none for whoever did not ask or opted out, nothing twice when
the weekly task runs twice; the choice on the follow button, and the unsubscribe link that
stops the digest without unfollowing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from patto.core.articles import italian_article_before_number
from patto.mail import outbox
from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut, Follow, MailJob, MonitoringUpdate, VersionStatus
from patto.monitoring import digest, services, tasks
from patto.monitoring.digest import WEEK
from tests.factories import UserFactory
from tests.versions import build_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return build_version(
        slug="piano", actions=2, status=VersionStatus.PUBLISHED, action={"title": "Azione {code}"}
    )


def published_update(plan, action, title, at, by):
    update = services.add_update(
        programme=plan.programme,
        action_key=action.key,
        happened_on=timezone.localdate(at),
        title=title,
        text=f"Il testo di «{title}».",
        by=by,
    )
    MonitoringUpdate.objects.filter(pk=update.pk).update(published_at=at)
    return update


def follower(programme, *, digest_on=True, since=None, **fields):
    user = UserFactory(**fields)
    Follow.objects.create(
        user=user, programme=programme, monitoring_digest=digest_on, digest_sent_until=since
    )
    return user


def test_one_digest_a_week_with_what_is_new_and_nothing_twice(
    plan, staff, eager_celery, django_capture_on_commit_callbacks
):
    end = digest.week_end()
    anna = follower(plan.programme, since=end - timedelta(days=7), first_name="Anna")
    newcomer = follower(plan.programme)  # never had one: the last week
    follower(plan.programme, digest_on=False)  # follows, did not ask for the digest
    opted_out = follower(plan.programme)
    EmailOptOut.objects.create(user=opted_out, topic=EmailTopic.DIGEST)
    first, second = plan.actions
    old = published_update(plan, first, "Già raccontato", end - timedelta(days=9), staff)
    published_update(plan, first, "Aperto lo sportello", end - timedelta(days=2), staff)
    published_update(plan, second, "Primi incontri", end - timedelta(days=1), staff)
    published_update(plan, second, "Della settimana dopo", end + timedelta(hours=1), staff)

    with django_capture_on_commit_callbacks(execute=True):
        job_pk = tasks.weekly_digest()
    assert job_pk is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([anna.email, newcomer.email])
    message = next(m for m in mail.outbox if m.to == [anna.email])
    assert message.subject == "Piano di prova: 2 aggiornamenti sull'attuazione questa settimana"
    assert message.body.startswith("Ciao Anna,")
    for text in ("Aperto lo sportello", "Primi incontri", "1.1.1 Azione 1.1.1"):
        assert text in message.body
    assert old.title not in message.body and "Della settimana dopo" not in message.body
    assert reverse("matrice:action", args=["piano", 1, "1.1.1"]) in message.body
    html = message.alternatives[0][0]
    assert "Aperto lo sportello" in html and '<html lang="it">' in html
    assert "List-Unsubscribe" in message.extra_headers
    assert MailJob.objects.get(pk=job_pk).done_at is not None

    # the task again the same week: no second job, nothing sent; a stray job sends nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.weekly_digest() is None
    assert digest.send_digests(end) == 0
    assert mail.outbox == []
    assert set(
        Follow.objects.filter(monitoring_digest=True).values_list("digest_sent_until", flat=True)
    ) >= {end}

    # the next week: only what came after; the week after, nothing new, no e-mail
    assert digest.send_digests(end + timedelta(days=7)) == 2
    assert all("Della settimana dopo" in m.body for m in mail.outbox)
    assert all("1 aggiornamento sull'attuazione" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    assert digest.send_digests(end + timedelta(days=14)) == 0
    assert mail.outbox == []

    # the weekly task could not run for two weeks: the next digest catches up, and says since
    late = published_update(plan, first, "Dopo la pausa", end - timedelta(hours=1), staff)
    MonitoringUpdate.objects.filter(pk=late.pk).update(published_at=end + timedelta(days=20))
    assert digest.send_digests(end + timedelta(days=35)) == 2
    since = date_format(timezone.localtime(end + timedelta(days=14)), "j E Y")
    from_ = italian_article_before_number(end + timedelta(days=14), "dal")  # «dal», «dall'»
    message = next(m for m in mail.outbox if m.to == [anna.email])
    assert message.subject == f"Piano di prova: 1 aggiornamento sull'attuazione {from_}{since}"
    assert "Dopo la pausa" in message.body


def test_the_unsubscribe_link_stops_the_digest_not_the_following(
    client, plan, staff, eager_celery, django_capture_on_commit_callbacks
):
    end = digest.week_end()
    user = follower(plan.programme, since=end - timedelta(days=7))
    published_update(plan, plan.actions[0], "Aperto lo sportello", end - timedelta(days=1), staff)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.weekly_digest()
    (message,) = mail.outbox
    link = re.search(r"http://\S+/disiscrizione/\S+/", message.body).group(0)
    path = link.removeprefix("http://127.0.0.1:8000")
    assert "riepilogo settimanale" in client.get(path).content.decode()
    response = type(client)(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert "Continui a seguire il programma" in response.content.decode()
    follow = Follow.objects.get(user=user)
    assert follow.monitoring_digest is False
    assert digest.send_digests(end + timedelta(days=7)) == 0


def test_a_follower_asks_for_the_digest_on_the_programme_page(client, plan):
    user = UserFactory()
    client.force_login(user)
    url = reverse("profile:digest", args=["piano"])
    response = client.post(url, {"digest": "1", "next": plan.programme.get_absolute_url()})
    assert response["Location"] == plan.programme.get_absolute_url()
    follow = Follow.objects.get(user=user)  # asking for the digest follows the programme
    assert follow.monitoring_digest and follow.digest_sent_until is not None
    page = client.get(plan.programme.get_absolute_url()).content.decode()
    assert "Ricevi il riepilogo settimanale." in page
    assert "Non ricevere più il riepilogo" in page

    response = client.post(url, {"digest": "0"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Ricevi il riepilogo settimanale</button>" in html
    assert not Follow.objects.get(user=user).monitoring_digest
    profile = client.get(reverse("profile:detail")).content.decode()
    assert "Ricevi il riepilogo settimanale" in profile
    # the profile says what the digest is while it is off, not only once it is on
    assert "Non hai chiesto il riepilogo settimanale dell'attuazione per questo" in profile
    client.logout()
    assert client.post(url, {"digest": "1"}).status_code == 302
    assert Follow.objects.count() == 1


def test_a_digest_whose_message_was_lost_is_sent_by_the_sweep(
    plan, staff, eager_celery, django_capture_on_commit_callbacks
):
    """Redis down when the week's job was written: the job is a row, and the outbox's sweep
    (beat, or a worker starting) publishes it again."""
    end = digest.week_end()
    follower(plan.programme, since=end - timedelta(days=7))
    published_update(plan, plan.actions[0], "Aperto lo sportello", end - timedelta(days=1), staff)
    with django_capture_on_commit_callbacks(execute=False):  # the message never left
        job_pk = tasks.weekly_digest()
    assert mail.outbox == [] and MailJob.objects.get(pk=job_pk).done_at is None
    outbox.resume_mail(grace_seconds=0)
    assert len(mail.outbox) == 1 and "Aperto lo sportello" in mail.outbox[0].body
    assert MailJob.objects.get(pk=job_pk).done_at is not None


def test_the_week_the_clocks_go_back_is_still_this_week(plan):
    """Rome's clocks go back on the last Sunday of October: that week is 7 days and an hour
    long, and its digest is still "questa settimana"."""
    rome = timezone.get_default_timezone()
    # as the database gives it back: in UTC
    since = datetime(2026, 10, 19, 7, 0, tzinfo=rome).astimezone(UTC)
    end = datetime(2026, 10, 26, 7, 0, tzinfo=rome)
    assert end - since > WEEK  # in absolute time
    assert digest.digest_context(plan.programme, [], since=since, end=end)["weekly"]
    assert not digest.digest_context(plan.programme, [], since=since - timedelta(days=7), end=end)[
        "weekly"
    ]


def test_a_digest_since_the_11th_says_dall_11(plan, staff):
    """«aggiornamenti sull'attuazione dall'11 marzo 2026», not «dal 11»; «dal 18» stays."""
    end = timezone.make_aware(datetime(2026, 3, 30, 0, 0))
    since = timezone.make_aware(datetime(2026, 3, 11, 0, 0))
    anna = follower(plan.programme, since=since, first_name="Anna")
    published_update(plan, plan.actions[0], "Aperto lo sportello", end - timedelta(days=3), staff)
    assert digest.send_digests(end) == 1
    (message,) = [m for m in mail.outbox if m.to == [anna.email]]
    assert message.subject == ("Piano di prova: 1 aggiornamento sull'attuazione dall'11 marzo 2026")
    assert "ecco gli aggiornamenti pubblicati dall'11 marzo 2026 sulle azioni" in message.body
    assert "pubblicati dall&#x27;11 marzo 2026" in message.alternatives[0][0]
    mail.outbox.clear()
    Follow.objects.filter(user=anna).update(
        digest_sent_until=timezone.make_aware(datetime(2026, 3, 18, 0, 0))
    )
    published_update(plan, plan.actions[1], "Primi incontri", end + timedelta(days=1), staff)
    assert digest.send_digests(end + timedelta(days=2)) == 1
    assert mail.outbox[0].subject.endswith("sull'attuazione dal 18 marzo 2026")
