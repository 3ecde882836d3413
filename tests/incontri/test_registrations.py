"""The rules of registrations, through the services: places, the waiting list and its order,
promotion, registering again, meetings that take no registrations, presences, capacity edits,
and the e-mails each change sends."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from incontri import services
from incontri.models import MeetingStatus, Registration, RegistrationStatus
from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut
from tests.factories import MeetingFactory, UserFactory
from tests.people import someone

pytestmark = pytest.mark.django_db

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture
def meeting(days):
    return MeetingFactory(date=days(10), capacity=2, title="Incontro della Zona 1")


def register(meeting, user=None, **kwargs):
    return services.register(meeting=meeting, user=user or UserFactory(), **kwargs)


def statuses(meeting):
    return list(
        Registration.objects.filter(meeting=meeting)
        .order_by("created_at", "pk")
        .values_list("user__email", "status")
    )


def test_places_are_confirmed_then_the_waiting_list_starts(meeting):
    first, second, third, fourth = (register(meeting) for _ in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        CONFIRMED,
        CONFIRMED,
        WAITING,
        WAITING,
    ]
    assert services.waiting_position(third) == 1
    assert services.waiting_position(fourth) == 2
    assert services.waiting_position(first) is None


def test_a_meeting_without_capacity_confirms_everyone(days):
    meeting = MeetingFactory(date=days(3), capacity=None)
    assert {register(meeting).status for _ in range(5)} == {CONFIRMED}


def test_registration_keeps_body_and_category(meeting):
    registration = register(
        meeting, body_name="  Consorzio Monviso Solidale ", actor_category="enti_gestori"
    )
    registration.refresh_from_db()
    assert registration.body_name == "Consorzio Monviso Solidale"
    assert registration.actor_category == "enti_gestori"


def test_an_unknown_category_is_refused_and_nothing_stored(meeting):
    with pytest.raises(ValidationError) as exc:
        register(meeting, actor_category="astronauti")
    assert "categoria" in str(exc.value)
    assert not Registration.objects.exists()


def test_cancelling_a_confirmed_place_promotes_the_first_waiting(meeting):
    users = [UserFactory() for _ in range(4)]
    registrations = [register(meeting, user) for user in users]
    services.cancel_registration(registration=registrations[0], by=users[0])
    assert statuses(meeting) == [
        (users[0].email, CANCELLED),
        (users[1].email, CONFIRMED),
        (users[2].email, CONFIRMED),
        (users[3].email, WAITING),
    ]
    assert services.waiting_position(Registration.objects.get(pk=registrations[3].pk)) == 1


def test_cancelling_a_waiting_place_promotes_nobody(meeting):
    users = [UserFactory() for _ in range(4)]
    registrations = [register(meeting, user) for user in users]
    services.cancel_registration(registration=registrations[2], by=users[2])
    assert [s for _, s in statuses(meeting)] == [CONFIRMED, CONFIRMED, CANCELLED, WAITING]


def test_registering_again_reuses_the_row_at_the_end_of_the_queue(meeting):
    users = [UserFactory() for _ in range(3)]
    first, _second, _third = (register(meeting, user) for user in users)
    services.cancel_registration(registration=first, by=users[0])  # third is promoted
    again = register(meeting, users[0], body_name="ASL TO3")
    assert again.pk == first.pk
    assert again.status == WAITING
    assert Registration.objects.filter(meeting=meeting, user=users[0]).count() == 1
    assert services.waiting_position(again) == 1


def test_registering_twice_is_refused(meeting):
    user = UserFactory()
    register(meeting, user)
    with pytest.raises(ValidationError, match="iscrizione a questo incontro c'è già"):
        register(meeting, user)
    assert Registration.objects.count() == 1


def test_registering_twice_while_waiting_is_refused(days):
    meeting = MeetingFactory(date=days(1), capacity=0)
    user = UserFactory()
    register(meeting, user)
    with pytest.raises(ValidationError, match="lista d'attesa"):
        register(meeting, user)


@pytest.mark.parametrize(
    "case, values, message",
    [
        ("held", {"status": MeetingStatus.HELD, "date_delta": -1}, "già svolto"),
        ("cancelled", {"status": MeetingStatus.CANCELLED, "date_delta": 5}, "annullato"),
        ("date to be confirmed", {"status": MeetingStatus.SCHEDULED, "date_delta": None}, "data"),
        ("date passed", {"status": MeetingStatus.SCHEDULED, "date_delta": -1}, "passata"),
    ],
)
def test_closed_meetings_refuse_registrations(days, case, values, message):
    delta = values["date_delta"]
    meeting = MeetingFactory(
        status=values["status"], date=None if delta is None else days(delta), capacity=10
    )
    with pytest.raises(ValidationError, match=message):
        register(meeting)
    assert not Registration.objects.exists()


def test_a_meeting_today_takes_registrations(days):
    meeting = MeetingFactory(date=days(0))
    assert register(meeting).status == CONFIRMED


def test_inactive_or_anonymous_people_cannot_register(meeting):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        register(meeting, AnonymousUser())
    with pytest.raises(PermissionDenied):
        register(meeting, UserFactory(is_active=False))


def test_only_the_person_or_the_redazione_cancel(meeting):
    registration = register(meeting)
    with pytest.raises(PermissionDenied):
        services.cancel_registration(registration=registration, by=UserFactory())
    assert Registration.objects.get(pk=registration.pk).status == CONFIRMED
    services.cancel_registration(registration=registration, by=someone("staff"))
    assert Registration.objects.get(pk=registration.pk).status == CANCELLED


def test_cancelling_twice_or_after_the_meeting_is_refused(meeting, days):
    user = UserFactory()
    registration = register(meeting, user)
    services.cancel_registration(registration=registration, by=user)
    with pytest.raises(ValidationError, match="già annullata"):
        services.cancel_registration(registration=registration, by=user)
    past = register(MeetingFactory(date=days(2)), user)
    past.meeting.date = days(-1)
    past.meeting.save()
    with pytest.raises(ValidationError, match="già svolto"):
        services.cancel_registration(registration=past, by=user)


def test_raising_the_capacity_promotes_the_waiting_list(meeting, staff):
    [register(meeting) for _ in range(5)]
    services.update_meeting(meeting=meeting, by=staff, expected_revision=1, capacity=4)
    assert [s for _, s in statuses(meeting)] == [CONFIRMED] * 4 + [WAITING]
    meeting.refresh_from_db()
    services.update_meeting(
        meeting=meeting, by=staff, expected_revision=meeting.revision, capacity=None
    )
    assert [s for _, s in statuses(meeting)] == [CONFIRMED] * 5


def test_lowering_the_capacity_below_the_confirmed_is_refused(meeting, staff):
    [register(meeting) for _ in range(3)]
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(meeting=meeting, by=staff, expected_revision=1, capacity=1)
    assert "2 iscrizioni confermate" in str(exc.value.message_dict["capacity"])
    meeting.refresh_from_db()
    assert meeting.capacity == 2
    services.update_meeting(meeting=meeting, by=staff, expected_revision=1, capacity=2)


def test_presences_mark_who_came_and_fill_the_attendance(days, staff):
    meeting = MeetingFactory(date=days(1), capacity=2)
    registrations = [register(meeting) for _ in range(3)]
    services.cancel_registration(registration=registrations[1], by=staff)
    meeting.date = days(0)
    meeting.save()
    services.record_presences(
        meeting=meeting,
        by=staff,
        expected_revision=meeting.revision,
        present=[registrations[0].pk],
    )
    attended = dict(Registration.objects.values_list("pk", "attended"))
    assert attended == {
        registrations[0].pk: True,
        registrations[1].pk: None,
        registrations[2].pk: False,
    }
    meeting.refresh_from_db()
    assert meeting.attendance == 1
    # a number already there is kept unless asked to replace it
    services.record_presences(
        meeting=meeting,
        by=staff,
        expected_revision=meeting.revision,
        present=[registrations[0].pk, registrations[2].pk],
    )
    meeting.refresh_from_db()
    assert meeting.attendance == 1
    services.record_presences(
        meeting=meeting,
        by=staff,
        expected_revision=meeting.revision,
        present=[registrations[0].pk, registrations[2].pk],
        update_attendance=True,
    )
    meeting.refresh_from_db()
    assert meeting.attendance == 2


def test_presences_are_refused_before_the_day_and_for_others_registrations(meeting, staff):
    registration = register(meeting)
    with pytest.raises(ValidationError, match="dal giorno"):
        services.record_presences(
            meeting=meeting, by=staff, expected_revision=1, present=[registration.pk]
        )
    with pytest.raises(PermissionDenied):
        services.record_presences(
            meeting=meeting, by=UserFactory(), expected_revision=1, present=[]
        )
    other = register(MeetingFactory(date=meeting.date))
    meeting.date = meeting.date.replace(year=2017)
    meeting.save()
    with pytest.raises(ValidationError, match="non sono iscritte"):
        services.record_presences(
            meeting=meeting, by=staff, expected_revision=1, present=[other.pk]
        )
    assert Registration.objects.get(pk=other.pk).attended is None


def test_cancel_future_registrations_frees_the_places(meeting):
    user = UserFactory()
    register(meeting, user)
    register(meeting)
    waiting = register(meeting)
    assert services.cancel_future_registrations(user=user) == 1
    assert Registration.objects.get(pk=waiting.pk).status == CONFIRMED


# E-mails ------------------------------------------------------------------------------------


def subjects():
    return [message.subject for message in mail.outbox]


@pytest.mark.usefixtures("eager_celery")
def test_each_change_sends_its_email(django_capture_on_commit_callbacks, meeting):
    alice, bob, carla = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        register(meeting, alice)
        register(meeting, bob)
        waiting = register(meeting, carla)
    assert subjects() == [
        "Iscrizione confermata: Incontro della Zona 1",
        "Iscrizione confermata: Incontro della Zona 1",
        "In lista d'attesa: Incontro della Zona 1",
    ]
    assert [m.to for m in mail.outbox] == [[alice.email], [bob.email], [carla.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=Registration.objects.get(user=alice), by=alice)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (alice.email, "Iscrizione annullata: Incontro della Zona 1"),
            (carla.email, "Si è liberato un posto: Incontro della Zona 1"),
        ]
    )
    assert Registration.objects.get(pk=waiting.pk).status == CONFIRMED


@pytest.mark.usefixtures("eager_celery")
def test_the_confirmation_has_date_place_ics_link_and_unsubscribe(
    django_capture_on_commit_callbacks, days, settings
):
    settings.SITE_URL = "https://patto.example.org"
    meeting = MeetingFactory(
        date=days(7), venue="Sala «Gialla» dell'ASL", address="Via Po 1", title="L'incontro"
    )
    with django_capture_on_commit_callbacks(execute=True):
        register(meeting)
    [message] = mail.outbox
    assert message.subject == "Iscrizione confermata: L'incontro"
    assert f"https://patto.example.org/incontri/{meeting.pk}.ics" in message.body
    assert "Sala «Gialla» dell'ASL, Via Po 1" in message.body
    assert meeting.date.strftime("%Y") in message.body
    html = message.alternatives[0][0]
    assert f'href="https://patto.example.org/incontri/{meeting.pk}.ics"' in html
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://patto.example.org/disiscrizione/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.usefixtures("eager_celery")
def test_no_email_to_who_opted_out_of_meeting_mail(django_capture_on_commit_callbacks, meeting):
    user = UserFactory()
    EmailOptOut.objects.create(user=user, topic=EmailTopic.MEETINGS)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(meeting, user)
    assert registration.status == CONFIRMED
    assert mail.outbox == []


@pytest.mark.usefixtures("eager_celery")
def test_no_email_when_the_registration_changed_before_the_task_ran(
    django_capture_on_commit_callbacks, meeting
):
    """Registered and cancelled before the worker got to it: only the cancellation is sent."""
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = register(meeting, user)
        services.cancel_registration(registration=registration, by=user)
    for callback in callbacks:
        callback()
    assert subjects() == ["Iscrizione annullata: Incontro della Zona 1"]


def test_a_refused_registration_sends_nothing(django_capture_on_commit_callbacks, days):
    meeting = MeetingFactory(date=days(-3))
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        register(meeting, user)
    assert callbacks == []
