"""SQL query counts of the pages with registrations, pinned at two numbers of registrations so
that an N+1 fails here."""

import pytest
from django.urls import reverse

from incontri import services
from tests.factories import MeetingFactory, UserFactory
from tests.people import login_as

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def populate(size, days):
    """A meeting ahead with ``size`` registrations: a third cancelled, the rest confirmed up to
    the capacity and waiting after it."""
    meeting = MeetingFactory(date=days(0), capacity=max(size // 3, 1))
    for i in range(size):
        registration = services.register(
            meeting=meeting, user=UserFactory(), body_name=f"Ente {i}", actor_category="asl"
        )
        if i % 3 == 2:
            services.cancel_registration(registration=registration, by=registration.user)
    return meeting


@pytest.mark.parametrize("size", SIZES)
def test_meeting_page_anonymous(client, django_assert_num_queries, size, days):
    meeting = populate(size, days)
    # menu, the meeting, its tables, the registrations' counts
    with django_assert_num_queries(4):
        response = client.get(reverse("incontri:detail", args=[meeting.pk]))
    assert "Posti esauriti" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_meeting_page_of_someone_waiting(client, django_assert_num_queries, size, days):
    meeting = populate(size, days)
    user = UserFactory()
    services.register(meeting=meeting, user=user)
    client.force_login(user)
    # user, the meeting, its tables, counts, own registration, waiting position; the header's
    # redazione and spokesperson checks and menu
    with django_assert_num_queries(9):
        response = client.get(reverse("incontri:detail", args=[meeting.pk]))
    assert "Sei in lista d" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_staff_registrations(client, django_assert_num_queries, size, days):
    meeting = populate(size, days)
    login_as(client, "staff")
    # user, redazione check, the header's checks and menu, the meeting, its registrations with
    # their people
    with django_assert_num_queries(6):
        response = client.get(
            reverse("redazione:incontri_meeting_registrations", args=[meeting.pk])
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_staff_csv(client, django_assert_num_queries, size, days):
    meeting = populate(size, days)
    login_as(client, "staff")
    # user, redazione check, the meeting, its registrations with their people
    with django_assert_num_queries(4):
        response = client.get(
            reverse("redazione:incontri_meeting_registrations_csv", args=[meeting.pk])
        )
    assert len(response.content.decode("utf-8-sig").splitlines()) == size + 1
