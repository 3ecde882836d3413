"""Every CSV file the portal writes, in one place: the two dialects (the standard one, RFC 4180,
and the one Excel opens with Italian regional settings) and the neutralisation of cells that
start like a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one of them) as a formula ("CSV injection"): text typed by the public (a
contribution's title, the body a person registers for) must not. :func:`write` gives such a text
cell a leading apostrophe, in every CSV of the portal; numbers are written as numbers, so a
negative one stays a number.
"""

import csv
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is written. ``slug`` names the file variant in its address."""

    slug: str
    delimiter: str
    bom: bool
    decimal_separator: str


# RFC 4180: comma, UTF-8 without a byte order mark, "." in decimal numbers.
STANDARD = Dialect(slug="csv", delimiter=",", bom=False, decimal_separator=".")
# What Excel opens with a double click under Italian regional settings: ";" between the columns
# (the "," is the decimal separator there) and a byte order mark, without which it reads UTF-8
# as Windows-1252 and mangles the accents.
EXCEL_ITALIAN = Dialect(slug="excel", delimiter=";", bom=True, decimal_separator=",")


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value, dialect: Dialect = STANDARD) -> str:
    """One value as a CSV cell: None is an empty cell, a number is written with the dialect's
    decimal separator, any other value is text, neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("write a boolean as the text it means")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal | float):
        return str(value).replace(".", dialect.decimal_separator)
    return neutralise(str(value))


def write(header: Sequence[str], rows: Iterable[Sequence], dialect: Dialect = STANDARD) -> str:
    """The CSV text of ``header`` and ``rows`` (each a sequence of values for :func:`cell`),
    with CRLF line ends as RFC 4180 says."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow([cell(name, dialect) for name in header])
    for row in rows:
        writer.writerow([cell(value, dialect) for value in row])
    return (BOM if dialect.bom else "") + out.getvalue()
