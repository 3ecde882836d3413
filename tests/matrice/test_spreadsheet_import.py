"""Importing a spreadsheet into a draft: the round trip changes nothing, a few changed cells are
exactly the changes of the preview, then of the database and of the history (by the person who
confirmed, with the reason); new rows are added and missing rows removed, rows without a key are
matched by code; every kind of bad cell is reported with its sheet, row and column, and a file
with one writes nothing; the whole import is one transaction; a stale preview and a frozen
version are refused."""

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from matrice import import_services
from matrice.models import Action, ActionArea, Policy, SpreadsheetImport, Target, Tool
from matrice.sheet_import import plan_import
from patto.models import VersionStatus
from tests.matrice.sheets import edit_ods, edit_xlsx, export, xlsx_rows, xlsx_with
from tests.matrice.test_staff_pages import grow
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    """The draft: policy 1 with areas 1.1 and 1.2, actions 1.1.1, 1.2.1, 1.1.2 (tools S1/S2,
    targets D1/D2), two zones, the table «famiglie»."""
    return build_version(**{**FAMILIES, "areas": 2, "actions": 3})


def upload(client, d, content, name="piano.xlsx"):
    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def confirm(client, d, stored, **data):
    url = reverse("redazione:matrice_import_preview", args=[d.programme.slug, stored.pk])
    values = {"sha256": stored.sha256, "state": stored.draft_state, **data}
    return client.post(url, values)


def history_count() -> int:
    return sum(model.history.count() for model in (Policy, ActionArea, Action, Tool, Target))


def text(response) -> str:
    return html.unescape(response.content.decode())


def problems(plan):
    return [(p.sheet, p.row, p.column, p.header, p.message) for p in plan.problems]


# The round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_an_unchanged_export_imports_as_no_change(staff_client, d, extension):
    content = export(d.version, extension)
    plan = plan_import(d.version, content)
    assert plan.is_valid and not plan.has_changes, problems(plan)
    assert plan.file_format == extension

    response = upload(staff_client, d, content, f"piano.{extension}")
    stored = SpreadsheetImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "redazione:matrice_import_preview", args=[d.programme.slug, stored.pk]
    )
    page = staff_client.get(response.url).content.decode()
    assert "Nessuna modifica" in page
    assert "Conferma e importa" not in page
    before = history_count()
    assert confirm(staff_client, d, stored).status_code == 302
    assert history_count() == before  # nothing saved, no history record


# Changes -------------------------------------------------------------------------------------


def test_a_few_changed_cells_are_the_preview_then_the_draft_and_its_history(staff_client, staff, d):
    action = d.actions[0]  # row 2 of Azioni
    content = edit_xlsx(
        export(d.version),
        {
            ("Azioni", "D2"): "Centri per le famiglie e i giovani",
            ("Azioni", "F2"): "S1; S2",
            ("Azioni", "N2"): "12.500,50",
            ("Azioni", "L2"): "15/01/2018",
            ("Politiche", "C2"): "Famiglie, minori e giovani",
        },
    )
    upload(staff_client, d, content)
    stored = SpreadsheetImport.objects.get()
    plan, fresh = import_services.preview(stored)
    assert fresh
    changed = {
        (c.kind, c.code): [(f.label, f.old, f.new) for f in c.fields]
        for k in plan.kinds
        for c in k.changed
    }
    assert changed == {
        ("policy", "1"): [("Titolo", "Famiglie e minori", "Famiglie, minori e giovani")],
        ("action", "1.1.1"): [
            ("Titolo", "Centri per le famiglie 1", "Centri per le famiglie e i giovani"),
            ("Strumenti", "S1 Sportelli", "S1 Sportelli; S2 Voucher"),
            ("Inizio", "—", "15 gennaio 2018"),
            ("Risorse (euro)", "—", "12.500,50 €"),
        ],
    }
    assert not any(k.added or k.removed for k in plan.kinds)
    page = staff_client.get(
        reverse("redazione:matrice_import_preview", args=[d.programme.slug, stored.pk])
    ).content.decode()
    assert "Centri per le famiglie e i giovani" in page and "Conferma e importa" in page

    response = confirm(staff_client, d, stored)
    assert response.status_code == 302
    assert response.url == reverse("redazione:matrice_draft", args=[d.programme.slug])
    action.refresh_from_db()
    assert action.title == "Centri per le famiglie e i giovani"
    assert action.budget == Decimal("12500.50")
    assert action.start_date == datetime.date(2018, 1, 15)
    assert {t.code for t in action.tools.all()} == {"S1", "S2"}
    assert action.revision == 2
    record = action.history.order_by("-history_date").first()
    assert record.history_user == staff
    assert record.history_change_reason == "importato da foglio di calcolo (piano.xlsx)"
    assert Policy.objects.get(pk=d.policy.pk).title == "Famiglie, minori e giovani"
    # the other items were not touched
    assert {a.revision for a in Action.objects.exclude(pk=action.pk)} == {1}
    stored.refresh_from_db()
    assert stored.status == "applied" and stored.content == b"" and stored.applied_at


def test_new_rows_are_added_missing_rows_removed_and_keys_kept(staff_client, staff, d):
    def change(book):
        actions = book["Azioni"]
        keys = {row[1].value: row[0].value for row in actions.iter_rows(min_row=2)}
        actions.delete_rows(4)  # 1.2.1 (rows in reading order: 1.1.1, 1.1.2, 1.2.1)
        actions.append([None, "1.2.9", "1.2", "Nuovo sportello", "", "S2", "D1; D2", "", ""])
        book["Strumenti"].append([None, "S3", "Borse lavoro", "Per i giovani."])
        return keys

    content = xlsx_with(export(d.version), change)
    plan = plan_import(d.version, content)
    assert plan.is_valid, problems(plan)
    assert [c.code for c in plan.changes("action").added] == ["1.2.9"]
    assert [c.code for c in plan.changes("action").removed] == ["1.2.1"]
    assert [c.code for c in plan.changes("tool").added] == ["S3"]
    kept_keys = {a.key for a in d.actions if a.code != "1.2.1"}

    upload(staff_client, d, content)
    assert confirm(staff_client, d, SpreadsheetImport.objects.get()).status_code == 302
    actions = Action.objects.filter(version=d.version)
    assert sorted(actions.values_list("code", flat=True)) == ["1.1.1", "1.1.2", "1.2.9"]
    assert kept_keys <= set(actions.values_list("key", flat=True))
    new = actions.get(code="1.2.9")
    assert new.area.code == "1.2" and {t.code for t in new.targets.all()} == {"D1", "D2"}
    assert new.history.get().history_change_reason.startswith("importato da foglio")
    removed = Action.history.filter(code="1.2.1", history_type="-").get()
    assert removed.history_user == staff
    assert Tool.objects.get(version=d.version, code="S3").description == "Per i giovani."


def test_a_row_without_a_key_is_the_item_of_the_same_code(staff_client, d):
    content = edit_xlsx(export(d.version), {("Azioni", "A2"): None, ("Azioni", "D2"): "Altro"})
    plan = plan_import(d.version, content)
    assert [c.code for c in plan.changes("action").changed] == ["1.1.1"]
    assert not plan.changes("action").added and not plan.changes("action").removed
    upload(staff_client, d, content)
    confirm(staff_client, d, SpreadsheetImport.objects.get())
    action = Action.objects.get(pk=d.actions[0].pk)
    assert action.title == "Altro" and action.key == d.actions[0].key


def test_codes_can_be_swapped_and_items_moved(staff_client, d):
    """1.1.1 and 1.1.2 swap codes (each code is unique at every step of the import); 1.2.1
    moves to area 1.1 and a policy with an area comes in."""

    def change(book):
        actions = book["Azioni"]
        actions["B2"], actions["B3"] = "1.1.2", "1.1.1"
        actions["C4"] = "1.1"
        book["Politiche"].append([None, "2", "Casa", ""])
        book["Ambiti d'azione"].append([None, "2.1", "2", "Abitare sociale", ""])

    content = xlsx_with(export(d.version), change)
    upload(staff_client, d, content)
    assert confirm(staff_client, d, SpreadsheetImport.objects.get()).status_code == 302
    first, second, third = (Action.objects.get(pk=a.pk) for a in d.actions)
    assert (first.code, third.code) == ("1.1.2", "1.1.1")
    assert second.area.code == "1.1"
    assert ActionArea.objects.get(version=d.version, code="2.1").policy.title == "Casa"


def test_an_ods_edited_with_odfpy_imports_too(staff_client, d):
    content = edit_ods(export(d.version, "ods"), {("Azioni", 2, 3): "Titolo da LibreOffice"})
    upload(staff_client, d, content, "piano.ods")
    stored = SpreadsheetImport.objects.get()
    assert stored.file_format == "ods"
    confirm(staff_client, d, stored)
    assert Action.objects.get(pk=d.actions[0].pk).title == "Titolo da LibreOffice"


# Errors: sheet, row, column, reason ---------------------------------------------------------


ERRORS = {
    "unknown tool": (
        {("Azioni", "F2"): "S1; S9"},
        ("Azioni", 2, "F", "Strumenti (codici)", "Codice sconosciuto «S9»"),
    ),
    "duplicate action code": (
        {("Azioni", "B3"): "1.1.1"},
        ("Azioni", 3, "B", "Codice", "Codice «1.1.1» ripetuto: c'è già alla riga 2"),
    ),
    "missing title": ({("Azioni", "D4"): None}, ("Azioni", 4, "D", "Titolo", "Manca il titolo")),
    "malformed number": (
        {("Azioni", "N2"): "dodicimila"},
        ("Azioni", 2, "N", "Risorse (euro)", "Importo non valido «dodicimila»"),
    ),
    "negative number": (
        {("Azioni", "N2"): -5},
        ("Azioni", 2, "N", "Risorse (euro)", "non possono essere negative"),
    ),
    "malformed date": (
        {("Azioni", "L3"): "31/02/2019"},
        ("Azioni", 3, "L", "Inizio", "Data non valida «31/02/2019»"),
    ),
    "end before start": (
        {("Azioni", "L2"): datetime.date(2019, 5, 1), ("Azioni", "M2"): datetime.date(2019, 1, 1)},
        ("Azioni", 2, "M", "Fine", "La fine (01/01/2019) viene prima dell'inizio (01/05/2019)"),
    ),
    "unknown area": (
        {("Azioni", "C3"): "9.9"},
        ("Azioni", 3, "C", "Codice ambito", "Ambito sconosciuto «9.9»"),
    ),
    "unknown policy": (
        {("Ambiti d'azione", "C2"): "7"},
        ("Ambiti d'azione", 2, "C", "Codice politica", "Politica sconosciuta «7»"),
    ),
    "unknown zone": (
        {("Azioni", "H2"): "999"},
        ("Azioni", 2, "H", "Zone (numeri)", "Zona sconosciuta «999»"),
    ),
    "unknown table": (
        {("Azioni", "I2"): "lavoro"},
        ("Azioni", 2, "I", "Tavoli di provenienza (codici)", "Tavolo sconosciuto «lavoro»"),
    ),
    "unknown key": (
        {("Politiche", "A2"): "00000000-0000-4000-8000-000000000000"},
        ("Politiche", 2, "A", "Chiave", "Chiave sconosciuta"),
    ),
    "malformed key": (
        {("Strumenti", "A3"): "abc"},
        ("Strumenti", 3, "A", "Chiave", "Chiave non valida «abc»"),
    ),
    "bad code": (
        {("Strumenti", "B2"): "S 1"},
        ("Strumenti", 2, "B", "Codice", "Codice non valido «S 1»"),
    ),
    "formula": (
        {("Azioni", "N2"): "=1000*2"},
        ("Azioni", 2, "N", "Risorse (euro)", "La cella contiene una formula (=1000*2)"),
    ),
    "missing name": (
        {("Destinatari", "C3"): "   "},
        ("Destinatari", 3, "C", "Nome", "Manca il nome"),
    ),
    "title too long": (
        {("Politiche", "C2"): "x" * 201},
        ("Politiche", 2, "C", "Titolo", "Testo troppo lungo: al massimo 200 caratteri"),
    ),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_every_bad_cell_is_reported_with_sheet_row_and_column(staff_client, d, case):
    edits, (sheet, row, column, header, message) = ERRORS[case]
    d.actions[0].zones.set(d.zones)
    d.actions[0].tables.set(d.tables)
    content = edit_xlsx(export(d.version), edits)
    plan = plan_import(d.version, content)
    assert not plan.is_valid
    found = [
        p
        for p in plan.problems
        if (p.sheet, p.row, p.column, p.header) == (sheet, row, column, header)
    ]
    assert found, problems(plan)
    assert message in found[0].message

    response = upload(staff_client, d, content)
    assert response.status_code == 200
    page = text(response)
    assert "non si può importare" in page and sheet in page
    assert not SpreadsheetImport.objects.exists()  # nothing kept


def test_missing_sheets_and_columns_are_reported(d):
    def change(book):
        del book["Destinatari"]
        book["Azioni"]["D1"] = "Titolone"
        book["Politiche"]["E1"] = "Note"

    plan = plan_import(d.version, xlsx_with(export(d.version), change))
    messages = [p.message for p in plan.problems]
    assert any("Manca il foglio «Destinatari»" in m for m in messages)
    assert any("mancano le colonne «Titolo»" in m for m in messages)
    assert any("«Note»" in w and "non viene letta" in w for w in plan.warnings)


def test_an_error_in_the_last_row_writes_nothing(staff_client, d):
    def change(book):
        actions = book["Azioni"]
        actions["D2"] = "Cambiato"
        for n in range(40):
            actions.append([None, f"1.1.{10 + n}", "1.1", f"Azione nuova {n}", "", "S1", "D1"])
        actions.append([None, "1.1.99", "1.1", "L'ultima", "", "S7", "D1"])

    content = xlsx_with(export(d.version), change)
    before = history_count()
    response = upload(staff_client, d, content)
    assert response.status_code == 200
    assert "Codice sconosciuto «S7»" in text(response)
    assert Action.objects.filter(version=d.version).count() == 3
    assert history_count() == before


def test_a_failure_while_applying_undoes_everything(staff_client, d, monkeypatch):
    """The last write of the import fails: the writes before it are rolled back."""
    content = xlsx_with(
        export(d.version),
        lambda book: (
            book["Azioni"].__setitem__("D2", "Cambiato"),
            book["Azioni"].delete_rows(4),
        ),
    )
    upload(staff_client, d, content)
    stored = SpreadsheetImport.objects.get()

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(import_services.DELETE, "action", broken)
    with pytest.raises(RuntimeError):
        confirm(staff_client, d, stored)
    assert Action.objects.get(pk=d.actions[0].pk).title == "Centri per le famiglie 1"
    assert SpreadsheetImport.objects.get().status == "pending"


# Stale previews and frozen versions ----------------------------------------------------------


def test_a_draft_changed_after_the_preview_is_refused(staff_client, staff, d):
    from matrice import services

    content = edit_xlsx(export(d.version), {("Azioni", "D2"): "Dal foglio"})
    upload(staff_client, d, content)
    stored = SpreadsheetImport.objects.get()
    policy = d.policy
    services.update_policy(policy=policy, by=staff, revision=1, code="1", title="A mano")
    preview = staff_client.get(
        reverse("redazione:matrice_import_preview", args=[d.programme.slug, stored.pk])
    ).content.decode()
    assert "La bozza è cambiata dopo il caricamento del file" in preview
    assert "Conferma e importa" not in preview

    response = confirm(staff_client, d, stored)
    assert response.status_code == 409
    assert "La bozza è cambiata dopo l'anteprima" in text(response)
    assert Action.objects.get(pk=d.actions[0].pk).title == "Centri per le famiglie 1"


def test_a_preview_of_another_file_or_an_old_upload_is_refused(staff_client, d):
    first = edit_xlsx(export(d.version), {("Azioni", "D2"): "Primo"})
    upload(staff_client, d, first)
    old = SpreadsheetImport.objects.get()
    response = confirm(staff_client, d, old, sha256="0" * 64)
    assert response.status_code == 409
    assert "Il file non è quello dell'anteprima" in text(response)

    upload(staff_client, d, edit_xlsx(export(d.version), {("Azioni", "D2"): "Secondo"}))
    old.refresh_from_db()
    assert old.status == "discarded" and old.content == b""
    response = confirm(staff_client, d, old)
    assert response.status_code == 409
    assert "Questa anteprima non vale più" in text(response)

    latest = SpreadsheetImport.objects.get(status="pending")
    assert confirm(staff_client, d, latest).status_code == 302
    assert confirm(staff_client, d, latest).status_code == 409  # imported once
    assert Action.objects.get(pk=d.actions[0].pk).title == "Secondo"


def test_a_version_frozen_after_the_preview_is_refused(staff_client, d):
    upload(staff_client, d, edit_xlsx(export(d.version), {("Azioni", "D2"): "Tardi"}))
    stored = SpreadsheetImport.objects.get()
    freeze(d.version, VersionStatus.IN_VALIDATION)
    response = confirm(staff_client, d, stored)
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("non si può più modificare" in m for m in messages)
    assert Action.objects.get(pk=d.actions[0].pk).title == "Centri per le famiglie 1"
    page = staff_client.get(
        reverse("redazione:matrice_import_preview", args=[d.programme.slug, stored.pk])
    ).content.decode()
    assert "Sola lettura" in page and "Conferma e importa" not in page


def test_without_a_draft_there_is_nothing_to_import_into(staff_client, d):
    freeze(d.version, VersionStatus.PUBLISHED)
    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    assert "Nessuna bozza" in staff_client.get(url).content.decode()
    response = upload(staff_client, d, export(d.version))
    assert response.status_code == 302
    assert not SpreadsheetImport.objects.exists()


def test_the_service_refuses_anyone_but_the_redazione(d):
    from django.core.exceptions import PermissionDenied

    from tests.people import someone

    with pytest.raises(PermissionDenied):
        import_services.start_import(
            version=d.version, by=someone("registered"), content=b"", file_name="x.ods"
        )


def test_the_exported_rows_of_a_file_read_back_as_the_draft(d):
    rows = xlsx_rows(export(d.version))
    assert [row[1] for row in rows["Azioni"][1:]] == ["1.1.1", "1.1.2", "1.2.1"]


# Query counts and CSRF ------------------------------------------------------------------------


# session, user, programme, draft, the upload, its file read against the draft (the nine queries
# of the snapshot, zones, tables) and the draft's state (five), the menu's programmes…
PREVIEW_QUERIES = 23
# session, user, programme, version, the nine queries of the snapshot…
EXPORT_QUERIES = 13


@pytest.mark.parametrize("extra", [0, 6])
def test_the_preview_and_the_export_run_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, extra
):
    d = build_version(**{**FAMILIES, "actions": 2})
    grow(d, extra)
    content = edit_xlsx(export(d.version), {("Azioni", "D2"): "Cambiato"})
    upload(staff_client, d, content)
    stored = SpreadsheetImport.objects.get()
    preview = reverse("redazione:matrice_import_preview", args=[d.programme.slug, stored.pk])
    with django_assert_num_queries(PREVIEW_QUERIES):
        assert staff_client.get(preview).status_code == 200
    download = reverse("redazione:matrice_version_xlsx", args=[d.programme.slug, 1])
    with django_assert_num_queries(EXPORT_QUERIES):
        assert staff_client.get(download).status_code == 200


def test_the_upload_and_the_confirmation_need_the_csrf_token(staff, d):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    content = edit_xlsx(export(d.version), {("Azioni", "D2"): "Senza token"})
    assert upload(client, d, content).status_code == 403
    assert not SpreadsheetImport.objects.exists()
    page = client.get(reverse("redazione:matrice_import", args=[d.programme.slug]))
    token = page.cookies["csrftoken"].value
    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    response = client.post(
        url, {"file": SimpleUploadedFile("piano.xlsx", content), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    stored = SpreadsheetImport.objects.get()
    assert confirm(client, d, stored).status_code == 403
    assert Action.objects.get(pk=d.actions[0].pk).title == "Centri per le famiglie 1"


def test_the_database_refuses_an_applied_import_without_its_date(d):
    from django.db import IntegrityError, transaction

    fields = {"version": d.version, "file_name": "x.ods", "sha256": "0" * 64, "draft_state": ""}
    with pytest.raises(IntegrityError), transaction.atomic():  # spreadsheet_import_applied_has_date
        SpreadsheetImport.objects.create(**fields, status="applied")
    SpreadsheetImport.objects.create(**fields, status="pending")
