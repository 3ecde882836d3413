"""Registrations arriving at the same instant, against the real PostgreSQL: each thread has its
own connection and they are released together by a barrier. The capacity is never exceeded, the
waiting list keeps everyone else, and a freed place is given exactly once."""

import pytest

from incontri import services
from incontri.models import Registration, RegistrationStatus
from tests.concurrency import run_together
from tests.factories import MeetingFactory, UserFactory
from tests.people import someone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def counts(meeting):
    rows = Registration.objects.filter(meeting=meeting)
    return {status: rows.filter(status=status).count() for status in RegistrationStatus.values}


def test_twenty_people_registering_at_once_for_five_places(days):
    meeting = MeetingFactory(date=days(5), capacity=5)
    users = [UserFactory() for _ in range(20)]
    results = run_together(
        *[(lambda u=u: services.register(meeting=meeting, user=u)) for u in users]
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert counts(meeting) == {"confirmed": 5, "waiting": 15, "cancelled": 0}
    # the waiting list's order is the order in which the registrations were saved
    waiting = list(
        Registration.objects.filter(meeting=meeting, status="waiting").order_by("created_at", "pk")
    )
    assert [services.waiting_position(r) for r in waiting] == list(range(1, 16))


def test_one_person_registering_twice_at_once_gets_one_registration(days):
    meeting = MeetingFactory(date=days(5), capacity=5)
    user = UserFactory()
    results = run_together(*[lambda: services.register(meeting=meeting, user=user)] * 4)
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert all("c'è già" in str(r) for r in results if not isinstance(r, Registration))
    assert Registration.objects.filter(meeting=meeting).count() == 1


def test_cancellations_and_registrations_at_once_never_exceed_the_capacity(days):
    meeting = MeetingFactory(date=days(5), capacity=5)
    confirmed_users = [UserFactory() for _ in range(5)]
    waiting_users = [UserFactory() for _ in range(5)]
    for user in confirmed_users + waiting_users:
        services.register(meeting=meeting, user=user)
    registrations = {r.user_id: r for r in Registration.objects.filter(meeting=meeting)}
    newcomers = [UserFactory() for _ in range(8)]
    cancelling = confirmed_users[:3]
    results = run_together(
        *[
            (lambda u=u: services.cancel_registration(registration=registrations[u.pk], by=u))
            for u in cancelling
        ],
        *[(lambda u=u: services.register(meeting=meeting, user=u)) for u in newcomers],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert counts(meeting) == {"confirmed": 5, "waiting": 10, "cancelled": 3}
    # the three freed places went to the first three who were waiting before the rush, once
    promoted = set(
        Registration.objects.filter(
            meeting=meeting, status="confirmed", user__in=waiting_users
        ).values_list("user_id", flat=True)
    )
    assert promoted == {u.pk for u in waiting_users[:3]}
    assert not Registration.objects.filter(
        meeting=meeting, status="confirmed", user__in=newcomers
    ).exists()


def test_promotion_happens_once_when_two_places_free_up_at_once(days):
    meeting = MeetingFactory(date=days(5), capacity=2)
    users = [UserFactory() for _ in range(5)]
    for user in users:
        services.register(meeting=meeting, user=user)
    regs = {r.user_id: r for r in Registration.objects.filter(meeting=meeting)}
    run_together(
        lambda: services.cancel_registration(registration=regs[users[0].pk], by=users[0]),
        lambda: services.cancel_registration(registration=regs[users[1].pk], by=users[1]),
    )
    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert [statuses[u.pk] for u in users] == [
        "cancelled",
        "cancelled",
        "confirmed",
        "confirmed",
        "waiting",
    ]


def test_lowering_the_capacity_while_people_register_keeps_it(days):
    """The redazione sets 3 places while people register: either the new capacity was saved
    first (then at most 3 are confirmed) or it is refused because more were already in."""
    meeting = MeetingFactory(date=days(5), capacity=10)
    staff = someone("staff")
    users = [UserFactory() for _ in range(8)]
    results = run_together(
        lambda: services.update_meeting(meeting=meeting, by=staff, expected_revision=1, capacity=3),
        *[(lambda u=u: services.register(meeting=meeting, user=u)) for u in users],
    )
    meeting.refresh_from_db()
    confirmed = counts(meeting)["confirmed"]
    assert confirmed <= meeting.capacity
    if meeting.capacity == 3:
        assert results[0] is not None and not isinstance(results[0], Exception)
    else:
        assert "iscrizioni confermate" in str(results[0])
