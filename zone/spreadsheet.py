"""The reader of the Città Metropolitana's spreadsheet "Elenco Comuni per Zona omogenea", as an
.ods file or a .csv export of it: its rows and cells, the header row and its columns, the
normalisation of ISTAT codes, comune and zone names, and the check of every row against the
zones and comuni in the database, with one error per problem naming the spreadsheet row.

It writes nothing: ``zone.services.import_zone_membership`` applies what it reads.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from odf import teletype
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table

from zone.models import Municipality, Zone, search_key

# Column headers are compared after search_key() and with "_" and "." read as spaces, so
# "Codice ISTAT", "codice_istat" and "CODICE ISTAT" are the same header. A file may carry
# several zone columns (number and name): every one that is filled in must name the same zone.
ZONE_HEADERS = (
    "zona n",
    "zona numero",
    "numero zona",
    "n zona",
    "nr zona",
    "zona",
    "zona omogenea",
    "zona nome",
    "nome zona",
    "denominazione zona",
    "zone",
)
ISTAT_HEADERS = (
    "istat",
    "codice istat",
    "cod istat",
    "codice istat comune",
    "istat comune",
    "codice comune",
    "pro com t",
    "pro com",
)
NAME_HEADERS = (
    "comune",
    "nome comune",
    "comune nome",
    "denominazione",
    "denominazione comune",
    "denominazione in italiano",
)
SOURCE_HEADERS = ("fonte", "source")
# Title lines above the header (as in a spreadsheet with a heading) are skipped: the header is
# the first of these many non-empty rows that has a zone column and a comune column.
HEADER_SEARCH_ROWS = 20
MAX_ROWS = 100_000
MAX_COLUMNS = 1_024

_ISTAT_VALUE = re.compile(r"^(\d{4,6})(?:[.,]0+)?$")
_ZONE_VALUE = re.compile(
    r"^(?:zona\s+)?(?:omogenea\s+)?(?:(?:n|nr|num|numero)\.?\s*)?(\d{1,3})(?:[.,]0+)?"
    r"(?:[\s:.)]+(?P<name>.*))?$"
)
_ZONE_STOPWORDS = {"zona", "omogenea", "e", "ed"}


class MembershipImportError(ValidationError):
    """The membership file cannot be applied. ``messages`` lists every problem found, each
    starting with its spreadsheet row number where there is one; nothing has been written."""

    def __init__(self, errors: Sequence[str]):
        super().__init__(list(errors), code="invalid_membership")


@dataclass(frozen=True)
class _SheetRow:
    number: int  # as the operator sees it in the spreadsheet; the first row is 1
    cells: list[str]


def _header_key(text: str) -> str:
    return " ".join(search_key(text).replace("_", " ").replace(".", " ").split())


def _zone_text(text: str) -> str:
    # search_key() already reads "-" as a space; en and em dashes (Zone.__str__ writes
    # "Zona 2 \u2013 AMT Ovest") are read the same way.
    return " ".join(search_key(text).replace("\u2013", " ").replace("\u2014", " ").split())


def _zone_key(text: str) -> str:
    words = _zone_text(text).replace(".", " ").split()
    return " ".join(word for word in words if word not in _ZONE_STOPWORDS)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# Reading files.


def read_csv_rows(content: bytes) -> list[_SheetRow]:
    """Rows of a CSV file: UTF-8 with or without BOM (Windows-1252 accepted as a fallback, as
    Excel writes it), delimited by ``,``, ``;`` or tab, whichever is most frequent in the first
    lines. A row is a spreadsheet row: a quoted cell may span several lines of the file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:  # no text column of PostgreSQL can hold it; no real sheet has it
        raise MembershipImportError(
            [
                _(
                    "Il file non è un CSV leggibile: contiene caratteri nulli (NUL). "
                    "Se è in UTF-16, salvalo come CSV UTF-8."
                )
            ]
        )
    sample = [line for line in text.splitlines()[:50] if line.strip()][:5]
    counts = {delimiter: sum(line.count(delimiter) for line in sample) for delimiter in ",;\t"}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise MembershipImportError(
                    [_("Il file ha più di %(max)s righe.") % {"max": MAX_ROWS}]
                )
            rows.append(_SheetRow(number, [_cell_text(cell) for cell in cells]))
    except csv.Error as error:  # a NUL byte, a cell longer than the csv module takes
        raise MembershipImportError(
            [_("Il file non è un CSV leggibile (%(error)s).") % {"error": error}]
        ) from error
    return rows


def read_ods_rows(source: Path | str | io.IOBase) -> list[_SheetRow]:
    """Rows of the first sheet of an OpenDocument spreadsheet, numbered as in the spreadsheet.

    Repeated rows and cells (``table:number-rows-repeated``, ``table:number-columns-repeated``)
    are expanded, except empty ones, which only advance the numbering: LibreOffice pads a sheet
    with a million empty rows. Merged (covered) cells read as empty. A number cell is read by
    its value, so an ISTAT code stored as the number 1086 reads "1086", not "1.086"."""
    try:
        document = load_ods(source)
    # odfpy's parser lets many kinds of error through for a damaged archive or XML
    except Exception as error:
        raise MembershipImportError(
            [_("Il file non è un foglio di calcolo ODS leggibile (%(error)s).") % {"error": error}]
        ) from error
    sheets = document.spreadsheet.getElementsByType(Table) if document.spreadsheet else []
    if not sheets:
        raise MembershipImportError([_("Il file ODS non contiene fogli.")])

    def children(element, *names: str) -> Iterator:
        for node in element.childNodes:
            if node.nodeType == node.ELEMENT_NODE and node.qname in {(TABLENS, n) for n in names}:
                yield node

    def rows_of(element) -> Iterator:
        # Rows may sit inside header-row or row-group elements.
        for node in children(
            element, "table-row", "table-header-rows", "table-row-group", "table-rows"
        ):
            if node.qname == (TABLENS, "table-row"):
                yield node
            else:
                yield from rows_of(node)

    def repeat(element, attribute: str) -> int:
        value = element.attributes.get((TABLENS, attribute))
        return max(int(value), 1) if value and value.isdigit() else 1

    def cell_value(cell) -> str:
        value_type = cell.attributes.get((OFFICENS, "value-type"))
        if value_type in {"float", "percentage", "currency"}:
            value = cell.attributes.get((OFFICENS, "value"))
            if value is not None:
                try:
                    return _cell_text(float(value))
                except ValueError:
                    pass
        paragraphs = [
            teletype.extractText(p)
            for p in cell.childNodes
            if p.nodeType == p.ELEMENT_NODE and p.tagName == "text:p"
        ]
        return _cell_text("\n".join(paragraphs))

    rows, number = [], 0
    for row in rows_of(sheets[0]):
        cells: list[str] = []
        pending_empty = 0  # empty cells not yet known to be followed by a filled one
        for cell in children(row, "table-cell", "covered-table-cell"):
            count = repeat(cell, "number-columns-repeated")
            value = cell_value(cell) if cell.qname == (TABLENS, "table-cell") else ""
            if not value:
                pending_empty += count
                continue
            cells.extend([""] * pending_empty)
            cells.extend([value] * min(count, MAX_COLUMNS))
            pending_empty = 0
            if len(cells) > MAX_COLUMNS:
                raise MembershipImportError(
                    [_("Il foglio ha più di %(max)s colonne.") % {"max": MAX_COLUMNS}]
                )
        count = repeat(row, "number-rows-repeated")
        if cells:
            if number + count > MAX_ROWS:
                raise MembershipImportError(
                    [_("Il foglio ha più di %(max)s righe.") % {"max": MAX_ROWS}]
                )
            rows.extend(_SheetRow(number + i + 1, list(cells)) for i in range(count))
        number += count
    return rows


def read_membership_file(path: Path) -> list[_SheetRow]:
    """Rows of an .ods or .csv file (the format is told by the content, not only the name)."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise MembershipImportError(
            [_("Impossibile leggere il file %(file)s: %(error)s.") % {"file": path, "error": error}]
        ) from error
    return read_membership_content(content, path.name)


def read_membership_content(content: bytes, file_name: str) -> list[_SheetRow]:
    """Rows of an .ods or .csv file's ``content`` (the format is told by the content; the name
    only refuses Excel files early, with a message saying what to do)."""
    if not content.strip():
        raise MembershipImportError([_("Il file è vuoto.")])
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, KeyError):
            mimetype = ""
        if mimetype != "application/vnd.oasis.opendocument.spreadsheet":
            raise MembershipImportError(
                [_("Formato non supportato: salva il foglio come ODS o esportalo in CSV.")]
            )
        return read_ods_rows(io.BytesIO(content))
    if Path(file_name).suffix.casefold() in {".xls", ".xlsx"}:
        raise MembershipImportError(
            [_("Formato non supportato: salva il foglio come ODS o esportalo in CSV.")]
        )
    return read_csv_rows(content)


def rows_from_dicts(rows: Sequence[Mapping[str, Any]]) -> list[_SheetRow]:
    """Rows given as dicts (as by csv.DictReader): the header is row 1, the first dict row 2."""
    headers: list[str] = []
    for row in rows:
        headers.extend(key for key in row if key not in headers)
    sheet = [_SheetRow(1, [_cell_text(h) for h in headers])]
    sheet.extend(
        _SheetRow(index, [_cell_text(row.get(h)) for h in headers])
        for index, row in enumerate(rows, start=2)
    )
    return sheet


# Validating rows.


@dataclass
class _Columns:
    zone: list[int]
    istat: int | None
    name: int | None
    source: int | None


def _find_columns(header: list[str]) -> _Columns | None:
    keys = [_header_key(cell) for cell in header]

    def first(candidates: tuple[str, ...]) -> int | None:
        for candidate in candidates:
            if candidate in keys:
                return keys.index(candidate)
        return None

    zone = [keys.index(c) for c in ZONE_HEADERS if c in keys]
    columns = _Columns(zone, first(ISTAT_HEADERS), first(NAME_HEADERS), first(SOURCE_HEADERS))
    if not zone or (columns.istat is None and columns.name is None):
        return None
    return columns


def is_valid_source(value: str) -> bool:
    """A source starts with a web address and may go on with a note, as the reference data
    does ("https://... + DCM n.55 4/8/2021 (Mappano)"); it must fit Municipality.zone_source."""
    max_length = Municipality._meta.get_field("zone_source").max_length
    try:
        URLValidator(schemes=["http", "https"])(value.split()[0])
    except (ValidationError, IndexError):
        return False
    return len(value) <= max_length


class _ZoneResolver:
    def __init__(self, zones: Iterable[Zone]):
        self.by_number = {zone.number: zone for zone in zones}
        self.by_name: dict[str, set[Zone]] = {}
        for zone in self.by_number.values():
            for text in (zone.name, zone.full_name):
                self.by_name.setdefault(_zone_key(text), set()).add(zone)

    def resolve(self, value: str) -> Zone | str:
        """The zone named by ``value`` ("2", "Zona 2", "AMT Ovest", "Zona 2 - AMT Ovest"), or
        an error message."""
        match = _ZONE_VALUE.match(_zone_text(value))
        if match:
            zone = self.by_number.get(int(match.group(1)))
            if zone is None:
                return _("zona sconosciuta «%(value)s»: non c'è una zona numero %(number)s") % {
                    "value": value,
                    "number": int(match.group(1)),
                }
            name = _zone_key(match.group("name") or "")
            if name and zone not in self.by_name.get(name, set()):
                return _("zona incoerente «%(value)s»: la zona %(number)s è «%(name)s»") % {
                    "value": value,
                    "number": zone.number,
                    "name": zone.name,
                }
            return zone
        found = self.by_name.get(_zone_key(value), set())
        if len(found) > 1:
            return _("zona ambigua «%(value)s»: può essere %(zones)s") % {
                "value": value,
                "zones": ", ".join(str(z) for z in sorted(found, key=lambda z: z.number)),
            }
        if not found:
            return _("zona sconosciuta «%(value)s»") % {"value": value}
        return next(iter(found))


def parse_rows(
    sheet: list[_SheetRow], *, lock: bool
) -> tuple[list[tuple[Zone, Municipality, str]], list[str]]:
    """Match every row to a zone and a comune of the Città Metropolitana. Returns the matched
    rows ``(zone, municipality, source)`` and the list of error messages. With ``lock``, the
    comuni are read with SELECT ... FOR UPDATE, so that a concurrent import waits."""
    zones = list(Zone.objects.select_related("province"))
    if not zones:
        return [], [
            _(
                "Non ci sono zone omogenee: carica prima i dati di riferimento "
                "(manage.py load_reference_data)."
            )
        ]
    header_row, columns = None, None
    for row in [row for row in sheet if any(row.cells)][:HEADER_SEARCH_ROWS]:
        columns = _find_columns(row.cells)
        if columns:
            header_row = row
            break
    if header_row is None:
        return [], [
            _(
                "Intestazione non riconosciuta: servono una colonna della zona (per esempio "
                "«zona» o «numero zona») e una del comune («comune» e/o «codice ISTAT»)."
            )
        ]

    province_ids = {zone.province_id for zone in zones}
    municipalities = Municipality.objects.filter(province_id__in=province_ids)
    if lock:
        municipalities = municipalities.select_for_update()
    municipalities = list(municipalities)
    by_istat = {m.istat_code: m for m in municipalities}
    by_name: dict[str, list[Municipality]] = {}
    for municipality in municipalities:
        by_name.setdefault(municipality.search_name, []).append(municipality)
    resolver = _ZoneResolver(zones)

    def elsewhere(**lookup) -> Municipality | None:
        return Municipality.objects.filter(**lookup).select_related("province").first()

    def outside_message(other: Municipality) -> str:
        return _(
            "%(name)s (%(abbreviation)s) non è un comune della Città metropolitana di Torino"
        ) % {"name": other.name, "abbreviation": other.province.abbreviation}

    matched, errors, first_seen = [], [], {}
    for row in sheet:
        if row.number <= header_row.number or not any(row.cells):
            continue

        def cell(index: int | None, cells=row.cells) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        problems = []
        istat_value, name_value = cell(columns.istat), cell(columns.name)
        zone_values = [value for value in (cell(i) for i in columns.zone) if value]

        # The comune.
        municipality = None
        if not istat_value and not name_value:
            problems.append(_("manca il comune"))
        elif istat_value:
            match = _ISTAT_VALUE.match(istat_value)
            if not match:
                problems.append(
                    _("codice ISTAT non valido «%(value)s»: servono 6 cifre, per esempio 001272")
                    % {"value": istat_value}
                )
            else:
                code = match.group(1).zfill(6)
                municipality = by_istat.get(code)
                if municipality is None:
                    other = elsewhere(istat_code=code)
                    problems.append(
                        outside_message(other)
                        if other
                        else _("comune sconosciuto: nessun comune ha il codice ISTAT %(code)s")
                        % {"code": code}
                    )
                elif name_value and search_key(name_value) != municipality.search_name:
                    problems.append(
                        _("il codice ISTAT %(code)s è di %(name)s, non di «%(value)s»")
                        % {"code": code, "name": municipality.name, "value": name_value}
                    )
                    municipality = None
        else:
            found = by_name.get(search_key(name_value), [])
            if len(found) > 1:
                problems.append(
                    _(
                        "comune ambiguo «%(value)s»: più comuni hanno questo nome (%(codes)s); "
                        "indica il codice ISTAT"
                    )
                    % {"value": name_value, "codes": ", ".join(sorted(m.istat_code for m in found))}
                )
            elif found:
                municipality = found[0]
            else:
                other = elsewhere(search_name=search_key(name_value))
                problems.append(
                    outside_message(other)
                    if other
                    else _("comune sconosciuto «%(value)s»") % {"value": name_value}
                )

        # The zone: every zone column filled in must name the same zone.
        zone = None
        if not zone_values:
            problems.append(_("manca la zona"))
        for value in zone_values:
            resolved = resolver.resolve(value)
            if isinstance(resolved, str):
                problems.append(resolved)
                zone = None
                break
            if zone is not None and resolved != zone:
                problems.append(
                    _("zone discordanti nella stessa riga: «%(values)s»")
                    % {"values": "», «".join(zone_values)}
                )
                zone = None
                break
            zone = resolved

        source = cell(columns.source)
        if source and not is_valid_source(source):
            problems.append(
                _("fonte non valida «%(value)s»: serve un indirizzo web") % {"value": source}
            )

        if municipality is not None:
            if municipality.pk in first_seen:
                problems.append(
                    _("%(name)s è già elencato alla riga %(row)s")
                    % {"name": municipality.name, "row": first_seen[municipality.pk]}
                )
            else:
                first_seen[municipality.pk] = row.number

        if problems:
            errors.extend(
                _("Riga %(row)s: %(problem)s.") % {"row": row.number, "problem": problem}
                for problem in problems
            )
        else:
            matched.append((zone, municipality, source))
    if not matched and not errors:
        errors.append(_("Il file non contiene righe di comuni sotto l'intestazione."))
    return matched, errors
