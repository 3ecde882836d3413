"""A meeting's page: everything about it, and the calendar button only when there is a date."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incontri.models import MeetingKind, MeetingStatus
from patto.models import ActorCategory
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    PhaseFactory,
    ProgrammeFactory,
    ThematicTableFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


def url(meeting):
    return reverse("incontri:detail", kwargs={"pk": meeting.pk})


@pytest.fixture
def meeting(torino):
    programme = ProgrammeFactory(title="Patto di sviluppo di comunità solidali", slug="patto")
    meeting = MeetingFactory(
        programme=programme,
        phase=PhaseFactory(programme=programme, title="Patto di sviluppo 2018–2019"),
        kind=MeetingKind.ZONE,
        title="Incontro della zona di Chieri",
        date=datetime.date(2030, 10, 19),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(13),
        venue="Sala consiliare",
        address="Via Vittorio Emanuele II 1",
        municipality=MunicipalityFactory(name="Chieri", province=torino),
        province=torino,
        zone=ZoneFactory(number=5, name="Chierese", province=torino),
        audiences=[ActorCategory.LOCAL_ADMINISTRATOR, ActorCategory.THIRD_SECTOR],
        agenda="1. Presentazione della **proposta**\n2. Discussione",
        capacity=80,
        source="https://www.regione.piemonte.it/incontri",
    )
    meeting.tables.set(
        [
            ThematicTableFactory(programme=programme, title="Povertà e inclusione", position=1),
            ThematicTableFactory(programme=programme, title="Servizio civile", position=2),
        ]
    )
    return meeting


def test_everything_about_the_meeting(client, meeting):
    response = client.get(url(meeting))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Incontro della zona di Chieri</h1>" in html
    assert "19 ottobre 2030" in html.lower()
    assert "dalle 09:30 alle 13:00" in html
    assert "Sala consiliare" in html
    assert "Via Vittorio Emanuele II 1" in html
    assert "Comune di Chieri (TO)" in html
    assert 'href="/incontri/?provincia=TO">Torino</a>' in html
    assert "Zona 5 – Chierese" in html
    assert 'href="/programmi/patto/">Patto di sviluppo di comunità solidali</a>' in html
    assert "Patto di sviluppo 2018–2019" in html
    assert html.index("Povertà e inclusione") < html.index("Servizio civile")
    assert "Rivolto a" in html
    assert "<li>Amministratori locali</li>" in html
    assert "<li>Volontariato e terzo settore</li>" in html
    assert "<strong>proposta</strong>" in html  # the agenda is rendered markdown
    assert "In programma" in html
    assert '<a href="https://www.regione.piemonte.it/incontri"' in html
    assert "80" in html


def test_calendar_button(client, meeting):
    html = client.get(url(meeting)).content.decode()
    assert f'href="/incontri/{meeting.pk}.ics"' in html
    assert "Aggiungi al calendario (.ics)" in html
    assert 'href="/programmi/patto/incontri.ics"' in html


def test_date_to_be_confirmed_has_no_calendar_button(client):
    meeting = MeetingFactory(date=None, date_note="ottobre–novembre 2017")
    html = client.get(url(meeting)).content.decode()
    assert "Data da confermare" in html
    assert "ottobre–novembre 2017" in html
    assert "Aggiungi al calendario" not in html
    assert f"/incontri/{meeting.pk}.ics" not in html


def test_cancelled_meeting_says_so(client):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    html = client.get(url(meeting)).content.decode()
    assert "Incontro annullato" in html
    assert "Questo incontro è stato annullato" in html


def test_held_meeting_shows_minutes_file_and_attendance(client):
    meeting = MeetingFactory(
        status=MeetingStatus.HELD,
        attendance=120,
        minutes="Hanno partecipato **molti** enti.",
        minutes_file=SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    html = client.get(url(meeting)).content.decode()
    assert "Partecipanti" in html
    assert "120" in html
    assert "Hanno partecipato <strong>molti</strong> enti." in html
    minutes_url = reverse("incontri:minutes", args=[meeting.pk])
    assert f'href="{minutes_url}"' in html
    assert "Scarica il verbale" in html
    response = client.get(minutes_url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_attendance_only_once_held(client):
    meeting = MeetingFactory(status=MeetingStatus.SCHEDULED, attendance=50)
    assert "Partecipanti" not in client.get(url(meeting)).content.decode()


def test_held_without_minutes_says_they_are_not_published_yet(client):
    meeting = MeetingFactory(status=MeetingStatus.HELD)
    html = client.get(url(meeting)).content.decode()
    assert "Il verbale di questo incontro non è ancora stato pubblicato." in html


def test_markdown_is_sanitised(client):
    meeting = MeetingFactory(agenda='<script>alert("x")</script>[link](javascript:alert(1))')
    html = client.get(url(meeting)).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_unknown_meeting_is_404(client):
    assert client.get("/incontri/999999/").status_code == 404


@pytest.mark.parametrize("tables", [1, 10])
def test_query_count(client, django_assert_num_queries, meeting, tables):
    meeting.tables.add(*ThematicTableFactory.create_batch(tables, programme=meeting.programme))
    # menu, the meeting with its places, programme and phase, its tables, the registrations'
    # counts (the meeting is ahead: registrations are open)
    with django_assert_num_queries(4):
        response = client.get(url(meeting))
    assert response.status_code == 200
