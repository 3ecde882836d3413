"""Hostile and broken files given to the import: each is refused with a message in Italian,
never a 500, before anything is parsed that should not be (zip bombs, too many entries), and
nothing is stored or changed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from matrice import spreadsheets
from matrice.models import Action, SpreadsheetImport
from matrice.sheet_import import plan_import
from tests.matrice.sheets import edit_xlsx, export, xlsx_with
from tests.versions import FAMILIES, build_version

pytestmark = pytest.mark.django_db

ODS = spreadsheets.ODS_MIMETYPE


@pytest.fixture
def d():
    return build_version(**FAMILIES)


def zipped(entries: dict[str, bytes], *, stored_first="mimetype") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            compression = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def ods_with_content(xml: str) -> bytes:
    return zipped(
        {
            "mimetype": ODS.encode(),
            "META-INF/manifest.xml": b"<manifest/>",
            "content.xml": xml.encode(),
        }
    )


CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
    "</office:document-content>"
)


def ods_sheet(name: str, rows: str) -> str:
    return f'<table:table table:name="{name}">{rows}</table:table>'


def big_xlsx(rows: int, columns: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Azioni")
    for n in range(rows):
        sheet.append([f"r{n}"] * columns)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
    "<office:body><office:spreadsheet>&lol3;</office:spreadsheet></office:body>"
    "</office:document-content>"
)


def lying_sizes() -> bytes:
    """A zip whose content.xml says it holds 100 bytes and inflates to 20 MB."""
    import struct

    data = bytearray(ods_with_content("<" + "0" * (20 * 1024 * 1024)))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    header = archive.getinfo("content.xml").header_offset
    struct.pack_into("<I", data, header + 22, 100)
    for offset in range(len(data) - 4):
        if data[offset : offset + 4] == b"PK\x01\x02" and data[offset + 46 : offset + 57] == (
            b"content.xml"
        ):
            struct.pack_into("<I", data, offset + 24, 100)
    return bytes(data)


def hostile_files():
    """(name, content, a words of the message)"""
    return {
        "text": (b"Codice;Titolo\n1;Famiglie\n", "non è un foglio di calcolo ODS o XLSX"),
        "png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "non è un foglio di calcolo ODS o XLSX"),
        "old excel or password": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "(.xls)"),
        "damaged zip": (b"PK\x03\x04" + b"\0" * 200, "danneggiato"),
        "text document": (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}),
            "non un foglio di calcolo",
        ),
        "another zip": (zipped({"readme.txt": b"ciao"}), "non è un foglio di calcolo ODS o XLSX"),
        "zip bomb": (
            zipped({"mimetype": ODS.encode(), "content.xml": b"<" + b"0" * (60 * 1024 * 1024)}),
            "troppo grande una volta decompresso",
        ),
        "xlsx bomb": (
            zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "xl/workbook.xml": b"<workbook/>",
                    "xl/worksheets/sheet1.xml": b" " * (13 * 1024 * 1024),
                },
                stored_first="",
            ),
            "troppo grande una volta decompresso",
        ),
        "lying sizes": (lying_sizes(), "ODS leggibile"),
        "too many entries": (
            zipped({"mimetype": ODS.encode(), **{f"x/{n}.xml": b"" for n in range(300)}}),
            "troppe parti",
        ),
        "billion laughs": (ods_with_content(BILLION_LAUGHS), "non è un foglio di calcolo ODS"),
        "malformed xml": (ods_with_content("<office:document-content><oops"), "ODS leggibile"),
        "no content": (zipped({"mimetype": ODS.encode()}), "non contiene fogli"),
        "repeated rows": (
            ods_with_content(
                CONTENT.format(
                    tables=ods_sheet(
                        "Azioni",
                        '<table:table-row table:number-rows-repeated="1000000">'
                        '<table:table-cell office:value-type="string"><text:p>x</text:p>'
                        "</table:table-cell></table:table-row>",
                    )
                )
            ),
            "più di 5000 righe",
        ),
        "repeated columns": (
            ods_with_content(
                CONTENT.format(
                    tables=ods_sheet(
                        "Azioni",
                        "<table:table-row><table:table-cell table:number-columns-repeated="
                        '"1000000" office:value-type="string"><text:p>x</text:p>'
                        "</table:table-cell></table:table-row>",
                    )
                )
            ),
            "più di 50 colonne",
        ),
        "rows": (big_xlsx(5_001, 3), "più di 5000 righe"),
        "columns": (big_xlsx(2, 51), "più di 50 colonne"),
        "a sheet of another kind": (big_xlsx(3, 3), "Manca il foglio «Politiche»"),
    }


@pytest.mark.parametrize("case", list(hostile_files()), ids=list(hostile_files()))
def test_hostile_files_are_refused_with_a_message(staff_client, d, case):
    content, words = hostile_files()[case]
    plan = plan_import(d.version, content)
    assert not plan.is_valid
    assert any(words in p.message for p in plan.problems), [p.message for p in plan.problems]

    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    response = staff_client.post(url, {"file": SimpleUploadedFile("piano.ods", content)})
    assert response.status_code == 200
    assert "non si può importare" in response.content.decode()
    assert not SpreadsheetImport.objects.exists()
    assert Action.objects.get(pk=d.action.pk).revision == 1


def test_an_ods_formula_is_refused_not_evaluated(d):
    content = export(d.version, "ods")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    xml = entries["content.xml"].decode()
    title = "<text:p>Centri per le famiglie 1</text:p>"
    assert title in xml
    entries["content.xml"] = xml.replace(
        'office:value-type="string" table:style-name="text">' + title,
        'table:formula="of:=WEBSERVICE(&quot;http://example.org&quot;)" '
        'office:value-type="string" table:style-name="text"><text:p>ciao</text:p>',
        1,
    ).encode()
    plan = plan_import(d.version, zipped(entries))
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [("Azioni", 2, "D")]
    assert "formula (of:=WEBSERVICE" in plan.problems[0].message


def test_wrong_types_in_cells_are_refused(d):
    content = edit_xlsx(
        export(d.version),
        {("Azioni", "D2"): True, ("Politiche", "C2"): __import__("datetime").date(2019, 1, 1)},
    )
    messages = {(p.sheet, p.column): p.message for p in plan_import(d.version, content).problems}
    assert "non vero/falso" in messages["Azioni", "D"]
    assert "non una data (01/01/2019)" in messages["Politiche", "C"]
    # a number where a text goes is read as text
    plan = plan_import(d.version, edit_xlsx(export(d.version), {("Azioni", "D2"): 2019}))
    assert plan.is_valid and plan.changes("action").changed[0].title == "2019"


def test_an_upload_over_the_limit_is_not_kept(staff_client, d, settings):
    settings.SPREADSHEET_MAX_UPLOAD_MB = 1
    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    big = export(d.version) + b"\0" * (1024 * 1024 + 10)
    response = staff_client.post(url, {"file": SimpleUploadedFile("piano.xlsx", big)})
    assert response.status_code == 200
    assert "Il file è troppo grande: al massimo 1 MB." in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_an_upload_without_a_file_asks_for_one(staff_client, d):
    url = reverse("redazione:matrice_import", args=[d.programme.slug])
    response = staff_client.post(url, {})
    assert response.status_code == 200
    assert "Scegli il file da importare." in response.content.decode()
    response = staff_client.post(url, {"file": SimpleUploadedFile("vuoto.ods", b"")})
    assert "Il file è vuoto." in response.content.decode()


def test_extra_sheets_and_columns_are_ignored_with_a_warning(d):
    def change(book):
        book.create_sheet("Appunti")["A1"] = "da ricordare"
        book["Azioni"]["P1"] = "Note"
        book["Azioni"]["P2"] = "chiamare il consorzio"

    plan = plan_import(d.version, xlsx_with(export(d.version), change))
    assert plan.is_valid and not plan.has_changes
    assert any("«Appunti»" in w for w in plan.warnings)
    assert any("«Note» (P)" in w for w in plan.warnings)
