"""Spreadsheets for the tests of the import: a version exported and read back as rows, rows
changed cell by cell, and workbooks written again, in ODS (odfpy) or XLSX (openpyxl), the way a
person's office suite would give them back."""

import io

from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

from matrice import spreadsheets
from matrice.import_services import draft_state, file_hash
from matrice.models import SpreadsheetImport
from tests.people import someone


def export(version, extension="xlsx") -> bytes:
    return spreadsheets.write_workbook(spreadsheets.version_workbook(version), extension)


def xlsx_rows(content: bytes) -> dict[str, list[list]]:
    """Every sheet's rows (header included) as lists of values, as openpyxl reads them."""
    book = load_workbook(io.BytesIO(content))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets
    }


def edit_xlsx(content: bytes, edits: dict) -> bytes:
    """``content`` with cells changed: ``{(sheet, "C3"): value}``; a value of ``None``
    empties the cell."""
    book = load_workbook(io.BytesIO(content))
    for (sheet, ref), value in edits.items():
        book[sheet][ref].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with(content: bytes, change) -> bytes:
    """``content`` after ``change(book)`` (an openpyxl workbook)."""
    book = load_workbook(io.BytesIO(content))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_table(document, name):
    return next(
        t for t in document.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == name
    )


def ods_cell(document, sheet, row, column):
    """The ``column``-th cell (from 0) of the ``row``-th row (from 1) of ``sheet``, in a file
    written by the portal (no repeated rows or cells)."""
    rows = ods_table(document, sheet).getElementsByType(TableRow)
    return rows[row - 1].getElementsByType(TableCell)[column]


def set_ods_text(cell, text: str) -> None:
    """Make ``cell`` a text cell holding ``text``, as LibreOffice would write it."""
    for child in list(cell.childNodes):
        cell.removeChild(child)
    for attribute in ("valuetype", "value", "datevalue"):
        if cell.getAttribute(attribute) is not None:
            cell.removeAttribute(attribute)
    cell.setAttribute("valuetype", "string")
    cell.addElement(P(text=text))


def edit_ods(content: bytes, edits: dict) -> bytes:
    """``content`` with text cells changed: ``{(sheet, row, column): text}`` (row from 1,
    column from 0)."""
    document = load_ods(io.BytesIO(content))
    for (sheet, row, column), text in edits.items():
        set_ods_text(ods_cell(document, sheet, row, column), text)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def pending_import(d) -> SpreadsheetImport:
    """A spreadsheet uploaded by a member of the redazione into the draft of ``d`` (a
    ``tests.versions.Content``), changing the first action's title, waiting for confirmation."""
    content = edit_xlsx(export(d.version), {("Azioni", "D2"): "Dal foglio"})
    return SpreadsheetImport.objects.create(
        version=d.version,
        uploaded_by=someone("staff"),
        file_name="piano.xlsx",
        file_format="xlsx",
        sha256=file_hash(content),
        draft_state=draft_state(d.version),
        content=content,
    )
