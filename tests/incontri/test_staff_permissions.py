"""Who may use the staff pages of meetings: a table of every role × every page (GET) and every
state change (POST). Anonymous visitors are sent to the login page, logged-in people outside
the redazione get 403, the redazione gets the page (or the change); meetings that do not exist
are 404. A refused POST changes nothing."""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from incontri import services
from incontri.models import Meeting, MeetingStatus
from tests.factories import MeetingFactory, ProgrammeFactory
from tests.people import login_as, someone

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "spokesperson", "staff"]


def pdf_upload():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("verbale.pdf", buffer.getvalue(), content_type="application/pdf")


@dataclass
class Data:
    programme: object
    scheduled: object
    held: object
    cancelled: object


@pytest.fixture
def data():
    programme = ProgrammeFactory(slug="patto")
    scheduled = MeetingFactory(programme=programme, date=datetime.date(2017, 10, 19))
    held = MeetingFactory(programme=programme, status=MeetingStatus.HELD, minutes="Verbale.")
    held.minutes_file.save("verbale.pdf", pdf_upload())
    cancelled = MeetingFactory(programme=programme, status=MeetingStatus.CANCELLED)
    return Data(programme, scheduled, held, cancelled)


def assert_outcome(response, role, allowed_status):
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in ("registered", "spokesperson"):
        assert response.status_code == 403
    else:
        assert response.status_code == allowed_status


PAGES = {
    "meetings": lambda d: reverse("redazione:incontri_meetings"),
    "meetings filtered": lambda d: (
        reverse("redazione:incontri_meetings") + "?programma=patto&stato=scheduled&quando=passati"
    ),
    "new meeting: choose programme": lambda d: reverse("redazione:incontri_meeting_create"),
    "new meeting": lambda d: reverse("redazione:incontri_meeting_create") + "?programma=patto",
    "meeting": lambda d: reverse("redazione:incontri_meeting", args=[d.scheduled.pk]),
    "held meeting": lambda d: reverse("redazione:incontri_meeting", args=[d.held.pk]),
    "cancel: confirm": lambda d: reverse(
        "redazione:incontri_meeting_cancel", args=[d.scheduled.pk]
    ),
    "minutes PDF": lambda d: reverse("redazione:incontri_meeting_minutes_file", args=[d.held.pk]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages(client, data, page, role):
    login_as(client, role)
    response = client.get(PAGES[page](data))
    assert_outcome(response, role, 200)


@dataclass
class Change:
    url: Callable
    payload: Callable
    done: Callable


def _meeting(pk):
    return Meeting.objects.get(pk=pk)


CHANGES = {
    "schedule": Change(
        lambda d: reverse("redazione:incontri_meeting_create") + "?programma=patto",
        lambda d: {"title": "Incontro di Asti", "kind": "provincial", "date": "2017-10-26"},
        lambda d: Meeting.objects.filter(title="Incontro di Asti").exists(),
    ),
    "edit": Change(
        lambda d: reverse("redazione:incontri_meeting", args=[d.scheduled.pk]),
        lambda d: {
            "revision": 1,
            "title": "Incontro di Cuneo",
            "kind": "provincial",
            "date": "2017-10-19",
        },
        lambda d: _meeting(d.scheduled.pk).title == "Incontro di Cuneo",
    ),
    "cancel": Change(
        lambda d: reverse("redazione:incontri_meeting_cancel", args=[d.scheduled.pk]),
        lambda d: {"revision": 1},
        lambda d: _meeting(d.scheduled.pk).status == MeetingStatus.CANCELLED,
    ),
    "mark held": Change(
        lambda d: reverse("redazione:incontri_meeting_held", args=[d.scheduled.pk]),
        lambda d: {"revision": 1, "attendance": "30"},
        lambda d: _meeting(d.scheduled.pk).status == MeetingStatus.HELD,
    ),
    "restore": Change(
        lambda d: reverse("redazione:incontri_meeting_restore", args=[d.cancelled.pk]),
        lambda d: {"revision": 1},
        lambda d: _meeting(d.cancelled.pk).status == MeetingStatus.SCHEDULED,
    ),
    "attendance": Change(
        lambda d: reverse("redazione:incontri_meeting_attendance", args=[d.held.pk]),
        lambda d: {"revision": d.held.revision, "attendance": "55"},
        lambda d: _meeting(d.held.pk).attendance == 55,
    ),
    "minutes": Change(
        lambda d: reverse("redazione:incontri_meeting_minutes", args=[d.held.pk]),
        lambda d: {"revision": d.held.revision, "minutes": "Nuovo verbale."},
        lambda d: _meeting(d.held.pk).minutes == "Nuovo verbale.",
    ),
    "minutes PDF upload": Change(
        lambda d: reverse("redazione:incontri_meeting_minutes", args=[d.held.pk]),
        lambda d: {"revision": d.held.revision, "minutes": "", "minutes_file": pdf_upload()},
        lambda d: _meeting(d.held.pk).minutes_file.name != d.held.minutes_file.name,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("change", CHANGES)
def test_state_changes(client, data, change, role):
    login_as(client, role)
    response = client.post(CHANGES[change].url(data), CHANGES[change].payload(data))
    assert_outcome(response, role, 302)
    assert CHANGES[change].done(data) is (role == "staff")


MISSING = {
    "meeting": ("get", "redazione:incontri_meeting"),
    "cancel": ("post", "redazione:incontri_meeting_cancel"),
    "mark held": ("post", "redazione:incontri_meeting_held"),
    "restore": ("post", "redazione:incontri_meeting_restore"),
    "minutes": ("post", "redazione:incontri_meeting_minutes"),
    "attendance": ("post", "redazione:incontri_meeting_attendance"),
    "minutes PDF": ("get", "redazione:incontri_meeting_minutes_file"),
}


@pytest.mark.parametrize("case", MISSING)
def test_missing_meetings_are_404_for_staff(client, data, case):
    login_as(client, "staff")
    method, name = MISSING[case]
    response = getattr(client, method)(reverse(name, args=[999999]), {"revision": 1})
    assert response.status_code == 404


def test_a_meeting_without_a_pdf_has_no_download(client, data):
    login_as(client, "staff")
    url = reverse("redazione:incontri_meeting_minutes_file", args=[data.scheduled.pk])
    assert client.get(url).status_code == 404


def test_new_meeting_for_an_unknown_programme_is_404(client, data):
    login_as(client, "staff")
    url = reverse("redazione:incontri_meeting_create") + "?programma=nessuno"
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "X"}).status_code == 404


@pytest.mark.parametrize("role", ["registered", "spokesperson"])
def test_services_refuse_people_outside_the_redazione(data, role):
    user = someone(role)
    calls = [
        lambda: services.schedule_meeting(
            programme=data.programme, by=user, kind="plenary", title="X"
        ),
        lambda: services.update_meeting(
            meeting=data.scheduled, by=user, expected_revision=1, title="X"
        ),
        lambda: services.cancel_meeting(meeting=data.scheduled, by=user, expected_revision=1),
        lambda: services.mark_meeting_held(meeting=data.scheduled, by=user, expected_revision=1),
        lambda: services.restore_meeting(meeting=data.cancelled, by=user, expected_revision=1),
        lambda: services.record_attendance(
            meeting=data.held, by=user, expected_revision=1, attendance=3
        ),
        lambda: services.record_minutes(
            meeting=data.held, by=user, expected_revision=1, minutes="x"
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _meeting(data.scheduled.pk).status == MeetingStatus.SCHEDULED
    assert Meeting.objects.count() == 3
