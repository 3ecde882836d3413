"""Importing the official "Elenco Comuni per Zona omogenea" (CSV export or ODS)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from zone.models import Municipality, Province, Zone
from zone.reference_data import load_reference_data
from zone.services import import_zone_membership
from zone.spreadsheet import MembershipImportError

CIRIE, BEINASCO, BRUINO, TORINO = "001086", "001024", "001038", "001272"


@pytest.fixture
def reference(db):
    """The reference data, with Ciriè standing for a comune of the Città Metropolitana whose
    zone is not known yet (the reference data does know it: zone 7): these tests assign it
    by name, accents and all."""
    load_reference_data(data_dir=settings.REFERENCE_DATA_DIR)
    Municipality.objects.filter(istat_code=CIRIE).update(zone=None, zone_source="", zone_origin="")


def zone_of(istat_code: str) -> int | None:
    zone = Municipality.objects.get(istat_code=istat_code).zone
    return zone.number if zone else None


def snapshot() -> list[tuple]:
    return list(
        Municipality.objects.order_by("istat_code").values_list("istat_code", "zone", "zone_source")
    )


def write_csv(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "elenco.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_zone_membership", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nessuna modifica salvata"):
        call_command("import_zone_membership", str(path), *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def write_ods(path, rows):
    """An .ods whose first sheet has ``rows``: each cell is a string, a number (a float cell),
    None (an empty cell) or a ``(value, repeat)`` pair for a repeated cell. A row may also be
    ``("empty", n)``: n empty rows written as one repeated row, as LibreOffice does."""
    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Elenco")
    for row in rows:
        if isinstance(row, tuple) and row[0] == "empty":
            table_row = TableRow(numberrowsrepeated=row[1])
            table_row.addElement(TableCell(numbercolumnsrepeated=1024))
            sheet.addElement(table_row)
            continue
        table_row = TableRow()
        for value in row:
            repeat = 1
            if isinstance(value, tuple):
                value, repeat = value
            attributes = {"numbercolumnsrepeated": repeat} if repeat > 1 else {}
            if value is None:
                cell = TableCell(**attributes)
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value, **attributes)
                cell.addElement(P(text=f"{value:,}".replace(",", ".")))
            else:
                cell = TableCell(valuetype="string", **attributes)
                cell.addElement(P(text=value))
            table_row.addElement(cell)
        sheet.addElement(table_row)
    # The trailing padding LibreOffice writes.
    padding = TableRow(numberrowsrepeated=1048000)
    padding.addElement(TableCell(numbercolumnsrepeated=1024))
    sheet.addElement(padding)
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


# A good file.


def test_good_csv_moves_and_assigns_comuni(reference, tmp_path):
    path = write_csv(
        tmp_path,
        "Zona;Comune\n7;CIRIÈ\n2;beinasco\nAMT Sud;Bruino\n",
        encoding="utf-8-sig",
    )

    out, err = run(path)

    assert err == ""
    assert "Comuni spostati in un'altra zona: 1" in out
    assert "Beinasco: Zona 3 \u2013 AMT Sud \u2192 Zona 2 \u2013 AMT Ovest" in out
    assert "Comuni assegnati per la prima volta: 1" in out
    assert "Comuni già nella zona indicata: 1" in out
    assert (zone_of(CIRIE), zone_of(BEINASCO), zone_of(BRUINO)) == (7, 2, 3)
    cirie = Municipality.objects.get(istat_code=CIRIE)
    assert cirie.zone_source == Zone.objects.get(number=7).source_url


def test_names_match_ignoring_case_accents_and_apostrophes(reference):
    result = import_zone_membership(
        rows=[
            {"zona": "7", "comune": "cirie"},
            {"zona": "8", "comune": "ALBIANO D IVREA"},
            {"zona": "Zona 1 - Torino", "comune": "TORINO"},
        ]
    )
    assert [c.municipality.name for c in result.assigned] == ["Ciriè", "Albiano d'Ivrea"]
    assert result.unchanged == 1
    assert zone_of(CIRIE) == 7


@pytest.mark.parametrize(
    "zone",
    [
        "2",
        "Zona 2",
        "zona n. 2",
        "AMT Ovest",
        "amt ovest",
        "Area Metropolitana Torino Ovest",
        "Zona 2 - AMT Ovest",
        "Zona 2 \u2013 AMT Ovest",
        "2 - Area Metropolitana Torino Ovest",
    ],
)
def test_zone_by_number_or_name(reference, zone):
    import_zone_membership(rows=[{"zona omogenea": zone, "codice istat": BEINASCO}])
    assert zone_of(BEINASCO) == 2


def test_comma_csv_with_istat_codes_and_a_source_column(reference, tmp_path):
    path = write_csv(
        tmp_path,
        'numero zona,codice istat,comune,fonte\n7,001086,"Ciriè",https://example.org/elenco.ods\n'
        "2,1024,Beinasco,\n",
    )

    out, _err = run(path, "--source=https://example.org/delibera.pdf")

    assert "Comuni spostati in un'altra zona: 1" in out
    assert Municipality.objects.get(istat_code=CIRIE).zone_source == (
        "https://example.org/elenco.ods"
    )
    assert Municipality.objects.get(istat_code=BEINASCO).zone_source == (
        "https://example.org/delibera.pdf"
    )


def test_title_rows_above_the_header_and_windows_encoding(reference, tmp_path):
    path = write_csv(
        tmp_path,
        "Elenco Comuni per Zona omogenea;;\n;;\nZona;Codice ISTAT;Comune\n7;001086;Ciriè\n",
        encoding="cp1252",
    )
    out, _err = run(path)
    assert "Comuni assegnati per la prima volta: 1" in out
    assert zone_of(CIRIE) == 7


def test_the_reference_membership_file_imports_unchanged(reference):
    path = settings.REFERENCE_DATA_DIR / "zone_omogenee_torino_membership.csv"
    before = snapshot()

    out, _err = run(path)

    assert "Comuni nel file: 208" in out
    assert "Comuni spostati in un'altra zona: 0" in out
    assert "Comuni assegnati per la prima volta: 1" in out  # Ciriè, unassigned by the fixture
    assert "Comuni già nella zona indicata: 207" in out
    cirie = Municipality.objects.get(istat_code=CIRIE)
    assert cirie.zone.number == 7
    assert cirie.zone_source.startswith("https://www.torinoggi.it/")
    # every other comune keeps its zone: the file's own "fonte" column is the source already there
    after = snapshot()
    assert [row for row in after if row[0] != CIRIE] == [row for row in before if row[0] != CIRIE]
    assert sum(1 for row in after if row[1]) == 208


# Errors: each is reported with its row number, and nothing is written.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zona;comune\n7;Ciriè\n2;Atlantide\n", "Riga 3: comune sconosciuto «Atlantide»"),
        ("zona;istat\n7;001086\n2;001999\n", "Riga 3: comune sconosciuto: nessun comune"),
        ("zona;comune\n7;Ciriè\n12;Beinasco\n", "Riga 3: zona sconosciuta «12»"),
        ("zona;comune\n7;Ciriè\nAMT Centro;Beinasco\n", "Riga 3: zona sconosciuta «AMT Centro»"),
        (
            "zona;comune\n7;Ciriè\n2;Beinasco\n3;CIRIE'\n",
            "Riga 4: Ciriè è già elencato alla riga 2",
        ),
        ("zona;istat\n7;001086\n2;1086\n", "Riga 3: Ciriè è già elencato alla riga 2"),
        ("zona;comune\n7;Ciriè\n2\n", "Riga 3: manca il comune"),
        ("zona;comune\n7;Ciriè\n;Beinasco\n", "Riga 3: manca la zona"),
        ("zona;istat\n7;001086\n2;01-024\n", "Riga 3: codice ISTAT non valido «01-024»"),
        ("zona;istat\n7;001086\n2;0010240\n", "Riga 3: codice ISTAT non valido"),
        ("zona;istat;comune\n7;001086;Ciriè\n2;001024;Bruino\n", "Riga 3: il codice ISTAT 001024"),
        ("zona;comune\n7;Ciriè\n2;Alba\n", "Riga 3: Alba (CN) non è un comune della Città"),
        ("zona_n;zona_nome;comune\n2;AMT Sud;Beinasco\n", "Riga 2: zone discordanti"),
        ("zona;comune\nZona 2 - AMT Sud;Beinasco\n", "Riga 2: zona incoerente"),
    ],
    ids=[
        "unknown-name",
        "unknown-istat",
        "unknown-zone-number",
        "unknown-zone-name",
        "duplicate-name",
        "duplicate-istat",
        "missing-cell",
        "empty-zone",
        "istat-format",
        "istat-too-long",
        "istat-name-mismatch",
        "outside-torino",
        "zone-columns-disagree",
        "zone-number-name-disagree",
    ],
)
def test_errors_are_reported_by_row_and_nothing_is_written(reference, tmp_path, text, expected):
    before = snapshot()

    err = run_failing(write_csv(tmp_path, text))

    assert expected in err
    assert snapshot() == before


def test_ambiguous_name(reference, tmp_path):
    Municipality.objects.create(
        istat_code="001999", name="CIRIE'", province=Province.objects.get(istat_code="001")
    )
    before = snapshot()

    err = run_failing(write_csv(tmp_path, "zona;comune\n2;Beinasco\n7;Ciriè\n"))

    assert "Riga 3: comune ambiguo «Ciriè»" in err
    assert "001086, 001999" in err
    assert snapshot() == before
    # The ISTAT code settles it.
    run(write_csv(tmp_path, "zona;istat;comune\n7;001086;Ciriè\n"))
    assert zone_of(CIRIE) == 7


def test_every_error_is_listed_at_once(reference):
    before = snapshot()
    rows = [
        {"zona": "7", "comune": "Ciriè"},  # row 2, good
        {"zona": "2", "comune": "Atlantide"},  # row 3
        {"zona": "99", "comune": "Beinasco"},  # row 4
        {"zona": "3", "comune": "cirie"},  # row 5
        {"zona": "", "comune": ""},  # row 6, blank: skipped
        {"zona": "2", "comune": ""},  # row 7
    ]

    with pytest.raises(MembershipImportError) as excinfo:
        import_zone_membership(rows=rows)

    messages = excinfo.value.messages
    assert [m.split(":")[0] for m in messages] == ["Riga 3", "Riga 4", "Riga 5", "Riga 7"]
    assert snapshot() == before


def test_unrecognised_header(reference, tmp_path):
    err = run_failing(write_csv(tmp_path, "area;località\n7;Ciriè\n"))
    assert "Intestazione non riconosciuta" in err


def test_other_spreadsheet_formats_are_refused(reference, tmp_path):
    path = tmp_path / "elenco.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_zone_membership", str(path), stderr=err)
    assert "Formato non supportato" in err.getvalue()


def test_a_failure_while_writing_rolls_everything_back(reference, monkeypatch):
    before = snapshot()
    manager = type(Municipality.objects)
    original = manager.bulk_update

    def write_then_fail(self, *args, **kwargs):
        original(self, *args, **kwargs)
        assert zone_of(CIRIE) == 7  # written...
        raise RuntimeError("disk full")

    monkeypatch.setattr(manager, "bulk_update", write_then_fail)
    with pytest.raises(RuntimeError):
        import_zone_membership(rows=[{"zona": "7", "comune": "Ciriè"}])

    assert snapshot() == before  # ...and rolled back


# Dry run.


def test_dry_run_writes_nothing(reference, tmp_path):
    before = snapshot()
    path = write_csv(tmp_path, "zona;comune\n7;Ciriè\n2;Beinasco\n")

    out, _err = run(path, "--dry-run")

    assert "nessuna modifica salvata" in out
    assert "Comuni spostati in un'altra zona: 1" in out
    assert "Comuni assegnati per la prima volta: 1" in out
    assert snapshot() == before


def test_dry_run_still_reports_errors(reference, tmp_path):
    err = run_failing(write_csv(tmp_path, "zona;comune\n2;Atlantide\n"), "--dry-run")
    assert "Riga 2: comune sconosciuto «Atlantide»" in err


# ODS.


def test_ods_import(reference, tmp_path):
    path = write_ods(
        tmp_path / "elenco.ods",
        [
            ["Elenco Comuni per Zona omogenea"],  # row 1: a title
            ("empty", 2),  # rows 2-3
            ["Zona", None, "Codice ISTAT", "Comune"],  # row 4: header, with an empty column
            [7, None, 1086, "Ciriè"],  # ISTAT code as a number, leading zeros lost
            ["Zona 2 - AMT Ovest", None, "001024", "BEINASCO"],
            [("3", 1), (None, 2), "Bruino"],  # a repeated empty cell
            ("empty", 3),
            ["AMT Ovest", None, None, "Collegno"],
        ],
    )

    out, err = run(path, "-v", "2")

    assert err == ""
    assert "Comuni nel file: 4" in out
    assert "Comuni spostati in un'altra zona: 1" in out
    assert "Comuni assegnati per la prima volta: 1" in out
    assert "  Ciriè: Zona 7 \u2013 Ciriacese - Valli di Lanzo" in out
    assert "Comuni già nella zona indicata: 2" in out  # Bruino, and Collegno (reference data)
    assert (zone_of(CIRIE), zone_of(BEINASCO), zone_of(BRUINO)) == (7, 2, 3)
    assert Municipality.objects.get(name="Collegno").zone.number == 2


def test_ods_errors_carry_the_spreadsheet_row_number(reference, tmp_path):
    before = snapshot()
    path = write_ods(
        tmp_path / "elenco.ods",
        [
            ["zona", "comune"],  # row 1
            ["7", "Ciriè"],  # row 2
            ("empty", 5),  # rows 3-7
            [("2", 1), "Atlantide"],  # row 8
            ["2", "Ciriè"],  # row 9
        ],
    )

    err = run_failing(path)

    assert "Riga 8: comune sconosciuto «Atlantide»" in err
    assert "Riga 9: Ciriè è già elencato alla riga 2" in err
    assert snapshot() == before


def test_ods_dry_run(reference, tmp_path):
    before = snapshot()
    path = write_ods(tmp_path / "elenco.ods", [["zona", "comune"], ["7", "Ciriè"]])
    out, _err = run(path, "--dry-run")
    assert "Comuni assegnati per la prima volta: 1" in out
    assert snapshot() == before
