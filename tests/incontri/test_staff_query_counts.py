"""SQL query counts of the staff pages of meetings, pinned at two data sizes so an N+1 fails
here. Each page's count includes the user, the redazione check and the site header's menu."""

import datetime

import pytest
from django.urls import reverse

from incontri.models import MeetingStatus
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ThematicTableFactory,
    ZoneFactory,
)
from tests.people import login_as

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


def populate(size):
    """``size`` meetings of every state, place and date (some to be confirmed), each with tables;
    the first one edited ``size`` times so that its history is as long as the size."""
    programme = ProgrammeFactory(slug="patto")
    tables = [ThematicTableFactory(programme=programme) for _ in range(size)]
    zone = ZoneFactory()
    statuses = list(MeetingStatus)
    meetings = []
    for i in range(size):
        meeting = MeetingFactory(
            programme=programme,
            date=None if i % 3 == 2 else datetime.date(2017, 10, 1) + datetime.timedelta(days=i),
            status=MeetingStatus.SCHEDULED if i % 3 == 2 else statuses[(i // 3) % len(statuses)],
            municipality=MunicipalityFactory(zone=zone),
            zone=zone,
        )
        meeting.tables.set(tables[: i + 1])
        meetings.append(meeting)
    first = meetings[0]
    for i in range(size):
        first.venue = f"Sala {i}"
        first.save()
        first.tables.set(tables[i : i + 2])
    return first


# page: (queries, address)
PAGES = {
    "meetings": (7, lambda m: reverse("redazione:incontri_meetings")),
    "meetings filtered": (
        8,
        lambda m: reverse("redazione:incontri_meetings") + "?programma=patto&quando=prossimi",
    ),
    # the meeting page counts its registrations (confirmed, waiting) too
    "meeting": (16, lambda m: reverse("redazione:incontri_meeting", args=[m.pk])),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_query_count(client, django_assert_num_queries, page, size):
    first = populate(size)
    login_as(client, "staff")
    queries, url = PAGES[page]
    with django_assert_num_queries(queries):
        response = client.get(url(first))
    assert response.status_code == 200
