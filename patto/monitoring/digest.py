"""The weekly digest of the monitoring updates, for the followers of a programme who ask for it
(``Follow.monitoring_digest``).

Once a week (Celery beat, ``patto.monitoring.tasks.weekly_digest``) the portal owes each of
them ONE e-mail with the updates published on the programme's actions since their last digest,
and none when nothing new was published. The week ends at a fixed moment (``week_end``: Monday
at 07:00, Rome time), the same however many times the task runs that week: each follower's
``digest_sent_until`` moves to that moment in the transaction that sends their e-mail, so a
second run finds nothing left to send, and a week missed (the broker down when beat fired) is
caught up by the next digest, which covers everything since the last one.

The e-mails go through the outbox (``patto.mail.outbox``): the job is a row written before its
message is published, swept again until done; the existing unsubscribe link stops the digest
of that programme (topic ``DIGEST``), and the person's preferences can stop every digest."""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from matrice.models import Action
from patto.mail.participants import EmailTopic, send_participant_mail
from patto.mail.sending import absolute
from patto.models import Follow, MonitoringUpdate, Programme, UpdateStatus, VersionStatus

DIGEST_TEMPLATE = "monitoring/email/digest"
WEEKDAY = 0  # Monday
HOUR = 7
WEEK = datetime.timedelta(days=7)


def week_end(now: datetime.datetime | None = None) -> datetime.datetime:
    """The end of the last complete digest week at ``now``: the latest Monday 07:00 (Rome
    time) not after it. Every run of the same week gives the same moment."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - datetime.timedelta(days=(local.weekday() - WEEKDAY) % 7)
    end = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(HOUR)))
    if end > local:
        end -= WEEK
    return end


# Choosing the digest ------------------------------------------------------------------------


@transaction.atomic
def set_monitoring_digest(*, user, programme: Programme, digest: bool) -> Follow:
    """Ask for (or stop) the weekly digest of ``programme``'s monitoring updates; asking for
    it follows the programme. The first digest covers what is published from now on."""
    follow, _created = Follow.objects.get_or_create(user=user, programme=programme)
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.monitoring_digest != digest:
        follow.monitoring_digest = digest
        if digest:
            follow.digest_sent_until = timezone.now()
        follow.save(update_fields=["monitoring_digest", "digest_sent_until"])
    return follow


# Owing and sending the digests ------------------------------------------------------------


def lock_week(stamp: str) -> None:
    """Serialise, until the end of the transaction, whoever owes the digests of the week
    ``stamp`` (two beat runs at once): a PostgreSQL advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"digest:{stamp}"])


def send_digests(end: datetime.datetime) -> int:
    """Send each follower who asked for it their digest of the updates published until
    ``end`` since their last one (the body of the outbox job). Returns how many left now."""
    due = (
        Follow.objects.filter(monitoring_digest=True, user__is_active=True)
        .exclude(digest_sent_until__gte=end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_send_one(pk, end) for pk in list(due))


def _send_one(follow_pk: int, end: datetime.datetime) -> int:
    with transaction.atomic():
        follow = (
            Follow.objects.select_for_update(of=("self",))
            .select_related("user", "programme")
            .filter(pk=follow_pk, monitoring_digest=True)
            .first()
        )
        if follow is None or (follow.digest_sent_until and follow.digest_sent_until >= end):
            return 0  # stopped meanwhile, or sent by another run
        since = follow.digest_sent_until or end - WEEK
        updates = published_updates(follow.programme, since=since, end=end)
        sent = 0
        if updates:
            sent = send_participant_mail(
                follow.user,
                EmailTopic.DIGEST,
                DIGEST_TEMPLATE,
                digest_context(follow.programme, updates, since=since, end=end),
                programme=follow.programme,
            )
        follow.digest_sent_until = end
        follow.save(update_fields=["digest_sent_until"])
    return sent


def published_updates(programme: Programme, *, since, end) -> list[MonitoringUpdate]:
    """The updates of ``programme`` published after ``since`` and until ``end``, oldest first,
    each with ``action`` (the action of the plan in force it is about, or None when the plan no
    longer has it). Two queries."""
    updates = list(
        MonitoringUpdate.objects.filter(
            programme=programme,
            status=UpdateStatus.PUBLISHED,
            published_at__gt=since,
            published_at__lte=end,
        )
        .select_related("zone")
        .order_by("happened_on", "published_at", "pk")
    )
    if not updates:
        return []
    actions = {
        action.key: action
        for action in Action.objects.filter(
            version__programme=programme,
            version__status=VersionStatus.PUBLISHED,
            key__in={u.action_key for u in updates},
        ).select_related("version")
    }
    for update in updates:
        update.action = actions.get(update.action_key)
    return updates


def digest_context(programme, updates, *, since, end) -> dict:
    by_action = defaultdict(list)
    for update in updates:
        by_action[update.action_key].append(update)
    groups = []
    for items in by_action.values():
        action = items[0].action
        url = None
        if action is not None:
            url = absolute(
                reverse(
                    "matrice:action",
                    args=[programme.slug, action.version.number, action.code],
                )
            )
        groups.append({"action": action, "url": url, "updates": items})
    groups.sort(key=lambda g: _natural(g["action"].code) if g["action"] else (10**6,))
    return {
        "programme": programme,
        "groups": groups,
        "count": len(updates),
        "since": timezone.localtime(since),
        "end": timezone.localtime(end),
        # a digest that catches up on more than a week (the weekly task could not run) says
        # since when, not "this week"; on the clock of Rome, so that the week the clocks go
        # back (7 days and an hour) is a week too
        "weekly": timezone.localtime(end) - timezone.localtime(since) <= WEEK,
        "programme_url": absolute(programme.get_absolute_url()),
    }


def _natural(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))
