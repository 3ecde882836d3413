"""Registering on the meeting's page, cancelling, and the redazione's list of registrations
with its CSV and the presences: what people see and what the pages store."""

import csv
import datetime
import html
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags

from incontri import services
from incontri.models import MeetingStatus, Registration, RegistrationStatus
from tests.factories import MeetingFactory, UserFactory
from tests.people import login_as
from tests.xss import XSS, active_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(days):
    return MeetingFactory(date=days(10), capacity=2, title="Incontro della Zona 1")


def page(meeting):
    return reverse("incontri:detail", args=[meeting.pk])


def register_url(meeting):
    return reverse("incontri:register", args=[meeting.pk])


def text(response):
    """The page's words, without tags."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def test_anonymous_visitors_are_asked_to_log_in(client, meeting):
    response = client.get(page(meeting))
    body = text(response)
    assert "Posti disponibili: 2 di 2." in body
    login = reverse("account_login") + f"?next=/incontri/{meeting.pk}/"
    assert f'href="{login}"' in response.content.decode()
    assert "Accedi per iscriverti" in body


def test_the_form_is_prefilled_from_the_profile(client, meeting):
    user = UserFactory(body_name="Comune di Chieri", actor_category="amministratori_locali")
    client.force_login(user)
    response = client.get(page(meeting))
    form = response.context["registration_form"]
    assert form.initial == {
        "body_name": "Comune di Chieri",
        "actor_category": "amministratori_locali",
    }
    assert 'value="Comune di Chieri"' in response.content.decode()
    assert '<option value="amministratori_locali" selected>' in response.content.decode()


def test_registering_then_cancelling(
    client, meeting, eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url(meeting),
            {"body_name": "Cooperativa Il Sole", "actor_category": "cooperative"},
            follow=True,
        )
    body = text(response)
    assert "Iscrizione confermata. Ti abbiamo mandato" in body
    assert "La tua iscrizione a questo incontro è confermata." in body
    assert "Posti disponibili: 1 di 2." in body
    assert "Iscrizione a nome di: Cooperativa Il Sole · Cooperative" in body
    registration = Registration.objects.get(user=user)
    assert (registration.status, registration.body_name) == ("confirmed", "Cooperativa Il Sole")
    assert [m.subject for m in mail.outbox] == ["Iscrizione confermata: Incontro della Zona 1"]

    cancel = reverse("incontri:registration_cancel", args=[registration.pk])
    assert f'href="{cancel}"' in response.content.decode()
    confirm = client.get(cancel)
    assert "Vuoi annullare la tua iscrizione a «Incontro della Zona 1»?" in text(confirm)
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    response = client.post(cancel, follow=True)
    body = text(response)
    assert "La tua iscrizione è annullata." in body
    assert "Avevi annullato la tua iscrizione: puoi iscriverti di nuovo." in body
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_a_full_meeting_offers_the_waiting_list_and_shows_the_position(client, meeting):
    for _ in range(3):
        services.register(meeting=meeting, user=UserFactory())
    user = UserFactory()
    client.force_login(user)
    body = text(client.get(page(meeting)))
    assert "Posti esauriti (2 su 2). 1 persona in lista d'attesa." in body
    assert "Mettiti in lista d'attesa" in body
    response = client.post(
        register_url(meeting), {"body_name": "", "actor_category": ""}, follow=True
    )
    body = text(response)
    assert "I posti sono esauriti: sei in lista d'attesa." in body
    assert "Sei in lista d'attesa (posizione 2)." in body


def test_bad_input_is_a_form_error_and_nothing_is_stored(client, meeting):
    login_as(client, "registered")
    response = client.post(
        register_url(meeting), {"body_name": "x" * 201, "actor_category": "astronauti"}
    )
    assert response.status_code == 200
    form = response.context["registration_form"]
    assert set(form.errors) == {"body_name", "actor_category"}
    assert not Registration.objects.exists()


def test_registering_for_a_closed_meeting_says_why(client, days):
    meeting = MeetingFactory(date=days(-2), status=MeetingStatus.HELD, capacity=5)
    login_as(client, "registered")
    response = client.post(
        register_url(meeting), {"body_name": "", "actor_category": ""}, follow=True
    )
    assert "L'incontro si è già svolto: le iscrizioni sono chiuse." in text(response)
    assert not Registration.objects.exists()


def test_registering_twice_says_so(client, meeting):
    user = UserFactory()
    services.register(meeting=meeting, user=user)
    client.force_login(user)
    response = client.post(
        register_url(meeting), {"body_name": "", "actor_category": ""}, follow=True
    )
    assert "La tua iscrizione a questo incontro c'è già." in text(response)
    assert Registration.objects.count() == 1


def test_a_meeting_whose_date_is_to_be_confirmed_says_registrations_open_later(client):
    meeting = MeetingFactory(date=None, date_note="ottobre 2030", capacity=10)
    body = text(client.get(page(meeting)))
    assert "Le iscrizioni si apriranno quando la data dell'incontro sarà confermata." in body
    assert "Accedi per iscriverti" not in body


def test_past_meetings_show_no_registration_box(client, days):
    meeting = MeetingFactory(date=days(-30), status=MeetingStatus.HELD)
    assert 'id="iscrizione"' not in client.get(page(meeting)).content.decode()


# Staff ----------------------------------------------------------------------------------------


@pytest.fixture
def registered(meeting):
    people = [
        UserFactory(first_name="Anna", last_name="Rossi", email="anna@example.org"),
        UserFactory(first_name="Bruno", last_name="Bianchi", email="bruno@example.org"),
        UserFactory(first_name="Carla", last_name="Verdi", email="carla@example.org"),
        UserFactory(first_name="Dario", last_name="Neri", email="dario@example.org"),
    ]
    services.register(meeting=meeting, user=people[0], body_name="ASL TO5", actor_category="asl")
    services.register(meeting=meeting, user=people[1], body_name='=HYPERLINK("x")')
    services.register(meeting=meeting, user=people[2], body_name="Comune di Moncalieri")
    registration = services.register(meeting=meeting, user=people[3])
    services.cancel_registration(registration=registration, by=people[3])
    return people


def test_the_staff_list_groups_and_counts(client, meeting, registered):
    login_as(client, "staff")
    response = client.get(reverse("redazione:incontri_meeting_registrations", args=[meeting.pk]))
    body = text(response)
    assert "2 confermate su 2 posti · 1 in lista d'attesa · 1 annullata" in body
    assert [r.user.first_name for r in response.context["confirmed"]] == ["Anna", "Bruno"]
    assert [r.user.first_name for r in response.context["waiting"]] == ["Carla"]
    assert [r.user.first_name for r in response.context["cancelled"]] == ["Dario"]
    assert "Le presenze si registrano da qui dal giorno dell'incontro." in body
    staff_page = text(client.get(reverse("redazione:incontri_meeting", args=[meeting.pk])))
    assert "2 iscrizioni confermate, 1 in lista d'attesa" in staff_page


def test_the_csv_opens_in_excel(client, meeting, registered):
    login_as(client, "staff")
    response = client.get(
        reverse("redazione:incontri_meeting_registrations_csv", args=[meeting.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"iscrizioni-incontro-{meeting.pk}.csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nome", "Email", "Ente", "Categoria", "Stato", "Iscritta il", "Presente"]
    assert [row[:5] for row in rows[1:]] == [
        ["Anna Rossi", "anna@example.org", "ASL TO5", "ASL", "Confermata"],
        ["Bruno Bianchi", "bruno@example.org", '\'=HYPERLINK("x")', "", "Confermata"],
        ["Carla Verdi", "carla@example.org", "Comune di Moncalieri", "", "In lista d'attesa"],
        ["Dario Neri", "dario@example.org", "", "", "Annullata"],
    ]
    registered_at = datetime.datetime.strptime(rows[1][5], "%d/%m/%Y %H:%M")
    assert registered_at.date() == datetime.date.today()
    assert {row[6] for row in rows[1:]} == {""}


def test_presences_after_the_meeting(client, meeting, registered, today):
    meeting.date = today
    meeting.save()
    login_as(client, "staff")
    url = reverse("redazione:incontri_meeting_registrations", args=[meeting.pk])
    response = client.get(url)
    assert [r.user.first_name for r, _checked, _id in response.context["form"].rows()] == [
        "Anna",
        "Bruno",
        "Carla",
    ]
    anna, carla = (Registration.objects.get(user=registered[i]) for i in (0, 2))
    response = client.post(
        reverse("redazione:incontri_meeting_presences", args=[meeting.pk]),
        {"revision": meeting.revision, "present": [anna.pk, carla.pk]},
        follow=True,
    )
    assert "Presenze registrate." in text(response)
    assert dict(Registration.objects.values_list("user__first_name", "attended")) == {
        "Anna": True,
        "Bruno": False,
        "Carla": True,
        "Dario": None,
    }
    meeting.refresh_from_db()
    assert meeting.attendance == 2
    csv_rows = (
        client.get(reverse("redazione:incontri_meeting_registrations_csv", args=[meeting.pk]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert csv_rows[1].endswith(";sì") and csv_rows[2].endswith(";no")


def test_presences_of_someone_not_registered_are_refused(client, meeting, registered, today):
    meeting.date = today
    meeting.save()
    login_as(client, "staff")
    anna = Registration.objects.get(user=registered[0])
    meeting.attendance = 40
    meeting.save()
    response = client.post(
        reverse("redazione:incontri_meeting_presences", args=[meeting.pk]),
        {"revision": 1, "present": ["999999"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Registration.objects.get(pk=anna.pk).attended is None


def test_capacity_below_the_confirmed_is_a_form_error(client, meeting, registered):
    login_as(client, "staff")
    response = client.post(
        reverse("redazione:incontri_meeting", args=[meeting.pk]),
        {
            "revision": meeting.revision,
            "title": meeting.title,
            "kind": meeting.kind,
            "date": meeting.date.isoformat(),
            "capacity": "1",
        },
    )
    assert response.status_code == 200
    assert "Ci sono già 2 iscrizioni confermate" in str(response.context["form"].errors["capacity"])
    meeting.refresh_from_db()
    assert meeting.capacity == 2


def test_raising_the_capacity_on_the_staff_page_promotes(client, meeting, registered):
    login_as(client, "staff")
    client.post(
        reverse("redazione:incontri_meeting", args=[meeting.pk]),
        {
            "revision": meeting.revision,
            "title": meeting.title,
            "kind": meeting.kind,
            "date": meeting.date.isoformat(),
            "capacity": "3",
        },
    )
    assert Registration.objects.get(user=registered[2]).status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("payload", XSS)
def test_hostile_body_names_are_shown_as_text(client, meeting, payload):
    user = UserFactory(first_name=payload)
    services.register(meeting=meeting, user=user, body_name=payload)
    client.force_login(user)
    assert active_content(client.get(page(meeting)).content.decode()) == []
    login_as(client, "staff")
    staff_page = client.get(reverse("redazione:incontri_meeting_registrations", args=[meeting.pk]))
    assert active_content(staff_page.content.decode()) == []
