"""The redazione runs the meetings: schedule (with a date or "to be confirmed"), edit, cancel
after confirming, mark as held, minutes written or uploaded as a PDF (checked by content and
size), attendance. The model's rules come back as form errors, never as a crash; two people
editing at once never overwrite each other; every change is in the meeting's history."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from incontri.models import Meeting, MeetingStatus
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    PhaseFactory,
    ProgrammeFactory,
    ProvinceFactory,
    ThematicTableFactory,
    ZoneFactory,
)
from tests.xss import XSS, active_content

# The redazione's pages: every test starts logged in as the staff persona.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_client")]


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="patto", title="Patto per il sociale")


@pytest.fixture
def meeting(programme):
    return MeetingFactory(
        programme=programme,
        title="Incontro provinciale di Cuneo",
        date=datetime.date(2017, 10, 19),
    )


@pytest.fixture
def held(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    meeting.refresh_from_db()
    return meeting


def meeting_url(meeting):
    return reverse("redazione:incontri_meeting", args=[meeting.pk])


def create_url():
    return reverse("redazione:incontri_meeting_create") + "?programma=patto"


def base_payload(**changes):
    return {
        "title": "Incontro provinciale di Asti",
        "kind": "provincial",
        "date": "2017-10-26",
        "start_time": "",
        "end_time": "",
        **changes,
    }


def edit_payload(meeting, **changes):
    current = {
        "revision": meeting.revision,
        "title": meeting.title,
        "kind": meeting.kind,
        "date": meeting.date.isoformat() if meeting.date else "",
        "date_to_be_confirmed": "" if meeting.date else "on",
        "date_note": meeting.date_note,
        "expected_by": meeting.expected_by.isoformat() if meeting.expected_by else "",
        "venue": meeting.venue,
        "agenda": meeting.agenda,
    }
    return base_payload(**{**current, **changes})


def test_schedule_a_meeting_with_everything(client, staff, programme):
    phase = PhaseFactory(programme=programme)
    province = ProvinceFactory(istat_code="005", name="Asti", abbreviation="AT")
    comune = MunicipalityFactory(name="Asti", province=province)
    tables = [ThematicTableFactory(programme=programme) for _ in range(2)]
    form = client.get(create_url()).text
    assert '<option value="Asti (AT)">' in form  # the comuni are suggested
    response = client.post(
        create_url(),
        base_payload(
            phase=phase.pk,
            start_time="09:30",
            end_time="13:00",
            venue="Sala consiliare della Provincia",
            address="Piazza Alfieri 33",
            municipality="asti",
            province=province.pk,
            tables=[t.pk for t in tables],
            audiences=["amministratori_locali", "terzo_settore"],
            agenda="1. Saluti\n2. I tavoli",
            capacity="120",
        ),
    )
    meeting = Meeting.objects.get(title="Incontro provinciale di Asti")
    assert response.status_code == 302
    assert response.url == meeting_url(meeting)
    assert meeting.status == MeetingStatus.SCHEDULED
    assert (meeting.municipality, meeting.province, meeting.phase) == (comune, province, phase)
    assert (meeting.start_time, meeting.end_time) == (datetime.time(9, 30), datetime.time(13))
    assert set(meeting.tables.all()) == set(tables)
    assert meeting.audiences == ["amministratori_locali", "terzo_settore"]
    assert meeting.capacity == 120
    assert meeting.history.first().history_user == staff


def test_schedule_a_meeting_whose_date_is_to_be_confirmed(client, staff, programme):
    response = client.post(
        create_url(),
        base_payload(
            date="",
            date_to_be_confirmed="on",
            date_note="ottobre–novembre 2030",
            expected_by="2030-11-30",
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.date is None and meeting.date_note == "ottobre–novembre 2030"
    assert meeting.expected_by == datetime.date(2030, 11, 30)
    public = client.get(reverse("incontri:detail", args=[meeting.pk])).text
    assert "Data da confermare" in public


def test_a_date_to_be_confirmed_needs_the_end_of_its_expected_period(client, staff, programme):
    form = client.get(create_url()).text
    assert 'name="expected_by"' in form
    response = client.post(
        create_url(), base_payload(date="", date_to_be_confirmed="on", date_note="autunno")
    )
    assert response.status_code == 200
    assert "indica entro quale giorno è previsto l&#x27;incontro" in response.text
    assert not Meeting.objects.exists()


def test_the_expected_period_goes_once_the_date_is_known(client, staff, programme):
    meeting = MeetingFactory(
        programme=programme, date=None, date_note="autunno", expected_by=datetime.date(2030, 11, 30)
    )
    # the box unticked, a date given, the old period still in its field: it is dropped
    response = client.post(
        meeting_url(meeting),
        edit_payload(meeting, date="2030-10-15", date_to_be_confirmed=""),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.expected_by) == (datetime.date(2030, 10, 15), None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": ""}, "date", "Inserisci la data, oppure spunta «Data da confermare»."),
        ({"date_to_be_confirmed": "on"}, "date", "togli la data o la spunta"),
        (
            {"date": "", "date_to_be_confirmed": "on", "expected_by": "30/11"},
            "expected_by",
            "Inserisci una data valida.",
        ),
        (
            {"date": "", "date_to_be_confirmed": "on", "start_time": "10:00"},
            "start_time",
            "Un orario richiede una data",
        ),
        (
            {"start_time": "12:00", "end_time": "10:00"},
            "end_time",
            "L&#x27;ora di fine deve venire dopo l&#x27;ora di inizio.",
        ),
        ({"end_time": "10:00"}, "end_time", "L&#x27;ora di fine deve venire dopo"),
        ({"municipality": "Atlantide"}, "municipality", "Nessun comune del Piemonte si chiama"),
        ({"audiences": ["marziani"]}, "audiences", "Scegli un&#x27;opzione valida"),
        ({"kind": ""}, "kind", "Questo campo è obbligatorio."),
    ],
)
def test_the_model_rules_are_form_errors(client, staff, programme, changes, field, message):
    response = client.post(create_url(), base_payload(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Meeting.objects.exists()


def test_a_zone_outside_the_province_is_refused(client, staff, programme):
    turin = ProvinceFactory()
    cuneo = ProvinceFactory(istat_code="004", name="Cuneo", abbreviation="CN")
    zone = ZoneFactory(province=turin)
    response = client.post(create_url(), base_payload(province=cuneo.pk, zone=zone.pk))
    assert response.status_code == 200
    assert "non è nella provincia scelta" in response.text
    assert not Meeting.objects.exists()


def test_a_held_meeting_cannot_lose_its_date(client, staff, held):
    response = client.post(
        meeting_url(held),
        edit_payload(held, date="", date_to_be_confirmed="on", expected_by="2017-11-30"),
    )
    assert response.status_code == 200
    assert "Un incontro svolto deve avere una data." in response.text
    held.refresh_from_db()
    assert held.date == datetime.date(2017, 10, 19)


def test_edit_then_see_the_history(client, staff, meeting):
    table = ThematicTableFactory(programme=meeting.programme, title="Abitare")
    response = client.post(
        meeting_url(meeting),
        edit_payload(meeting, venue="Sala Einaudi", tables=[table.pk], date="2017-10-20"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == "Sala Einaudi" and list(meeting.tables.all()) == [table]
    history = client.get(meeting_url(meeting)).text.split("Storia delle modifiche")[1]
    assert "Anna Bianchi" in history
    assert "Luogo" in history and "Sala Einaudi" in history
    assert "Data" in history and "19 ottobre 2017" in history and "20 ottobre 2017" in history
    assert "Tavoli coinvolti" in history and "aggiunti: Abitare" in history


def test_two_people_editing_the_same_meeting(client, meeting, staff, other_staff):
    first, second = staff, other_staff
    stale = edit_payload(meeting)
    client.force_login(first)
    assert client.post(meeting_url(meeting), {**stale, "venue": "Sala A"}).status_code == 302
    client.force_login(second)
    response = client.post(meeting_url(meeting), {**stale, "venue": "Sala B"})
    assert response.status_code == 409
    assert "Nel frattempo Anna Bianchi ha salvato questa voce" in response.text
    conflict = response.text.split("Cosa è cambiato nel frattempo")[1]
    assert "Sala A" in conflict and "Sala B" in conflict
    meeting.refresh_from_db()
    assert meeting.venue == "Sala A"


def test_two_people_changing_the_state_at_once(client, staff, meeting):
    client.post(reverse("redazione:incontri_meeting_cancel", args=[meeting.pk]), {"revision": 1})
    response = client.post(
        reverse("redazione:incontri_meeting_held", args=[meeting.pk]), {"revision": 1}
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_cancel_after_confirming(client, staff, meeting):
    url = reverse("redazione:incontri_meeting_cancel", args=[meeting.pk])
    confirm = client.get(url)
    assert "Sì, annulla l'incontro" in confirm.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    response = client.post(url, {"revision": 1})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert "Incontro annullato" in client.get(reverse("incontri:detail", args=[meeting.pk])).text

    restore = client.post(
        reverse("redazione:incontri_meeting_restore", args=[meeting.pk]), {"revision": 2}
    )
    assert restore.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_cancel_inline_with_htmx(client, staff, meeting):
    response = client.post(
        reverse("redazione:incontri_meeting_cancel", args=[meeting.pk]),
        {"revision": 1, "row": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/redazione/incontri/?stato=scheduled",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr")
    assert "Incontro annullato." in response.text
    assert "Annullato" in response.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_mark_held_with_attendance(client, staff, meeting):
    response = client.post(
        reverse("redazione:incontri_meeting_held", args=[meeting.pk]),
        {"revision": 1, "attendance": "85"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.attendance) == (MeetingStatus.HELD, 85)


def test_mark_held_needs_a_date(client, staff, programme):
    meeting = MeetingFactory(programme=programme, date=None, date_note="autunno 2017")
    url = reverse("redazione:incontri_meeting_held", args=[meeting.pk])
    response = client.post(url, {"revision": 1})
    assert response.status_code == 200
    assert "La data dell&#x27;incontro è ancora da confermare" in response.text

    inline = client.post(url, {"revision": 1, "row": "1"}, HTTP_HX_REQUEST="true")
    assert "La data dell&#x27;incontro è ancora da confermare" in inline.text

    plain = client.post(url, {"revision": 1, "row": "1"}, follow=True)
    assert "La data dell&#x27;incontro è ancora da confermare" in plain.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_a_meeting_still_ahead_cannot_be_marked_held(client, staff, programme):
    meeting = MeetingFactory(programme=programme, date=datetime.date.today().replace(year=2099))
    response = client.post(
        reverse("redazione:incontri_meeting_held", args=[meeting.pk]), {"revision": 1}
    )
    assert "non si può segnare come svolto prima" in response.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_attendance_and_minutes_only_once_held(client, staff, meeting):
    response = client.post(
        reverse("redazione:incontri_meeting_attendance", args=[meeting.pk]),
        {"revision": 1, "attendance": "40"},
    )
    assert response.status_code == 200
    assert "Non si può registrare i partecipanti: l&#x27;incontro è in programma." in response.text
    meeting.refresh_from_db()
    assert meeting.attendance is None


def test_record_attendance(client, staff, held):
    client.post(
        reverse("redazione:incontri_meeting_attendance", args=[held.pk]),
        {"revision": 1, "attendance": "40"},
    )
    held.refresh_from_db()
    assert held.attendance == 40
    assert "40" in client.get(reverse("incontri:detail", args=[held.pk])).text


# Minutes -------------------------------------------------------------------------------------


def minutes_url(meeting):
    return reverse("redazione:incontri_meeting_minutes", args=[meeting.pk])


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    folder = settings.MEDIA_ROOT / "verbali"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_write_the_minutes(client, staff, held):
    response = client.post(
        minutes_url(held), {"revision": 1, "minutes": "## Presenti\n\n- 40 enti"}
    )
    assert response.status_code == 302
    public = client.get(reverse("incontri:detail", args=[held.pk])).text
    assert "<h2>Presenti</h2>" in public


def test_a_real_pdf_is_accepted_and_downloadable(client, staff, held, settings):
    pdf = small_pdf()
    response = client.post(
        minutes_url(held), {"revision": 1, "minutes": "", "minutes_file": upload("v.pdf", pdf)}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.minutes_file.name.startswith("verbali/verbale-")
    assert stored_files(settings) == [held.minutes_file.name.split("/")[-1]]

    download = client.get(reverse("redazione:incontri_meeting_minutes_file", args=[held.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf
    public = client.get(reverse("incontri:detail", args=[held.pk])).text
    assert "Scarica il verbale" in public and reverse("incontri:minutes", args=[held.pk]) in public

    # and it can be taken off again
    client.post(minutes_url(held), {"revision": 2, "minutes": "", "remove_file": "on"})
    held.refresh_from_db()
    assert not held.minutes_file


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("verbale.pdf", PNG, "application/pdf"),
        ("verbale.pdf", b"<html><body><script>alert(1)</script></body></html>", "application/pdf"),
        ("verbale.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "application/pdf"),
        ("verbale.pdf", b"", "application/pdf"),
        ("verbale.docx", b"PK\x03\x04 not a pdf", "application/msword"),
    ],
    ids=["png", "html", "pdf-header-then-html", "empty", "docx"],
)
def test_a_file_that_is_not_a_pdf_is_refused(
    client, staff, held, settings, name, content, content_type
):
    response = client.post(
        minutes_url(held),
        {"revision": 1, "minutes": "Testo", "minutes_file": upload(name, content, content_type)},
    )
    assert response.status_code == 200
    assert "Il file non è un PDF valido" in response.text or "Il file inviato è vuoto" in (
        response.text
    )
    held.refresh_from_db()
    assert not held.minutes_file and held.minutes == "" and held.revision == 1
    assert stored_files(settings) == []


def test_an_oversized_pdf_is_refused(client, staff, held, settings):
    settings.MINUTES_MAX_UPLOAD_MB = 1
    big = small_pdf() + b"\n%" + b"x" * (1024 * 1024) + b"\n"
    response = client.post(
        minutes_url(held), {"revision": 1, "minutes": "", "minutes_file": upload("v.pdf", big)}
    )
    assert response.status_code == 200
    assert "Il file è troppo grande" in response.text
    assert "al massimo di 1 MB" in response.text
    held.refresh_from_db()
    assert not held.minutes_file
    assert stored_files(settings) == []


def test_a_refused_save_stores_no_file(client, staff, held, settings):
    Meeting.objects.filter(pk=held.pk).update(revision=5)  # somebody saved meanwhile
    response = client.post(
        minutes_url(held),
        {"revision": 1, "minutes": "", "minutes_file": upload("v.pdf", small_pdf())},
    )
    assert response.status_code == 409
    assert "Nel frattempo" in response.text
    assert stored_files(settings) == []


def test_markup_typed_in_never_reaches_a_page(client, staff, held):
    payload = "\n\n".join(XSS)
    client.post(meeting_url(held), edit_payload(held, agenda=payload, title=XSS[0]))
    client.post(minutes_url(held), {"revision": 2, "minutes": payload})
    held.refresh_from_db()
    assert held.agenda == payload and held.minutes == payload
    for url in [
        reverse("incontri:detail", args=[held.pk]),
        reverse("incontri:list"),
        meeting_url(held),
        reverse("redazione:incontri_meetings"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert active_content(response.text) == [], url


def test_mark_held_inline_with_htmx(client, staff, meeting):
    response = client.post(
        reverse("redazione:incontri_meeting_held", args=[meeting.pk]),
        {"revision": 1, "row": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/redazione/incontri/?quando=passati",
    )
    assert response.status_code == 200
    row = response.text
    assert row.lstrip().startswith("<tr") and "Incontro segnato come svolto." in row
    assert "Svolto" in row
    assert "Segna come svolto" not in row  # nothing left to do from the list
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_the_list_filters_by_status_and_time(client, staff, programme, meeting):
    MeetingFactory(programme=programme, title="Da fissare", date=None)
    MeetingFactory(programme=programme, title="Annullato", status=MeetingStatus.CANCELLED)
    url = reverse("redazione:incontri_meetings")
    tbc = client.get(url + "?quando=da-confermare").text
    assert "Da fissare" in tbc and "Incontro provinciale di Cuneo" not in tbc
    cancelled = client.get(url + "?stato=cancelled").text
    assert "Annullato" in cancelled and "Da fissare" not in cancelled
    past = client.get(url + "?programma=patto&quando=passati").text
    assert "Incontro provinciale di Cuneo" in past and "Da fissare" not in past
