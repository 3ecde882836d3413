"""The open-data files, all of them the same way (patto.core.opendata): the columns /dati-aperti/
documents are the headers the CSV files have and the keys of the JSON records; each CSV variant
reads back with the csv module (the standard one as RFC 4180 says, the one for Excel as Excel
with Italian settings reads it: ``;`` and a byte order mark); the same conventions for empty
values, numbers and dates in every file; formula-like text neutralised; the licence in every
file; bad addresses answered 400 or 404 with an Italian page."""

import csv
import datetime
import decimal
import html
import io
import json
import re

import pytest
from django.urls import reverse

from incontri.opendata import MEETINGS
from matrice.opendata import ACTIONS
from patto.core.opendata import DECIMAL, LICENCE, LICENCE_URL
from patto.models import VersionStatus
from tavoli.models import Moderation
from tavoli.opendata import CONTRIBUTIONS
from tests.factories import ContributionFactory, MeetingFactory, UserFactory, ZoneFactory
from tests.people import ROLES, login_as
from tests.versions import build_version

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
FORMATS = ["csv", "excel", "json"]
FORMULA = {"actions": "=SOMMA(A1:A9)", "contributions": "@contributo", "meetings": "+39 incontro"}
DATASETS = {"actions": ACTIONS, "contributions": CONTRIBUTIONS, "meetings": MEETINGS}


def url(name: str, format: str) -> str:
    return {
        "actions": lambda: reverse(f"matrice:actions_{format}", args=["piano", 1]),
        "contributions": lambda: reverse(f"tavoli:opendata_{format}", args=["piano"]),
        "meetings": lambda: reverse(f"incontri:opendata_{format}"),
    }[name]()


@pytest.fixture
def files(db):
    """A published version with an action that has every value and one with none, a meeting
    and a contribution; the first of each has a title that starts like a formula."""
    zone = ZoneFactory(number=7)

    def link(i, action, content):
        if i == 0:
            action.zones.add(zone)
            action.tools.add(content.tools[0], content.tools[1])

    content = build_version(
        slug="piano",
        actions=2,
        action=lambda i, code: (
            {
                "title": FORMULA["actions"],
                "budget": decimal.Decimal("1250.50"),
                "lead_body": "Città Metropolitana di Torino",
                "start_date": datetime.date(2018, 1, 1),
            }
            if i == 0
            else {"title": "Azione senza dati", "description": ""}
        ),
        link=link,
        status=VersionStatus.PUBLISHED,
    )
    programme = content.programme
    MeetingFactory(programme=programme, title=FORMULA["meetings"], attendance=12)
    MeetingFactory(programme=programme, title="Incontro da confermare", date=None)
    ContributionFactory(programme=programme, title=FORMULA["contributions"])
    return content


def read_csv(response, format: str) -> list[list[str]]:
    raw = response.content
    if format == "excel":
        assert raw.startswith(BOM)
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert not raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def read_json(response) -> dict:
    return json.loads(response.content.decode("utf-8"))


def documented_columns(client, dataset) -> list[str]:
    page = client.get(reverse("patto:open_data")).content.decode()
    section = re.search(rf'<details [^>]*id="{dataset.anchor}">(.*?)</details>', page, re.S)
    assert section, dataset.anchor
    cells = re.findall(r'<th scope="row"><code>(.+?)</code></th>', section.group(1))
    return [cell.replace("<wbr>", "") for cell in cells]


@pytest.mark.parametrize("name", DATASETS)
def test_the_page_documents_exactly_the_columns_each_file_has(client, files, name):
    dataset = DATASETS[name]
    documented = documented_columns(client, dataset)
    assert documented == dataset.names
    for format in ("csv", "excel"):
        header = read_csv(client.get(url(name, format)), format)[0]
        assert header == documented, (name, format)
    records = read_json(client.get(url(name, "json")))[dataset.records_key]
    assert records
    assert all(list(record) == documented for record in records)


def test_every_column_says_its_meaning_type_and_what_empty_means():
    for dataset in DATASETS.values():
        assert len(set(dataset.names)) == len(dataset.names)
        for column in dataset.columns:
            assert str(column.meaning) and str(column.type.label), column.name
            assert column.empty is None or str(column.empty), column.name


@pytest.mark.parametrize("name", DATASETS)
def test_both_csv_variants_read_back_with_the_same_rows(client, files, name):
    dataset = DATASETS[name]
    standard = read_csv(client.get(url(name, "csv")), "csv")
    excel = read_csv(client.get(url(name, "excel")), "excel")
    records = read_json(client.get(url(name, "json")))[dataset.records_key]
    assert len(standard) == len(excel) == len(records) + 1
    for row, excel_row in zip(standard[1:], excel[1:], strict=True):
        for column, cell, excel_cell in zip(dataset.columns, row, excel_row, strict=True):
            if column.type is DECIMAL:
                assert excel_cell == cell.replace(".", ","), column.name
            else:
                assert excel_cell == cell, column.name


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("format", FORMATS)
def test_each_file_is_an_attachment_with_its_licence(client, files, name, format):
    response = client.get(url(name, format))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    if format == "excel":
        assert response["Content-Disposition"].endswith('-excel.csv"')
    link = response["Link"]
    assert f'<{LICENCE_URL}>; rel="license"' in link
    documentation = f"http://testserver/dati-aperti/#{DATASETS[name].anchor}"
    assert f'<{documentation}>; rel="describedby"' in link
    if format == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = read_json(response)
        assert (data["licence"], data["licence_url"]) == (LICENCE, LICENCE_URL)
        assert data["documentation"] == documentation
        assert data["count"] == len(data[DATASETS[name].records_key])
        assert datetime.datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    else:
        assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("name", DATASETS)
def test_text_that_starts_like_a_formula_is_neutralised_in_every_csv(client, files, name):
    dataset = DATASETS[name]
    title = dataset.names.index("title")
    for format in ("csv", "excel"):
        titles = [row[title] for row in read_csv(client.get(url(name, format)), format)[1:]]
        assert "'" + FORMULA[name] in titles, format
        assert FORMULA[name] not in titles, format
    records = read_json(client.get(url(name, "json")))[dataset.records_key]
    assert FORMULA[name] in [r["title"] for r in records]  # JSON keeps the text as it is


def test_empty_values_numbers_and_dates_follow_one_convention(client, files):
    def rows(format):
        header, *body = read_csv(client.get(url("actions", format)), format)
        return [dict(zip(header, row, strict=True)) for row in body]

    full, empty = read_json(client.get(url("actions", "json")))["actions"]
    (standard_full, standard_empty), (excel_full, _) = rows("csv"), rows("excel")
    assert full["budget_eur"] == 1250.5
    assert (standard_full["budget_eur"], excel_full["budget_eur"]) == ("1250.50", "1250,50")
    assert full["zones"] == [7] and standard_full["zones"] == "7"
    assert full["tools"] == ["Strumento 1", "Strumento 2"]
    assert standard_full["tools"] == "Strumento 1|Strumento 2"
    assert full["start_date"] == standard_full["start_date"] == "2018-01-01"
    # unknown or absent: null in JSON, an empty cell in CSV, whatever the type; no values: []
    for column in ("budget_eur", "lead_body", "start_date", "description"):
        assert empty[column] is None, column
        assert standard_empty[column] == "", column
    assert empty["zones"] == []
    assert standard_empty["zones"] == ""

    meetings = read_json(client.get(url("meetings", "json")))["meetings"]
    held = next(m for m in meetings if m["title"] == FORMULA["meetings"])
    unconfirmed = next(m for m in meetings if m["date"] is None)
    assert held["attendance"] == 12 and held["date"] == "2017-10-19"
    assert unconfirmed["attendance"] is None and unconfirmed["date_note"] is None
    contribution = read_json(client.get(url("contributions", "json")))["contributions"][0]
    assert contribution["response"] is None and contribution["led_to"] == []


def test_the_page_links_the_licence_and_both_csv_of_each_file(client, files):
    page = client.get(reverse("patto:open_data")).content.decode()
    assert f'<a rel="license" href="{LICENCE_URL}"' in page
    for name in DATASETS:
        for format in FORMATS:
            assert f'href="{url(name, format)}"' in page, (name, format)


# Bad addresses: never a 500, an Italian page saying what is wrong.


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("format", FORMATS)
def test_a_nul_character_in_the_query_string_is_a_bad_request(client, files, name, format):
    for params in ({"programma": "\x00"}, {"esito": "a\x00"}, {"\x00": "1"}):
        response = client.get(url(name, format), params)
        assert response.status_code == 400, params
        assert response["Content-Type"].startswith("text/html")
        assert "contiene un carattere non valido" in response.content.decode()


@pytest.mark.parametrize("format", FORMATS)
def test_unknown_programmes_and_versions_are_not_found(client, files, format):
    addresses = [
        reverse(f"tavoli:opendata_{format}", args=["nessuno"]),
        reverse(f"matrice:actions_{format}", args=["nessuno", 1]),
        reverse(f"matrice:actions_{format}", args=["piano", 2]),
        reverse(f"matrice:actions_{format}", args=["piano", 10**20]),
        reverse(f"incontri:opendata_{format}") + "?programma=nessuno",
        reverse(f"incontri:opendata_{format}") + "?programma=%3Cscript%3E",
        reverse(f"incontri:opendata_{format}") + "?programma=" + "x" * 5000,
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 404, address
        assert "Pagina non trovata" in response.content.decode()


@pytest.mark.parametrize("format", FORMATS)
def test_a_drafts_actions_are_not_found(client, db, format):
    build_version(slug="bozza")
    assert client.get(reverse(f"matrice:actions_{format}", args=["bozza", 1])).status_code == 404


@pytest.mark.parametrize("format", FORMATS)
def test_an_invalid_filter_of_the_contributions_is_a_bad_request(client, files, format):
    for params in ({"esito": "maybe"}, {"tavolo": "nessuno"}, {"tipo": ["a", "b"]}):
        response = client.get(url("contributions", format), params)
        assert response.status_code == 400, params
        body = html.unescape(response.content.decode())
        assert "File non disponibile" in body and "I filtri nell'indirizzo" in body


@pytest.mark.parametrize("format", FORMATS)
def test_garbage_the_files_do_not_read_is_ignored(client, files, format):
    for name in DATASETS:
        response = client.get(url(name, format), {"formato": "xls", "page": "-1", "q[]": "x"})
        assert response.status_code == 200, name


# Who may download what: the same public files for everyone.

DOWNLOADS = [(name, format) for name in DATASETS for format in FORMATS]


@pytest.mark.parametrize("role", [*ROLES, "author"])
def test_every_role_gets_the_same_public_files_and_nobody_a_draft(client, files, role):
    """anonymous, registered, spokesperson, staff, and the author of a contribution waiting for
    moderation: every file answers 200 with what is public only (the pending contribution
    is not there, not even for its author); a draft's actions are a 404 for all, staff
    included."""
    author = UserFactory()
    ContributionFactory(
        programme=files.programme,
        title="In attesa di moderazione",
        author=author,
        moderation=Moderation.PENDING,
    )
    build_version(files.programme, number=2, actions=["9.9.9"])  # a draft
    login_as(client, role, author=author)
    for name, format in DOWNLOADS:
        response = client.get(url(name, format))
        assert response.status_code == 200, (role, name, format)
        assert "In attesa di moderazione" not in response.content.decode("utf-8-sig")
    for format in FORMATS:
        draft = reverse(f"matrice:actions_{format}", args=["piano", 2])
        assert client.get(draft).status_code == 404, (role, format)
