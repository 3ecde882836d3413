"""The redazione loads the Città Metropolitana's official list "Elenco Comuni per Zona omogenea"
at /redazione/zone/importa/: upload, preview, confirm. Who may do it (a table of roles ×
actions), what the preview says, what confirming changes, and each refusal changing nothing."""

import html as html_lib
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.people import login_as, someone
from zone.models import MembershipImport, Municipality, Zone
from zone.services import start_membership_import

IMPORT_URL = reverse("redazione:zone_import")
AVIGLIANA, BEINASCO, BALANGERO = "001013", "001024", "001016"
# Test data, not facts: which zone these comuni are in is exactly what is not publicly known.
GOOD_CSV = "Zona;Codice ISTAT;Comune\n6;001013;Avigliana\n7;001016;Balangero\n3;001024;Beinasco\n"


@pytest.fixture
def reference(db):
    call_command("load_reference_data", stdout=StringIO())


def html(response) -> str:
    return html_lib.unescape(response.content.decode())


def preview_url(upload) -> str:
    return reverse("redazione:zone_import_preview", args=[upload.pk])


def csv_file(text: str = GOOD_CSV, name: str = "elenco.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def zones() -> dict[str, int | None]:
    return {
        m.istat_code: (m.zone.number if m.zone else None)
        for m in Municipality.objects.filter(province__is_metropolitan_city=True).select_related(
            "zone"
        )
    }


def pending(by) -> MembershipImport:
    _result, upload = start_membership_import(
        by=by, content=GOOD_CSV.encode(), file_name="elenco.csv"
    )
    return upload


# Who may do what -----------------------------------------------------------------------------

ROLES = ["anonymous", "registered", "spokesperson", "staff"]
ACTIONS = ["import page", "upload", "preview", "confirm"]


def request_for(client, action, uploader):
    if action == "import page":
        return client.get(IMPORT_URL)
    if action == "upload":
        return client.post(IMPORT_URL, {"file": csv_file()})
    upload = pending(uploader)
    if action == "preview":
        return client.get(preview_url(upload))
    return client.post(
        preview_url(upload), {"sha256": upload.sha256, "state": upload.membership_state}
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permissions_table(client, reference, role, action):
    spokesperson_zone = Zone.objects.get(number=1)
    person = someone(role, zone=spokesperson_zone) if role == "spokesperson" else someone(role)
    if person is not None:
        client.force_login(person)
    uploader = person if role == "staff" else someone("staff")
    before = zones()

    response = request_for(client, action, uploader)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in ("registered", "spokesperson"):
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if action in ("upload", "confirm") else 200)
    if role != "staff" or action != "confirm":
        assert zones() == before  # only the redazione's confirmation changes anything
    if role != "staff" and action == "upload":
        assert not MembershipImport.objects.exists()


def test_any_member_of_the_redazione_may_confirm_and_is_the_one_recorded(client, reference):
    upload = pending(someone("staff"))
    confirmer = login_as(client, "staff")

    assert client.get(preview_url(upload)).status_code == 200
    response = client.post(
        preview_url(upload), {"sha256": upload.sha256, "state": upload.membership_state}
    )

    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.applied_by == confirmer
    assert zones()[AVIGLIANA] == 6


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_upload_that_does_not_exist_is_404(staff_client, reference, method):
    url = reverse("redazione:zone_import_preview", args=[999])
    assert getattr(staff_client, method)(url).status_code == 404


# The journey ---------------------------------------------------------------------------------


def test_upload_previews_then_confirm_applies(staff_client, staff, reference):
    page = html(staff_client.get(IMPORT_URL))
    assert "Oggi il portale conosce la zona di 208 dei 312 comuni" in page
    before = zones()

    response = staff_client.post(IMPORT_URL, {"file": csv_file()})

    upload = MembershipImport.objects.get()
    assert response.status_code == 302 and response.url == preview_url(upload)
    assert zones() == before  # the preview changes nothing
    preview = staff_client.get(preview_url(upload))
    text = html(preview)
    assert "Il file elenca 3 comuni." in text
    assert (preview.context["result"].total, len(preview.context["result"].assigned)) == (3, 2)
    assert "Avigliana: Zona 6 – Valli di Susa e Sangone" in text
    assert "Balangero: Zona 7 – Ciriacese - Valli di Lanzo" in text

    response = staff_client.post(
        preview_url(upload), {"sha256": upload.sha256, "state": upload.membership_state}
    )

    assert response.status_code == 302 and response.url == IMPORT_URL
    after = zones()
    assert (after[AVIGLIANA], after[BALANGERO], after[BEINASCO]) == (6, 7, 3)
    assert {k: v for k, v in after.items() if k not in (AVIGLIANA, BALANGERO)} == {
        k: v for k, v in before.items() if k not in (AVIGLIANA, BALANGERO)
    }
    avigliana = Municipality.objects.get(istat_code=AVIGLIANA)
    assert avigliana.zone_origin == Municipality.ZoneOrigin.OFFICIAL
    # no "fonte" column and no address given: the zones' official page is the source
    assert avigliana.zone_source == Zone.objects.get(number=6).source_url
    upload.refresh_from_db()
    assert upload.status == MembershipImport.Status.APPLIED and upload.content == b""
    message = html(staff_client.get(IMPORT_URL))
    assert "Comuni assegnati per la prima volta: 2; spostati in un'altra zona: 0" in message
    # the public pages say it at once: the zone of Avigliana is known
    public = staff_client.get(reverse("zone:municipality", args=[AVIGLIANA])).content.decode()
    assert "Non sappiamo ancora" not in public
    # and the reference data loaded again at deploy time does not undo it
    call_command("load_reference_data", stdout=StringIO())
    assert zones()[AVIGLIANA] == 6


def test_a_second_confirmation_is_refused_and_changes_nothing(staff_client, staff, reference):
    upload = pending(staff)
    data = {"sha256": upload.sha256, "state": upload.membership_state}
    assert staff_client.post(preview_url(upload), data).status_code == 302
    after_first = zones()

    response = staff_client.post(preview_url(upload), data)

    assert response.status_code == 409
    assert re.search(r"Questo file è già stato caricato (?:il |l'|l&#x27;)\d", html(response))
    assert zones() == after_first


def test_confirming_after_the_zones_changed_is_refused(staff_client, staff, reference, tmp_path):
    upload = pending(staff)
    sheet = tmp_path / "altro.csv"
    sheet.write_text("zona;comune\n9;Banchette\n", encoding="utf-8")
    call_command("import_zone_membership", str(sheet), stdout=StringIO())
    before = zones()

    page = html(staff_client.get(preview_url(upload)))
    assert "Le zone dei comuni sono cambiate dopo il caricamento di questo file" in page
    assert "Conferma e carica" not in page
    response = staff_client.post(
        preview_url(upload), {"sha256": upload.sha256, "state": upload.membership_state}
    )

    assert response.status_code == 409
    assert "Le zone dei comuni sono cambiate dopo l'anteprima" in html(response)
    assert zones() == before


def test_a_preview_of_a_replaced_upload_cannot_be_confirmed(staff_client, staff, reference):
    first = pending(staff)
    pending(staff)
    before = zones()

    response = staff_client.post(
        preview_url(first), {"sha256": first.sha256, "state": first.membership_state}
    )

    assert response.status_code == 409
    assert "Dopo questo file ne è stato caricato un altro" in html(response)
    assert zones() == before


# Bad input: a clear message in Italian, nothing changed, nothing typed lost -------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("elenco.csv", "zona;comune\n6;Avigliana\n12;Beinasco\n", "Riga 3: zona sconosciuta «12»"),
        (
            "elenco.csv",
            "zona;comune\n6;Avigliana\n2;Atlantide\n",
            "Riga 3: comune sconosciuto «Atlantide».",
        ),
        (
            "elenco.csv",
            "zona;comune\n6;Avigliana\n7;Avigliana\n",
            "Riga 3: Avigliana è già elencato alla riga 2.",
        ),
        ("elenco.csv", "zona;comune\n6;Alba\n", "Alba (CN) non è un comune della Città"),
        ("elenco.csv", "area;località\n6;Avigliana\n", "Intestazione non riconosciuta"),
        (
            "elenco.xlsx",
            "PK\x03\x04 not really",
            "Formato non supportato: salva il foglio come ODS",
        ),
    ],
)
def test_a_bad_file_lists_every_problem_and_keeps_nothing(
    staff_client, reference, name, content, message
):
    before = zones()

    response = staff_client.post(
        IMPORT_URL,
        {"file": csv_file(content, name=name), "source_url": "https://example.org/elenco"},
    )

    assert response.status_code == 200
    text = html(response)
    assert "non abbiamo cambiato niente" in text
    assert message in text
    assert 'value="https://example.org/elenco"' in text  # what was typed is still there
    assert zones() == before
    assert not MembershipImport.objects.exists()


def test_no_file_or_a_bad_address_is_refused_by_the_form(staff_client, reference):
    response = staff_client.post(IMPORT_URL, {"source_url": "non è un indirizzo"})

    text = html(response)
    assert response.status_code == 200
    assert "Scegli il file da caricare." in text
    assert "Scrivi un indirizzo web completo, che inizia con https:// o http://." in text
    assert 'value="non è un indirizzo"' in text
    assert not MembershipImport.objects.exists()


def test_a_file_too_big_is_refused(staff_client, reference, settings):
    settings.SPREADSHEET_MAX_UPLOAD_MB = 0

    response = staff_client.post(IMPORT_URL, {"file": csv_file()})

    assert "Il file è troppo grande" in html(response)
    assert not MembershipImport.objects.exists()


@pytest.mark.parametrize("uploads", [1, 15])
def test_import_page_query_count(
    staff_client, staff, reference, uploads, django_assert_num_queries
):
    for _ in range(uploads):
        pending(staff)

    # user, is it the redazione, is it a spokesperson (the header), the staff menu's programmes,
    # comuni totals, zones with counts, their spokespersons, recent uploads with their uploader
    with django_assert_num_queries(8):
        response = staff_client.get(IMPORT_URL)
    assert len(response.context["recent"]) == min(uploads, 10)
