"""Every CSV of the portal is written by patto.core.spreadsheets: the two dialects, and text
that a spreadsheet would run as a formula neutralised."""

import csv
import decimal
import io

import pytest

from patto.core import spreadsheets
from patto.core.spreadsheets import EXCEL_ITALIAN, STANDARD


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+39 011", "'+39 011"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Comune di Ivrea", "Comune di Ivrea"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(text, written):
    assert spreadsheets.neutralise(text) == written
    assert spreadsheets.cell(text) == written


def test_numbers_stay_numbers_with_the_dialects_decimal_separator():
    assert spreadsheets.cell(-5) == "-5"
    assert spreadsheets.cell(decimal.Decimal("-1250.50"), STANDARD) == "-1250.50"
    assert spreadsheets.cell(decimal.Decimal("1250.50"), EXCEL_ITALIAN) == "1250,50"
    assert spreadsheets.cell(None) == ""
    with pytest.raises(TypeError):
        spreadsheets.cell(True)


def test_the_standard_dialect_is_rfc_4180():
    text = spreadsheets.write(["a", "b"], [["x, y", decimal.Decimal("1.5")], ['"q"', None]])
    assert text == 'a,b\r\n"x, y",1.5\r\n"""q""",\r\n'


def test_the_excel_dialect_has_a_bom_semicolons_and_decimal_commas():
    text = spreadsheets.write(["a", "b"], [["x; y", decimal.Decimal("1.5")]], EXCEL_ITALIAN)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["a", "b"], ["x; y", "1,5"]]
