"""A version's content as a spreadsheet (ODS or XLSX), and such a spreadsheet read back.

The layout is one sheet per level: policies, action areas, actions (with their tools, targets,
zones and source tables by code, number and slug), then the catalogues of tools and targets, and
an "Istruzioni" sheet first. Every row carries the item's stable key, so a file that went
through an office suite comes back to the same items. Sheet names, headers and the instructions
are the file's format: they are Italian whatever the language of the page that offered the
download, so that any file the portal wrote can be read back.

Writing: ``version_workbook`` reads a version into plain sheets, ``write_ods`` and
``write_xlsx`` lay them out (column widths, the header row frozen and repeated on every printed
page, wrapped text, codes kept as text, dates as dates, amounts as numbers).

Reading: ``read_spreadsheet`` takes the bytes of an upload and returns its sheets as rows of typed
cells (text, number, date), or raises ``SpreadsheetError`` with what is wrong, in Italian. Both
formats are zip archives: the number of entries and their uncompressed sizes are checked before
anything is parsed, and the rows, columns and cells read are limited. Formulas are never
evaluated: a cell holding one is read as a formula (an error for the import). XLSX is read
with openpyxl, ODS with odfpy's own loader (``content.xml`` only), both through defusedxml.
Interpreting the rows (which item, which change) is ``matrice.sheet_import``'s job.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax import handler
from xml.sax.xmlreader import InputSource

import openpyxl
from defusedxml.sax import make_parser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from odf import config as odfconfig
from odf import dc as odfdc
from odf import number as odfnumber
from odf import style as odfstyle
from odf import table as odftable
from odf import teletype
from odf import text as odftext
from odf.load import LoadParser
from odf.namespaces import LOEXTNS, OFFICENS, TABLENS
from odf.opendocument import OpenDocument, OpenDocumentSpreadsheet
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from matrice.snapshots import version_snapshots
from patto.core.articles import italian_article_before_number

# The sheets and their columns ---------------------------------------------------------------

TEXT = "text"  # a line of text
LONG = "long"  # text that may run over several lines: wrapped, wider
CODE = "code"  # a code, a key, a list of codes: kept as text, so "1.10" stays "1.10"
DATE = "date"
MONEY = "money"


@dataclass(frozen=True)
class Column:
    name: str  # the item's field (as in ``matrice.snapshots``), or the parent's code
    header: str
    width: float  # in characters
    type: str = TEXT


@dataclass(frozen=True)
class Layout:
    kind: str  # "policy", "area", "action", "tool", "target"
    sheet: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


KEY = Column("key", "Chiave", 38, CODE)
CODE_COLUMN = Column("code", "Codice", 10, CODE)


def _catalogue(kind: str, sheet: str) -> Layout:
    return Layout(
        kind,
        sheet,
        (
            KEY,
            CODE_COLUMN,
            Column("name", "Nome", 40),
            Column("description", "Descrizione", 60, LONG),
        ),
    )


POLICIES = Layout(
    "policy",
    "Politiche",
    (
        KEY,
        CODE_COLUMN,
        Column("title", "Titolo", 50),
        Column("description", "Descrizione", 70, LONG),
    ),
)
AREAS = Layout(
    "area",
    "Ambiti d'azione",
    (
        KEY,
        CODE_COLUMN,
        Column("policy", "Codice politica", 10, CODE),
        Column("title", "Titolo", 50),
        Column("description", "Descrizione", 70, LONG),
    ),
)
ACTIONS = Layout(
    "action",
    "Azioni",
    (
        KEY,
        CODE_COLUMN,
        Column("area", "Codice ambito", 10, CODE),
        Column("title", "Titolo", 45),
        Column("description", "Descrizione", 60, LONG),
        Column("tools", "Strumenti (codici)", 14, CODE),
        Column("targets", "Destinatari (codici)", 14, CODE),
        Column("zones", "Zone (numeri)", 12, CODE),
        Column("tables", "Tavoli di provenienza (codici)", 18, CODE),
        Column("lead_body", "Ente capofila", 28),
        Column("partners", "Partner", 35, LONG),
        Column("start_date", "Inizio", 12, DATE),
        Column("end_date", "Fine", 12, DATE),
        Column("budget", "Risorse (euro)", 15, MONEY),
        Column("indicators", "Indicatori", 40, LONG),
    ),
)
TOOLS = _catalogue("tool", "Strumenti")
TARGETS = _catalogue("target", "Destinatari")
LAYOUTS = (POLICIES, AREAS, ACTIONS, TOOLS, TARGETS)
INSTRUCTIONS = "Istruzioni"
LIST_SEPARATOR = "; "

INSTRUCTION_LINES = (
    "Ogni foglio è un livello del piano: Politiche, Ambiti d'azione, Azioni, e i cataloghi "
    "Strumenti e Destinatari. Ogni riga è una voce.",
    "La colonna «Chiave» lega la riga alla voce del piano: non cambiarla. Per aggiungere una "
    "voce aggiungi una riga e lascia vuota la chiave; per eliminarla cancella la sua riga.",
    "Un ambito indica la sua politica con il codice; un'azione indica il suo ambito con il codice.",
    "Strumenti e destinatari di un'azione: i codici dei cataloghi separati da punto e virgola, "
    "ad esempio S1; S3. Zone: i numeri delle zone omogenee (1; 5), vuoto vuol dire tutto il "
    "territorio. Tavoli di provenienza: i codici dei tavoli del programma.",
    "Date come 31/01/2019; risorse in euro, ad esempio 12500,50. Scrivi solo valori: le "
    "celle con una formula non sono accettate.",
    "L'ordine delle righe non cambia l'ordine del piano: le voci nuove vanno in fondo alla "
    "loro politica o al loro ambito, e l'ordine si cambia nella pagina della bozza.",
    "Poi importa il file dalla pagina della bozza: prima di salvare vedrai tutte le modifiche, "
    "voce per voce.",
)

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"ods": ODS_MIMETYPE, "xlsx": XLSX_MIMETYPE}


@dataclass
class Sheet:
    """One sheet to write: its layout and its rows of plain values (str, date, Decimal, or
    None for an empty cell)."""

    layout: Layout
    rows: list[list]


@dataclass
class Workbook:
    title: str  # the document's title
    about: list[str]  # what the file is: the first lines of the instructions sheet
    sheets: list[Sheet]


def _codes(values: Iterable) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values)


def _date(value: str):
    return datetime.date.fromisoformat(value) if value else None


def snapshot_sheets(snapshot: dict) -> list[Sheet]:
    """The sheets of a version from its snapshot (``matrice.snapshots.version_snapshot``), in
    the plan's reading order. Tools and targets are named by code, zones by number, tables by
    slug."""
    tool_codes = {tool["key"]: tool["code"] for tool in snapshot["tools"]}
    target_codes = {target["key"]: target["code"] for target in snapshot["targets"]}
    tool_order = {tool["key"]: i for i, tool in enumerate(snapshot["tools"])}
    target_order = {target["key"]: i for i, target in enumerate(snapshot["targets"])}
    policies, areas, actions = [], [], []
    for policy in snapshot["policies"]:
        policies.append([policy["key"], policy["code"], policy["title"], policy["description"]])
        for area in policy["action_areas"]:
            areas.append(
                [area["key"], area["code"], policy["code"], area["title"], area["description"]]
            )
            for action in area["actions"]:
                tools = sorted(action["tools"], key=lambda key: tool_order.get(key, 0))
                targets = sorted(action["targets"], key=lambda key: target_order.get(key, 0))
                actions.append(
                    [
                        action["key"],
                        action["code"],
                        area["code"],
                        action["title"],
                        action["description"],
                        _codes(tool_codes.get(key, "?") for key in tools),
                        _codes(target_codes.get(key, "?") for key in targets),
                        _codes(sorted(action["zones"])),
                        _codes(sorted(action["tables"])),
                        action["lead_body"],
                        action["partners"],
                        _date(action["start_date"]),
                        _date(action["end_date"]),
                        Decimal(action["budget"]) if action["budget"] else None,
                        action["indicators"],
                    ]
                )

    def catalogue(items):
        return [[item["key"], item["code"], item["name"], item["description"]] for item in items]

    return [
        Sheet(POLICIES, policies),
        Sheet(AREAS, areas),
        Sheet(ACTIONS, actions),
        Sheet(TOOLS, catalogue(snapshot["tools"])),
        Sheet(TARGETS, catalogue(snapshot["targets"])),
    ]


def version_workbook(version) -> Workbook:
    """The content of ``version`` (any status) as a workbook. Needs ``version.programme``; the
    nine queries of ``version_snapshots``."""
    (snapshot,) = version_snapshots([version])
    programme = version.programme
    about = [
        f"{programme.title} – versione {version.number} ({version.get_status_display().lower()})"
    ]
    if version.is_frozen:  # the file of a frozen version is the same whenever it is asked for
        about.append(f"Codice di controllo del contenuto (impronta SHA-256): {version.fingerprint}")
    else:
        now = timezone.localtime()
        on = italian_article_before_number(now, "il")
        about.append(f"Bozza scaricata {on}{formats.date_format(now, 'j E Y, H:i')}")
    title = f"{programme.title} – versione {version.number}"
    return Workbook(title, about, snapshot_sheets(snapshot))


def file_name(version, extension: str) -> str:
    return f"{version.programme.slug}-versione-{version.number}.{extension}"


# Writing XLSX --------------------------------------------------------------------------------


def _lines(value, width: float) -> int:
    """About how many lines ``value`` takes in a wrapped cell ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.1), 1)
    return sum(max(1, -(-len(line) // per_line)) for line in value.split("\n"))


def write_xlsx(workbook: Workbook) -> bytes:
    book = openpyxl.Workbook()
    book.properties.title = workbook.title
    book.properties.creator = "Patto"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE4F0")
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    formats = {CODE: "@", DATE: "DD/MM/YYYY", MONEY: "#,##0.00"}

    notes = book.active
    notes.title = INSTRUCTIONS
    notes.column_dimensions["A"].width = 110
    for number, line in enumerate([*workbook.about, "", *INSTRUCTION_LINES], start=1):
        cell = notes.cell(row=number, column=1)
        cell.value = line
        cell.data_type = "s"
        cell.alignment = wrapped
        if number <= len(workbook.about):
            cell.font = header_font

    for sheet in workbook.sheets:
        columns = sheet.layout.columns
        ws = book.create_sheet(sheet.layout.sheet)
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            if column.type in formats:
                ws.column_dimensions[letter].number_format = formats[column.type]
            cell = ws.cell(row=1, column=index, value=column.header)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrapped
        for row_number, row in enumerate(sheet.rows, start=2):
            for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
                cell = ws.cell(row=row_number, column=index)
                if value in (None, ""):
                    if column.type in formats:
                        cell.number_format = formats[column.type]
                    continue
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "=": never a formula
                if column.type in formats:
                    cell.number_format = formats[column.type]
                cell.alignment = wrapped if column.type in (LONG, TEXT) else top
        # Excel and LibreOffice do not size a row to its wrapped text when opening a file:
        # each row gets the height of its longest cell, estimated from the column widths
        for row_number, row in enumerate([[c.header for c in columns], *sheet.rows], start=1):
            lines = max(
                _lines(value, column.width) for column, value in zip(columns, row, strict=True)
            )
            if lines > 1:
                ws.row_dimensions[row_number].height = min(15 * lines + 2, 409)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(sheet.rows) + 1, 2)}"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Writing ODS ---------------------------------------------------------------------------------


def _ods_freeze(document, sheet_names: list[str]) -> None:
    """settings.xml: the first row of each sheet stays in view when scrolling."""

    def item(name, kind, value):
        element = odfconfig.ConfigItem(name=name, type=kind)
        element.addText(str(value))
        return element

    view_settings = odfconfig.ConfigItemSet(name="ooo:view-settings")
    views = odfconfig.ConfigItemMapIndexed(name="Views")
    view = odfconfig.ConfigItemMapEntry()
    view.addElement(item("ViewId", "string", "view1"))
    tables = odfconfig.ConfigItemMapNamed(name="Tables")
    for name in sheet_names:
        entry = odfconfig.ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", 0),
            ("VerticalSplitMode", "short", 2),
            ("HorizontalSplitPosition", "int", 0),
            ("VerticalSplitPosition", "int", 1),
            ("ActiveSplitRange", "short", 2),
            ("PositionLeft", "int", 0),
            ("PositionRight", "int", 0),
            ("PositionTop", "int", 0),
            ("PositionBottom", "int", 1),
        ):
            entry.addElement(item(key, kind, value))
        tables.addElement(entry)
    view.addElement(tables)
    view.addElement(item("ActiveTable", "string", sheet_names[0]))
    views.addElement(view)
    view_settings.addElement(views)
    document.settings.addElement(view_settings)


def write_ods(workbook: Workbook) -> bytes:
    document = OpenDocumentSpreadsheet()
    document.meta.addElement(_ods_title(workbook.title))

    # number formats: text (so typed codes stay text), dates as 31/01/2019, euro amounts
    text_format = odfnumber.TextStyle(name="N-text")
    text_format.addElement(odfnumber.TextContent())
    date_format = odfnumber.DateStyle(name="N-date")
    date_format.addElement(odfnumber.Day(style="long"))
    date_format.addElement(odfnumber.Text(text="/"))
    date_format.addElement(odfnumber.Month(style="long"))
    date_format.addElement(odfnumber.Text(text="/"))
    date_format.addElement(odfnumber.Year(style="long"))
    money_format = odfnumber.NumberStyle(name="N-money")
    money_format.addElement(
        odfnumber.Number(decimalplaces="2", minintegerdigits="1", grouping="true")
    )
    for element in (text_format, date_format, money_format):
        document.automaticstyles.addElement(element)

    # landscape A4 pages, for whoever prints a sheet or saves it as PDF
    page_layout = odfstyle.PageLayout(name="landscape")
    page_properties = odfstyle.PageLayoutProperties(
        pagewidth="29.7cm", pageheight="21cm", printorientation="landscape", margin="1.5cm"
    )
    # as wide as one page, as many pages long as it takes (LibreOffice's extension)
    page_properties.setAttrNS(LOEXTNS, "scale-to-X", "1")
    page_properties.setAttrNS(LOEXTNS, "scale-to-Y", "0")
    page_layout.addElement(page_properties)
    document.automaticstyles.addElement(page_layout)
    document.masterstyles.addElement(
        odfstyle.MasterPage(name="Landscape", pagelayoutname=page_layout)
    )
    table_style = odfstyle.Style(name="sheet", family="table", masterpagename="Landscape")
    table_style.addElement(odfstyle.TableProperties(display="true", writingmode="lr-tb"))
    document.automaticstyles.addElement(table_style)

    def cell_style(name, *, header=False, wrap=False, bold=False, data_style=None):
        style = odfstyle.Style(name=name, family="table-cell", parentstylename="Default")
        if data_style is not None:
            style.setAttribute("datastylename", data_style)
        style.addElement(
            odfstyle.TableCellProperties(
                verticalalign="top",
                wrapoption="wrap" if wrap or header else "no-wrap",
                **(
                    {"backgroundcolor": "#dce4f0", "border": "0.5pt solid #8c9bb5"}
                    if header
                    else {}
                ),
            )
        )
        if header or bold:
            style.addElement(odfstyle.TextProperties(fontweight="bold"))
        if header:
            style.addElement(odfstyle.ParagraphProperties(textalign="start"))
        document.automaticstyles.addElement(style)
        return style

    styles = {
        "header": cell_style("header", header=True),
        TEXT: cell_style("text", wrap=True),
        LONG: cell_style("long", wrap=True),
        CODE: cell_style("code", data_style=text_format),
        DATE: cell_style("date", data_style=date_format),
        MONEY: cell_style("money", data_style=money_format),
        "note": cell_style("note", wrap=True),
        "note-title": cell_style("note-title", bold=True),
    }
    column_styles: dict[float, odfstyle.Style] = {}

    def column_style(width: float) -> odfstyle.Style:
        if width not in column_styles:
            style = odfstyle.Style(name=f"width-{len(column_styles) + 1}", family="table-column")
            # about 0.21 cm per character of the default 10 pt font
            style.addElement(
                odfstyle.TableColumnProperties(
                    columnwidth=f"{width * 0.21:.2f}cm", breakbefore="auto"
                )
            )
            document.automaticstyles.addElement(style)
            column_styles[width] = style
        return column_styles[width]

    def paragraphs(cell, text: str) -> None:
        for line in text.split("\n"):
            paragraph = odftext.P()
            teletype.addTextToElement(paragraph, line)
            cell.addElement(paragraph)

    notes = odftable.Table(name=INSTRUCTIONS, stylename=table_style)
    notes.addElement(
        odftable.TableColumn(stylename=column_style(110), defaultcellstylename=styles["note"])
    )
    for number, line in enumerate([*workbook.about, "", *INSTRUCTION_LINES]):
        row = odftable.TableRow()
        cell = odftable.TableCell(
            valuetype="string", stylename=styles["note"] if number else styles["note-title"]
        )
        if line:
            paragraphs(cell, line)
            if number < len(workbook.about):
                cell.setAttribute("stylename", styles["note-title"])
        row.addElement(cell)
        notes.addElement(row)
    document.spreadsheet.addElement(notes)

    for sheet in workbook.sheets:
        columns = sheet.layout.columns
        table = odftable.Table(name=sheet.layout.sheet, stylename=table_style)
        for column in columns:
            table.addElement(
                odftable.TableColumn(
                    stylename=column_style(column.width), defaultcellstylename=styles[column.type]
                )
            )
        header_rows = odftable.TableHeaderRows()
        header = odftable.TableRow()
        for column in columns:
            cell = odftable.TableCell(valuetype="string", stylename=styles["header"])
            paragraphs(cell, column.header)
            header.addElement(cell)
        header_rows.addElement(header)
        table.addElement(header_rows)
        for values in sheet.rows:
            row = odftable.TableRow()
            for column, value in zip(columns, values, strict=True):
                style = styles[column.type]
                if value in (None, ""):
                    row.addElement(odftable.TableCell(stylename=style))
                elif isinstance(value, datetime.date):
                    cell = odftable.TableCell(
                        valuetype="date", datevalue=value.isoformat(), stylename=style
                    )
                    cell.addElement(odftext.P(text=value.strftime("%d/%m/%Y")))
                    row.addElement(cell)
                elif isinstance(value, Decimal):
                    cell = odftable.TableCell(valuetype="float", value=str(value), stylename=style)
                    cell.addElement(odftext.P(text=f"{value:,.2f}".translate(_ITALIAN_DIGITS)))
                    row.addElement(cell)
                else:
                    cell = odftable.TableCell(valuetype="string", stylename=style)
                    paragraphs(cell, str(value))
                    row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)

    _ods_freeze(document, [sheet.layout.sheet for sheet in workbook.sheets])
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


_ITALIAN_DIGITS = str.maketrans({",": ".", ".": ","})


def _ods_title(title: str):
    element = odfdc.Title()
    element.addText(title)
    return element


def write_workbook(workbook: Workbook, extension: str) -> bytes:
    return write_ods(workbook) if extension == "ods" else write_xlsx(workbook)


def download(version, extension: str) -> HttpResponse:
    """The content of ``version`` as an ``.ods`` or ``.xlsx`` attachment. Needs
    ``version.programme``."""
    content = write_workbook(version_workbook(version), extension)
    response = HttpResponse(content, content_type=FORMATS[extension])
    response["Content-Disposition"] = f'attachment; filename="{file_name(version, extension)}"'
    return response


# Reading -------------------------------------------------------------------------------------

# What a file may hold. The exports of a 1,000-action version are far below every one of these.
MAX_ROWS = 5_000  # per sheet, the header included
MAX_COLUMNS = 50
MAX_CELLS = 150_000  # filled cells of the whole file
MAX_ENTRIES = 200  # files inside the zip archive
MAX_ENTRY_BYTES = 12 * 1024 * 1024  # uncompressed size of one of them (content.xml, a sheet)
MAX_TOTAL_BYTES = 40 * 1024 * 1024  # uncompressed size of all of them


def max_upload_bytes() -> int:
    return settings.SPREADSHEET_MAX_UPLOAD_MB * 1024 * 1024


class SpreadsheetError(ValidationError):
    """The file cannot be read as a spreadsheet of a version. ``messages`` says why, in
    Italian; nothing has been written."""

    def __init__(self, message: str):
        super().__init__(message, code="unreadable_spreadsheet")


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula: refused, never evaluated."""

    text: str


@dataclass
class ReadSheet:
    """A sheet as read: its name and its non-empty rows, each as (row number as the person
    sees it, the values of its cells from column A on). A value is None (empty), str, int,
    float, Decimal, bool, datetime.date / datetime.datetime or a ``Formula``."""

    name: str
    rows: list[tuple[int, list]] = field(default_factory=list)


def detect_format(content: bytes) -> str:
    """ "ods" or "xlsx", told by the content (not by the file's name)."""
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "Il file è nel vecchio formato di Excel (.xls) o è protetto da password: "
                "salvalo come ODS o XLSX, senza password, e riprova."
            )
        )
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _("Il file non è un foglio di calcolo ODS o XLSX: scegli un file .ods o .xlsx.")
        )
    archive = _open_archive(content)
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        if mimetype == ODS_MIMETYPE:
            return "ods"
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            raise SpreadsheetError(
                _(
                    "Il file è un documento OpenDocument ma non un foglio di calcolo: "
                    "scegli un file .ods o .xlsx."
                )
            )
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise SpreadsheetError(
        _("Il file non è un foglio di calcolo ODS o XLSX: scegli un file .ods o .xlsx.")
    )


def _open_archive(content: bytes) -> zipfile.ZipFile:
    """The zip archive of an ODS or XLSX file, once its entries are counted and their sizes
    checked (a zip bomb stops here, before any XML is parsed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise SpreadsheetError(
            _("Il file è danneggiato: non si riesce ad aprirlo (%(error)s).") % {"error": error}
        ) from error
    too_big = _(
        "Il file è troppo grande una volta decompresso: al massimo %(max)s MB. Dividi il piano "
        "o togli immagini e fogli che non servono."
    ) % {"max": MAX_TOTAL_BYTES // (1024 * 1024)}
    if len(entries) > MAX_ENTRIES:
        raise SpreadsheetError(
            _("Il file contiene troppe parti (%(n)s, al massimo %(max)s): non è un foglio normale.")
            % {"n": len(entries), "max": MAX_ENTRIES}
        )
    if sum(entry.file_size for entry in entries) > MAX_TOTAL_BYTES or any(
        entry.file_size > MAX_ENTRY_BYTES for entry in entries
    ):
        raise SpreadsheetError(too_big)
    return archive


def read_spreadsheet(content: bytes) -> tuple[str, list[ReadSheet]]:
    """The format ("ods" or "xlsx") and the sheets of an uploaded file. SpreadsheetError when it
    is not a readable ODS or XLSX file, or holds more than the limits above. Reading never runs
    anything: formulas are not evaluated, links and macros are not followed."""
    if len(content) > max_upload_bytes():
        raise SpreadsheetError(
            _("Il file è troppo grande: al massimo %(max)s MB.")
            % {"max": settings.SPREADSHEET_MAX_UPLOAD_MB}
        )
    kind = detect_format(content)
    sheets = _read_ods(content) if kind == "ods" else _read_xlsx(content)
    return kind, sheets


class _Counter:
    """Counts what is read and stops at the limits."""

    def __init__(self):
        self.cells = 0

    def row(self, sheet: str, number: int) -> None:
        if number > MAX_ROWS:
            raise SpreadsheetError(
                _("Il foglio «%(sheet)s» ha più di %(max)s righe.")
                % {"sheet": sheet, "max": MAX_ROWS}
            )

    def column(self, sheet: str, number: int) -> None:
        if number > MAX_COLUMNS:
            raise SpreadsheetError(
                _("Il foglio «%(sheet)s» ha più di %(max)s colonne.")
                % {"sheet": sheet, "max": MAX_COLUMNS}
            )

    def filled(self, count: int = 1) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise SpreadsheetError(
                _("Il file ha più di %(max)s celle piene.")
                % {"max": f"{MAX_CELLS:,}".replace(",", ".")}
            )


def _unreadable(kind: str, error: Exception) -> SpreadsheetError:
    return SpreadsheetError(
        _("Il file non è un foglio di calcolo %(kind)s leggibile (%(error)s).")
        % {"kind": kind, "error": str(error)[:200] or type(error).__name__}
    )


def _read_xlsx(content: bytes) -> list[ReadSheet]:
    counter = _Counter()
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except SpreadsheetError:
        raise
    except Exception as error:  # openpyxl lets many kinds of error through for a damaged file
        raise _unreadable("XLSX", error) from error
    sheets = []
    try:
        for ws in book.worksheets:
            sheet = ReadSheet(ws.title)
            for number, cells in enumerate(
                ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1), start=1
            ):
                values = []
                for index, cell in enumerate(cells, start=1):
                    value = getattr(cell, "value", None)
                    if isinstance(value, ArrayFormula | DataTableFormula):
                        value = Formula(str(getattr(value, "text", "") or "="))
                    elif getattr(cell, "data_type", None) == "f":
                        value = Formula(str(value))
                    if value is None or value == "":
                        values.append(None)
                        continue
                    counter.column(sheet.name, index)
                    counter.filled()
                    values.append(value)
                while values and values[-1] is None:
                    values.pop()
                if values:
                    counter.row(sheet.name, number)
                    sheet.rows.append((number, values))
            sheets.append(sheet)
    except SpreadsheetError:
        raise
    except Exception as error:
        raise _unreadable("XLSX", error) from error
    finally:
        book.close()
    return sheets


def _read_ods(content: bytes) -> list[ReadSheet]:
    archive = _open_archive(content)
    try:
        part = archive.read("content.xml")
    except KeyError as error:
        raise SpreadsheetError(_("Il file ODS non contiene fogli (manca content.xml).")) from error
    except Exception as error:
        raise _unreadable("ODS", error) from error
    document = OpenDocument(ODS_MIMETYPE, add_generator=False)
    document._parsing = "content.xml"
    try:
        parser = make_parser()
        parser.setFeature(handler.feature_namespaces, 1)
        parser.setFeature(handler.feature_external_ges, 0)
        parser.setContentHandler(LoadParser(document))
        parser.setErrorHandler(handler.ErrorHandler())
        source = InputSource()
        source.setByteStream(io.BytesIO(part))
        parser.parse(source)
    except Exception as error:  # malformed XML, forbidden entities, odfpy's own errors
        raise _unreadable("ODS", error) from error
    spreadsheet = next(
        (
            node
            for node in document.body.childNodes
            if node.nodeType == node.ELEMENT_NODE and node.qname == (OFFICENS, "spreadsheet")
        ),
        None,
    )
    if spreadsheet is None:
        raise SpreadsheetError(_("Il file ODS non contiene fogli."))

    counter = _Counter()
    sheets = []
    for table in _children(spreadsheet, TABLENS, "table"):
        sheet = ReadSheet(table.attributes.get((TABLENS, "name"), ""))
        number = 0
        for row in _rows(table, TABLENS):
            count = _repeat(row, "number-rows-repeated", TABLENS)
            values = _ods_row(row, sheet.name, counter, TABLENS, OFFICENS)
            if values:
                for offset in range(count):
                    counter.row(sheet.name, number + offset + 1)
                    counter.filled(len(values))
                    sheet.rows.append((number + offset + 1, list(values)))
            number += count
        sheets.append(sheet)
    if not sheets:
        raise SpreadsheetError(_("Il file ODS non contiene fogli."))
    return sheets


def _children(element, namespace: str, *names: str) -> Iterator:
    wanted = {(namespace, name) for name in names}
    for node in element.childNodes:
        if node.nodeType == node.ELEMENT_NODE and node.qname in wanted:
            yield node


def _rows(element, namespace: str) -> Iterator:
    """The rows of a table, also those inside header-row and row-group elements."""
    for node in _children(
        element, namespace, "table-row", "table-header-rows", "table-row-group", "table-rows"
    ):
        if node.qname == (namespace, "table-row"):
            yield node
        else:
            yield from _rows(node, namespace)


def _repeat(element, attribute: str, namespace: str) -> int:
    value = element.attributes.get((namespace, attribute))
    return max(int(value), 1) if value and value.isdigit() and len(value) < 10 else 1


def _ods_row(row, sheet: str, counter: _Counter, table_ns: str, office_ns: str) -> list:
    """The values of a row's cells from column A on, without the empty ones at the end."""
    values: list = []
    pending_empty = 0  # empty cells not yet known to be followed by a filled one
    for cell in _children(row, table_ns, "table-cell", "covered-table-cell"):
        count = _repeat(cell, "number-columns-repeated", table_ns)
        value = None
        if cell.qname == (table_ns, "table-cell"):
            value = _ods_value(cell, table_ns, office_ns)
        if value is None:
            pending_empty += count
            continue
        counter.column(sheet, len(values) + pending_empty + count)
        values.extend([None] * pending_empty)
        values.extend([value] * count)
        pending_empty = 0
    return values


def _ods_value(cell, table_ns: str, office_ns: str):
    formula = cell.attributes.get((table_ns, "formula"))
    if formula:
        return Formula(formula)
    value_type = cell.attributes.get((office_ns, "value-type"))
    if value_type in {"float", "percentage", "currency"}:
        raw = cell.attributes.get((office_ns, "value"), "")
        try:
            return Decimal(raw)
        except ArithmeticError:
            return raw
    if value_type == "date":
        raw = cell.attributes.get((office_ns, "date-value"), "")
        try:
            if "T" in raw:
                return datetime.datetime.fromisoformat(raw)
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return raw
    if value_type == "boolean":
        return cell.attributes.get((office_ns, "boolean-value"), "") == "true"
    if value_type == "time":
        return cell.attributes.get((office_ns, "time-value"), "")
    paragraphs = [
        teletype.extractText(node)
        for node in cell.childNodes
        if node.nodeType == node.ELEMENT_NODE and node.tagName in ("text:p", "text:h")
    ]
    text = "\n".join(paragraphs)
    return text if text.strip() else None
