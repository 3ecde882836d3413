"""The portal's open data, defined once: each file (a :class:`Dataset`) is a list of
:class:`Column`\\ s with their name, meaning, type, possible values and what an empty value
means. The exporters of ``matrice``, ``tavoli`` and ``incontri`` write their CSV and JSON from
that definition, and /dati-aperti/ documents the same definition, so the page cannot list a
column a file does not have.

The same conventions in every file:

- a record is a dict with exactly the dataset's columns, in order, holding Python values:
  ``None`` or ``""`` for a value that is unknown or absent, ``int``, ``Decimal``, ``date``,
  ``datetime`` (written in the site's time zone, Europe/Rome, with its offset), ``time``
  (``HH:MM``), ``str``, or a list of them for a column with several values;
- CSV: an empty cell for an unknown or absent value, several values in one cell separated by
  ``|``, text cells that start like a formula neutralised (``patto.core.spreadsheets``), decimal
  numbers with ``.`` in the standard file and ``,`` in the file for Excel;
- JSON: ``null`` for an unknown or absent value, ``[]`` for no values, numbers as numbers;
  ``licence``, ``licence_url``, ``generated_at`` and ``documentation`` beside the records;
- the licence in the HTTP ``Link`` header of every download (``rel="license"``), with the page
  that documents the file (``rel="describedby"``).
"""

import datetime
import decimal
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Choices
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View

from patto.core import spreadsheets

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.it"
LIST_SEPARATOR = "|"  # between the values of a list in one CSV cell

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ValueType:
    label: Promise
    example: str = ""


TEXT = ValueType(_("testo"))
INTEGER = ValueType(_("numero intero"), "85")
DECIMAL = ValueType(_("numero decimale"), "150000.50")
DATE = ValueType(_("data"), "2017-10-19")
DATETIME = ValueType(_("data e ora italiana"), "2017-12-15T11:00:00+01:00")
TIME = ValueType(_("ora"), "09:30")
URL = ValueType(_("indirizzo web"), "https://…")
CODE = ValueType(_("codice"))
IDENTIFIER = ValueType(_("identificativo"))

NEVER_EMPTY = None


@dataclass(frozen=True)
class Column:
    """One column of a file (one key of each JSON record).

    ``empty`` says what an empty value means (``NEVER_EMPTY``: it always has one); ``choices``
    lists the codes it may hold with their meaning; ``values`` says in words what else to know
    about its values; ``many``: several values (a JSON list, ``|``-separated in CSV);
    ``to_cell`` turns one JSON value of the list into its CSV text."""

    name: str
    meaning: Promise
    type: ValueType
    empty: Promise | None
    choices: type[Choices] | Sequence[tuple[str, Promise]] = ()
    values: Promise | str = ""
    many: bool = False
    to_cell: Callable[[Any], str] | None = None

    @property
    def codes(self) -> list[tuple[str, str]]:
        """The codes the column may hold, with their meaning."""
        if isinstance(self.choices, type):
            return list(self.choices.choices)
        return list(self.choices)

    @property
    def name_parts(self) -> list[str]:
        """The name cut after each ``_``, where a narrow page may break it."""
        parts = self.name.split("_")
        return [part + "_" for part in parts[:-1]] + parts[-1:]


def plain(value):
    """A record's value as JSON and CSV both want it: dates as ISO 8601 text, a datetime in the
    site's time zone with its offset, a time as ``HH:MM``, ``""`` as None."""
    if value == "":
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return value


def _json_value(value):
    value = plain(value)
    if isinstance(value, decimal.Decimal):
        # at most 15 significant digits (the models' max_digits): the float prints them exactly
        return float(value)
    return value


@dataclass(frozen=True)
class Dataset:
    """A kind of file: ``slug`` is its anchor on /dati-aperti/ (``colonne-<slug>``),
    ``records_key`` the JSON key of its records."""

    slug: str
    title: Promise
    records_key: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def anchor(self) -> str:
        return f"colonne-{self.slug}"

    def _checked(self, record: dict) -> dict:
        if list(record) != self.names:
            raise ValueError(f"{self.slug}: record keys {list(record)} are not {self.names}")
        return record

    def json_record(self, record: dict) -> dict:
        self._checked(record)
        return {
            column.name: (
                [_json_value(v) for v in record[column.name] or ()]
                if column.many
                else _json_value(record[column.name])
            )
            for column in self.columns
        }

    def csv_row(self, record: dict) -> list:
        self._checked(record)
        row = []
        for column in self.columns:
            value = record[column.name]
            if column.many:
                to_cell = column.to_cell or (lambda v: str(plain(v)))
                value = LIST_SEPARATOR.join(to_cell(v) for v in value or ())
            row.append(plain(value))
        return row

    def csv(self, records: Iterable[dict], dialect=spreadsheets.STANDARD) -> str:
        return spreadsheets.write(self.names, (self.csv_row(r) for r in records), dialect)

    def json_document(self, records: Iterable[dict], *, documentation: str, **metadata) -> dict:
        rows = [self.json_record(r) for r in records]
        return {
            **metadata,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "documentation": documentation,
            "count": len(rows),
            self.records_key: rows,
        }


# Downloads ------------------------------------------------------------------------------------

FORMATS = {
    "csv": spreadsheets.STANDARD,
    "excel": spreadsheets.EXCEL_ITALIAN,
    "json": None,
}


def file_name(stem: str, format: str) -> str:
    """``azioni.csv``, ``azioni-excel.csv`` or ``azioni.json`` for the stem ``azioni``."""
    if format == "json":
        return f"{stem}.json"
    dialect = FORMATS[format]
    return f"{stem}.csv" if dialect is spreadsheets.STANDARD else f"{stem}-{dialect.slug}.csv"


def paths(route: str, view, name: str) -> list:
    """The three addresses of a file: ``<route>.csv``, ``<route>-excel.csv`` and
    ``<route>.json``, named ``<name>_csv``, ``<name>_excel`` and ``<name>_json``; ``view`` (a
    class-based view) gets the format as its ``format`` attribute."""
    return [
        path(file_name(route, format), view.as_view(format=format), name=f"{name}_{format}")
        for format in FORMATS
    ]


def documentation_url(request, dataset: Dataset) -> str:
    return request.build_absolute_uri(reverse("patto:open_data") + "#" + dataset.anchor)


def download(
    request, dataset: Dataset, records: Iterable[dict], *, format: str, stem: str, **metadata
) -> HttpResponse:
    """The file of ``records`` in ``format`` (``csv``, ``excel`` or ``json``) as an attachment
    named after ``stem``; ``metadata`` goes into the JSON beside the records."""
    documentation = documentation_url(request, dataset)
    if format == "json":
        document = dataset.json_document(records, documentation=documentation, **metadata)
        content = json.dumps(document, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type=JSON_TYPE)
    else:
        response = HttpResponse(dataset.csv(records, FORMATS[format]), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name(stem, format))
    response["Link"] = f'<{LICENCE_URL}>; rel="license", <{documentation}>; rel="describedby"'
    return response


class DownloadView(View):
    """The base of every open-data download: ``format`` (``csv``, ``excel`` or ``json``) comes
    from :func:`paths`. (An address with a NUL character never gets here: the request guard,
    ``patto.core.guards``, answers it 400 first.)"""

    format = "csv"


def bad_request(request, message) -> HttpResponse:
    """The page that says, in Italian, why a download's address cannot give a file."""
    return render(request, "patto/open_data_bad_request.html", {"message": message}, status=400)
