"""Which meetings are still ahead: ``Meeting.objects.upcoming()`` decides, everywhere. A meeting
whose date was to be confirmed is upcoming only until the end of the period it was expected in;
then it is listed with the past ones, saying its date was never published (the 2017 provincial
meetings, "ottobre–novembre 2017", are not "Prossimi incontri" in December 2026)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incontri import queries, services
from incontri.models import Meeting, MeetingStatus, Registration
from tests.factories import MeetingFactory, ProgrammeFactory, UserFactory
from tests.patto.test_public_cache import Clock, local

pytestmark = pytest.mark.django_db

SCHEDULED, HELD, CANCELLED = MeetingStatus.SCHEDULED, MeetingStatus.HELD, MeetingStatus.CANCELLED
DECEMBER_2026 = datetime.date(2026, 12, 6)
END_OF_NOVEMBER_2017 = datetime.date(2017, 11, 30)


def provincial_2017(**fields):
    """One of the four 2017 provincial meetings with no public date, as the demo loads them."""
    values = {
        "title": "Incontro provinciale di Vercelli",
        "date": None,
        "date_note": "ottobre–novembre 2017",
        "expected_by": END_OF_NOVEMBER_2017,
        "status": SCHEDULED,
        **fields,
    }
    return MeetingFactory(**values)


# (date, expected_by) as days from today, status → upcoming?, past?
CASES = [
    ("dated today", (0, None), SCHEDULED, True, False),
    ("dated yesterday, never marked held", (-1, None), SCHEDULED, False, True),
    ("held yesterday", (-1, None), HELD, False, True),
    ("cancelled, next week", (7, None), CANCELLED, False, False),
    ("to be confirmed, period ends today", (None, 0), SCHEDULED, True, False),
    ("to be confirmed, period ended yesterday", (None, -1), SCHEDULED, False, True),
    ("to be confirmed, period ends next month", (None, 30), SCHEDULED, True, False),
    ("to be confirmed, no known period", (None, None), SCHEDULED, True, False),
    ("cancelled, period ended yesterday", (None, -1), CANCELLED, False, True),
]


@pytest.mark.parametrize(
    ("when", "status", "upcoming", "past"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_upcoming_past_and_the_meeting_itself_agree(days, when, status, upcoming, past):
    date, expected_by = (None if n is None else days(n) for n in when)
    meeting = MeetingFactory(date=date, expected_by=expected_by, status=status)
    assert Meeting.objects.upcoming().filter(pk=meeting.pk).exists() is upcoming
    assert Meeting.objects.past().filter(pk=meeting.pk).exists() is past
    # not_past() is exactly the complement of past(), NULLs included
    assert Meeting.objects.not_past().filter(pk=meeting.pk).exists() is not past
    assert meeting.has_passed() is past
    [listed] = [m for m in queries.meeting_list() if m.pk == meeting.pk]
    assert listed.is_past is past
    assert meeting.date_never_published is (date is None and past)


def test_the_2017_provincial_meetings_are_past_in_december_2026():
    meeting = provincial_2017()
    assert meeting not in Meeting.objects.upcoming(DECEMBER_2026)
    assert meeting in Meeting.objects.past(DECEMBER_2026)
    # in the autumn of 2017 they were still ahead, the last day of November included
    assert meeting in Meeting.objects.upcoming(datetime.date(2017, 10, 1))
    assert meeting in Meeting.objects.upcoming(END_OF_NOVEMBER_2017)
    assert meeting not in Meeting.objects.upcoming(datetime.date(2017, 12, 1))


def test_home_page_does_not_offer_them_as_next_meetings(client, days):
    provincial_2017()
    MeetingFactory(title="Incontro della zona 1", date=days(21))
    html = client.get(reverse("home")).content.decode()
    next_meetings = html.split("Prossimi incontri")[1]
    assert "Incontro della zona 1" in next_meetings
    assert "Incontro provinciale di Vercelli" not in html


def test_meeting_list_puts_them_with_the_past_ones_saying_the_date_was_never_published(
    client, days
):
    provincial_2017()
    MeetingFactory(title="Incontro della zona 1", date=days(21))
    MeetingFactory(title="Da confermare", date=None, date_note="autunno", expected_by=days(60))
    response = client.get(reverse("incontri:list"))
    html = response.content.decode()
    ahead, past = html.split("Incontri passati")
    assert "Incontro della zona 1" in ahead and "Da confermare" in ahead
    assert "Incontro provinciale di Vercelli" not in ahead
    card = past[past.index("Incontro provinciale di Vercelli") :]
    card = card[: card.index("</article>")]
    assert "Data mai pubblicata</span> <span>ottobre–novembre 2017</span>" in card
    assert "In programma" not in card  # it is not "scheduled" for a citizen any more
    assert "Data da confermare" in ahead


def test_past_ones_latest_first_a_never_published_date_at_the_end_of_its_period(client):
    MeetingFactory(title="Cuneo", date=datetime.date(2017, 10, 19), status=HELD)
    MeetingFactory(title="Novara", date=datetime.date(2017, 11, 22), status=HELD)
    provincial_2017(title="Vercelli")
    MeetingFactory(title="Gennaio 2018", date=datetime.date(2018, 1, 10), status=HELD)
    titles = [m.title for m in client.get(reverse("incontri:list")).context["meetings"]]
    assert titles == ["Gennaio 2018", "Vercelli", "Novara", "Cuneo"]


def test_meetings_to_be_confirmed_ahead_come_by_the_end_of_their_period(client, days):
    MeetingFactory(title="Entro due mesi", date=None, expected_by=days(60))
    MeetingFactory(title="Senza periodo", date=None, expected_by=None)
    MeetingFactory(title="Entro un mese", date=None, expected_by=days(30))
    MeetingFactory(title="Tra una settimana", date=days(7))
    titles = [m.title for m in client.get(reverse("incontri:list")).context["meetings"]]
    assert titles == ["Tra una settimana", "Entro un mese", "Entro due mesi", "Senza periodo"]


@pytest.mark.parametrize(
    ("when", "listed"), [("prossimi", False), ("passati", True), ("tutti", True)]
)
def test_the_when_filter_follows_the_same_rule(client, when, listed):
    provincial_2017()
    response = client.get(reverse("incontri:list"), {"quando": when})
    titles = [m.title for m in response.context["meetings"]]
    assert ("Incontro provinciale di Vercelli" in titles) is listed


def test_the_staff_list_filter_follows_the_same_rule(staff_client):
    provincial_2017()
    url = reverse("redazione:incontri_meetings")
    ahead = staff_client.get(url, {"quando": "prossimi"}).context["meetings"]
    past = staff_client.get(url, {"quando": "passati"}).context["meetings"]
    assert [m.title for m in ahead] == []
    assert [m.title for m in past] == ["Incontro provinciale di Vercelli"]


def test_its_page_says_the_date_was_never_published(client):
    meeting = provincial_2017()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Data mai pubblicata" in html
    assert "La data di questo incontro non è mai stata pubblicata." in html
    assert "Era previsto entro il 30 novembre 2017" in html
    assert "la pubblicheremo qui appena sarà confermata" not in html
    assert "Le iscrizioni si apriranno" not in html
    assert "sarà disponibile quando la data sarà confermata" not in html
    assert ">In programma</span>" not in html


def test_the_programme_page_says_so_too(client):
    programme = ProgrammeFactory(slug="patto")
    provincial_2017(programme=programme)
    html = client.get(reverse("patto:programme", args=["patto"])).content.decode()
    assert "Data mai pubblicata" in html


def test_without_a_note_the_end_of_the_period_is_shown(client, days):
    MeetingFactory(
        title="Incontro", date=None, date_note="", expected_by=datetime.date(2030, 3, 31)
    )
    html = client.get(reverse("incontri:list")).content.decode()
    assert "Data da confermare</span> <span>entro il 31 marzo 2030</span>" in html


def test_the_end_of_the_period_on_the_8th_reads_entro_l_8(client, days):
    MeetingFactory(title="Incontro", date=None, date_note="", expected_by=datetime.date(2030, 3, 8))
    html = client.get(reverse("incontri:list")).content.decode()
    assert "Data da confermare</span> <span>entro l&#x27;8 marzo 2030</span>" in html
    meeting = provincial_2017(expected_by=datetime.date(2017, 11, 11))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Era previsto entro l&#x27;11 novembre 2017: per questo" in html


def test_it_takes_no_registrations():
    meeting = provincial_2017(capacity=50)
    assert "non è mai stata pubblicata" in meeting.registration_closed_reason()
    with pytest.raises(ValidationError, match="non è mai stata pubblicata"):
        services.register(meeting=meeting, user=UserFactory())
    assert not Registration.objects.exists()
    assert not queries.registration_box(meeting, UserFactory()).is_shown


def test_a_meeting_to_be_confirmed_within_its_period_still_opens_later(days):
    meeting = MeetingFactory(date=None, expected_by=days(10), capacity=50)
    box = queries.registration_box(meeting, UserFactory())
    assert box.opens_later and box.is_shown


# The services: the period is required while the date is to be confirmed, and goes with a date.


def test_scheduling_a_meeting_to_be_confirmed_needs_its_period(staff):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as refused:
        services.schedule_meeting(
            programme=programme, by=staff, kind="provincial", title="Vercelli", date=None
        )
    assert "expected_by" in refused.value.message_dict
    assert not Meeting.objects.exists()
    meeting = services.schedule_meeting(
        programme=programme,
        by=staff,
        kind="provincial",
        title="Vercelli",
        date=None,
        date_note="ottobre–novembre 2017",
        expected_by=END_OF_NOVEMBER_2017,
    )
    assert meeting.expected_by == END_OF_NOVEMBER_2017


def test_a_date_drops_the_expected_period(staff):
    meeting = provincial_2017()
    services.update_meeting(
        meeting=meeting,
        by=staff,
        expected_revision=meeting.revision,
        date=datetime.date(2017, 11, 8),
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.expected_by) == (datetime.date(2017, 11, 8), None)


def test_back_to_be_confirmed_asks_for_the_period_again(staff, days):
    meeting = MeetingFactory(date=days(10))
    with pytest.raises(ValidationError) as refused:
        services.update_meeting(
            meeting=meeting, by=staff, expected_revision=meeting.revision, date=None
        )
    assert "expected_by" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.date == days(10)


def test_the_database_holds_a_period_only_without_a_date():
    meeting = MeetingFactory.build(
        programme=ProgrammeFactory(),
        date=datetime.date(2030, 1, 1),
        expected_by=END_OF_NOVEMBER_2017,
    )
    with pytest.raises(ValidationError, match="solo per un incontro con la data da confermare"):
        meeting.full_clean()


# The clock alone: the period ends at local midnight, when every cached page is rendered again.


def test_at_the_end_of_its_period_it_leaves_the_cached_home_page_at_midnight(
    client, monkeypatch, django_assert_num_queries
):
    today = timezone.localdate()
    clock = Clock(monkeypatch, local(today, 20))
    MeetingFactory(title="Incontro di Biella", date=None, date_note="entro oggi", expected_by=today)
    before = client.get(reverse("home"))
    assert "Incontro di Biella" in before.content.decode()
    clock.move_to(local(today, 23, 59, 59))
    with django_assert_num_queries(0):  # the stored page, still true
        assert client.get(reverse("home")).content == before.content

    clock.move_to(local(today + datetime.timedelta(days=1), 0, 0))
    after = client.get(reverse("home"), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Incontro di Biella" not in after.content.decode()
    listed = client.get(reverse("incontri:list")).content.decode()
    assert "Incontro di Biella" in listed.split("Incontri passati")[1]
