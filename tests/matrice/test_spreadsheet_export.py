"""A version as a spreadsheet: what the ODS and XLSX files hold (read back with openpyxl and
odfpy, as a person's office suite reads them), how they are laid out (sheets, headers, widths,
the header row frozen and repeated when printed, wrapped text, codes as text, dates and amounts
typed), and who may download which version."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from odf.config import ConfigItem, ConfigItemMapEntry
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableColumn, TableHeaderRows, TableRow
from openpyxl import load_workbook

from matrice.spreadsheets import ACTIONS, INSTRUCTIONS, LAYOUTS
from patto.models import VersionStatus
from tests.matrice.sheets import export, ods_cell, ods_table, xlsx_rows
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db

SHEETS = [INSTRUCTIONS, "Politiche", "Ambiti d'azione", "Azioni", "Strumenti", "Destinatari"]


@pytest.fixture
def d():
    """The draft of the tests, its action with dates, an amount, two zones, a table and a
    description on two lines; a second action whose title starts like a formula."""
    d = build_version(**{**FAMILIES, "actions": 2})
    action = d.action
    action.start_date, action.end_date = datetime.date(2018, 1, 15), datetime.date(2019, 12, 31)
    action.budget = Decimal("12500.50")
    action.description = "Prima riga.\nSeconda riga."
    action.lead_body = "Città Metropolitana"
    action.save()
    action.zones.set(d.zones)
    action.tables.set(d.tables)
    second = d.actions[1]
    second.title = "=SOMMA(A1:A3) non è una formula"
    second.save()
    return d


def test_xlsx_holds_every_level_with_keys_codes_and_typed_values(d):
    rows = xlsx_rows(export(d.version, "xlsx"))
    assert list(rows) == SHEETS
    for layout in LAYOUTS:
        assert rows[layout.sheet][0] == [column.header for column in layout.columns]
    assert rows["Politiche"][1][:3] == [str(d.policy.key), "1", "Famiglie e minori"]
    assert rows["Ambiti d'azione"][1][:4] == [str(d.area.key), "1.1", "1", d.area.title]
    first = dict(zip(rows["Azioni"][0], rows["Azioni"][1], strict=True))
    zones = "; ".join(str(z.number) for z in sorted(d.zones, key=lambda z: z.number))
    assert first == {
        "Chiave": str(d.action.key),
        "Codice": "1.1.1",
        "Codice ambito": "1.1",
        "Titolo": "Centri per le famiglie 1",
        "Descrizione": "Prima riga.\nSeconda riga.",
        "Strumenti (codici)": "S1",
        "Destinatari (codici)": "D1",
        "Zone (numeri)": zones,
        "Tavoli di provenienza (codici)": "famiglie",
        "Ente capofila": "Città Metropolitana",
        "Partner": None,
        "Inizio": datetime.datetime(2018, 1, 15),
        "Fine": datetime.datetime(2019, 12, 31),
        "Risorse (euro)": 12500.5,
        "Indicatori": None,
    }
    assert rows["Strumenti"][1:] == [
        [str(d.tools[0].key), "S1", "Sportelli", None],
        [str(d.tools[1].key), "S2", "Voucher", None],
    ]
    assert [row[1] for row in rows["Destinatari"][1:]] == ["D1", "D2"]
    assert "versione 1 (bozza)" in rows[INSTRUCTIONS][0][0]


def test_xlsx_layout_is_readable(d):
    book = load_workbook(io.BytesIO(export(d.version, "xlsx")))
    ws = book["Azioni"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:O")
    assert ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["D"].width == ACTIONS.column("title").width
    assert ws.column_dimensions["E"].width == ACTIONS.column("description").width
    assert ws["A1"].font.b and ws["A1"].alignment.wrap_text
    assert ws["E2"].alignment.wrap_text  # the description, on two lines
    assert ws["B2"].number_format == "@"  # codes stay text ("1.10" is not 1.1)
    assert ws["L2"].number_format == "DD/MM/YYYY"
    assert ws["N2"].number_format == "#,##0.00"
    # a title that starts like a formula is text, never a formula
    assert ws["D3"].data_type == "s" and ws["D3"].value.startswith("=SOMMA")


def test_ods_holds_the_same_with_its_layout(d):
    document = load_ods(io.BytesIO(export(d.version, "ods")))
    tables = document.spreadsheet.getElementsByType(Table)
    assert [t.getAttribute("name") for t in tables] == SHEETS
    actions = ods_table(document, "Azioni")
    # the header row is a header row (repeated on every printed page)
    header_rows = actions.getElementsByType(TableHeaderRows)
    assert len(header_rows) == 1 and len(header_rows[0].getElementsByType(TableRow)) == 1
    columns = actions.getElementsByType(TableColumn)
    assert len(columns) == len(ACTIONS.columns)
    styles = {s.getAttribute("name"): s for s in document.automaticstyles.childNodes}
    widths = [
        styles[c.getAttribute("stylename")].childNodes[0].getAttribute("columnwidth")
        for c in columns
    ]
    assert widths[3] != widths[1] and widths[4].endswith("cm")

    title = ods_cell(document, "Azioni", 3, 3)
    assert title.getAttribute("valuetype") == "string"
    assert title.attributes.get((TABLENS, "formula")) is None
    start = ods_cell(document, "Azioni", 2, 11)
    assert start.attributes[(OFFICENS, "date-value")] == "2018-01-15"
    budget = ods_cell(document, "Azioni", 2, 13)
    assert budget.attributes[(OFFICENS, "value-type")] == "float"
    assert budget.attributes[(OFFICENS, "value")] == "12500.50"
    assert str(budget) == "12.500,50"
    description = ods_cell(document, "Azioni", 2, 4)
    assert [str(p) for p in description.childNodes] == ["Prima riga.", "Seconda riga."]

    # the header row of every sheet stays in view (settings.xml: split at row 1)
    frozen = {
        entry.getAttribute("name"): {
            item.getAttribute("name"): str(item) for item in entry.getElementsByType(ConfigItem)
        }
        for entry in document.settings.getElementsByType(ConfigItemMapEntry)
        if entry.getAttribute("name")
    }
    assert frozen["Azioni"]["VerticalSplitMode"] == "2"
    assert frozen["Azioni"]["VerticalSplitPosition"] == "1"


def test_the_file_of_a_frozen_version_is_the_same_every_time(d):
    freeze(d.version, VersionStatus.PUBLISHED)
    d.version.refresh_from_db()
    first = xlsx_rows(export(d.version, "xlsx"))
    assert first == xlsx_rows(export(d.version, "xlsx"))
    assert d.version.fingerprint in first[INSTRUCTIONS][1][0]


# Downloads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_the_redazione_downloads_any_version_drafts_included(staff_client, d, extension):
    url = reverse(f"redazione:matrice_version_{extension}", args=[d.programme.slug, 1])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{d.programme.slug}-versione-1.{extension}"'
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response.content.startswith(b"PK")
    freeze(d.version, VersionStatus.ARCHIVED)
    assert staff_client.get(url).status_code == 200
    missing = reverse(f"redazione:matrice_version_{extension}", args=[d.programme.slug, 9])
    assert staff_client.get(missing).status_code == 404


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_public_versions_are_downloadable_by_anyone_drafts_never(client, d, extension):
    url = reverse(f"matrice:plan_{extension}", args=[d.programme.slug, 1])
    assert client.get(url).status_code == 404  # a draft does not exist for the public
    for status in (VersionStatus.IN_VALIDATION, VersionStatus.PUBLISHED, VersionStatus.ARCHIVED):
        freeze(d.version, status)
        response = client.get(url)
        assert response.status_code == 200, status
        assert response["Content-Disposition"].endswith(f'-versione-1.{extension}"')
    rows_of = {"xlsx": lambda c: xlsx_rows(c)["Azioni"][1][1], "ods": lambda c: c[:2]}
    assert rows_of[extension](response.content) in ("1.1.1", b"PK")


def test_the_draft_and_versions_pages_link_the_downloads_and_the_import(staff_client, d):
    slug = d.programme.slug
    page = staff_client.get(reverse("redazione:matrice_draft", args=[slug])).content.decode()
    assert reverse("redazione:matrice_version_ods", args=[slug, 1]) in page
    assert reverse("redazione:matrice_version_xlsx", args=[slug, 1]) in page
    assert reverse("redazione:matrice_import", args=[slug]) in page
    assert "Scarica come foglio di calcolo" in page
    page = staff_client.get(reverse("redazione:programme", args=[slug])).content.decode()
    assert reverse("redazione:matrice_version_xlsx", args=[slug, 1]) in page


def test_the_open_data_page_links_public_versions_as_spreadsheets(client, d):
    freeze(d.version, VersionStatus.PUBLISHED)
    page = client.get(reverse("patto:open_data")).content.decode()
    assert reverse("matrice:plan_ods", args=[d.programme.slug, 1]) in page
    assert reverse("matrice:plan_xlsx", args=[d.programme.slug, 1]) in page
