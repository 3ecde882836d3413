"""The action list's free-text search (``matrice.search``): Italian stems («famiglia» finds
«famiglie»), no accents («disabilità» finds «disabilita»), the names of an action's targets,
tools, policy and action area searched too; bad input answered with a note, never an error; the
same number of queries whatever the size of the plan, and fast at 1,000 actions."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matrice import search
from patto.models import VersionStatus
from tests.versions import build_version

pytestmark = pytest.mark.django_db

TEXTS = [
    # title, description, (tool), (target)
    ("Centri per le famiglie", "Consulenza educativa ai genitori.", 0, 0),
    ("Sportelli per la disabilita", "Accesso unico ai servizi.", 1, 1),
    ("Abitare in autonomia", "Percorsi per persone con _disabilità_ grave.", 1, 1),
    ("Lavoro e inclusione", "Tirocini per giovani.", 0, 1),
]


def plan(actions=TEXTS, padding=0):
    """A published version of policy 1 «Inclusione sociale» (area 1.1 «Sostegno al reddito»)
    and policy 2 «Diritto all'abitazione» (area 2.1 «Casa e territorio»), tools «Voucher» and
    «Sportelli di prossimità», targets «Nuclei monoparentali» and «Anziani soli», with
    ``actions`` (title, description, tool, target), then ``padding`` more actions «Azione di
    servizio» to make the plan bigger."""
    rows = [*actions, *[("Azione di servizio", "Testo di servizio.", 0, 0)] * padding]

    def link(i, action, content):
        action.tools.add(content.tools[rows[i][2]])
        action.targets.add(content.targets[rows[i][3]])

    return build_version(
        policies=2,
        policy=lambda i, code: {"title": ["Inclusione sociale", "Diritto all'abitazione"][i]},
        area=lambda i, code: {"title": ["Sostegno al reddito", "Casa e territorio"][i]},
        actions=len(rows),
        action=lambda i, code: {"title": rows[i][0], "description": rows[i][1]},
        tools=["Voucher", "Sportelli di prossimità"],
        targets=["Nuclei monoparentali", "Anziani soli"],
        link=link,
        status=VersionStatus.PUBLISHED,
    ).version


def actions_url(version, query=""):
    url = reverse("matrice:actions", args=[version.programme.slug, version.number])
    return f"{url}?{query}" if query else url


def found(client, version, text) -> list[str]:
    """The titles of the actions the list shows for a search of ``text``, in order."""
    response = client.get(actions_url(version), {"q": text})
    assert response.status_code == 200
    return [action.title for action in response.context["actions"]]


@pytest.fixture
def version():
    return plan()


CENTRI, ABITARE, SPORTELLI, LAVORO = (
    "Centri per le famiglie",
    "Abitare in autonomia",
    "Sportelli per la disabilita",
    "Lavoro e inclusione",
)


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        # a stem finds the other forms of a word
        ("famiglia", [CENTRI]),
        ("Genitore", [CENTRI]),
        # accents make no difference, either way
        ("disabilità", [ABITARE, SPORTELLI]),
        ("DISABILITA", [ABITARE, SPORTELLI]),
        # the beginning of a word, or of its stem
        ("tiroc", [LAVORO]),
        ("anziano", [ABITARE, SPORTELLI, LAVORO]),
        # every word must be found, in any field
        ("disabilita grave", [ABITARE]),
        ("famiglie lavoro", []),
        # the names of the targets, tools, policy and action area
        ("monoparentale", [CENTRI]),
        ("anziano solo", [ABITARE, SPORTELLI, LAVORO]),
        ("prossimita", [ABITARE, SPORTELLI]),
        ("diritti", [SPORTELLI, LAVORO]),
        ("territorio", [SPORTELLI, LAVORO]),
        ("reddito inclusione", [CENTRI, ABITARE]),
        # an action's code finds it, and only it
        ("1.1.2", [ABITARE]),
        # words that say nothing are left out, unless there is nothing else
        ("le famiglie", [CENTRI]),
        ("per", [CENTRI, ABITARE, SPORTELLI, LAVORO]),
    ],
)
def test_the_search_finds(client, version, text, titles):
    assert found(client, version, text) == titles


def test_only_punctuation_is_no_search_and_says_so(client, version):
    response = client.get(actions_url(version), {"q": "?!… -- «»"})
    assert response.status_code == 200
    assert len(response.context["actions"]) == len(TEXTS)
    assert "La ricerca non contiene parole" in response.content.decode()


def test_control_characters_are_left_out_and_said_so(client, version):
    response = client.get(actions_url(version), {"q": "fami\x01glie\x07"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "caratteri non validi" in page
    assert "\x01" not in page and 'value="fami glie "' in page  # shown without them
    # the characters separate words: «fami» and «glie», both found nowhere together
    assert [a.title for a in response.context["actions"]] == []
    assert found(client, version, "famiglie\x07") == [CENTRI]
    # NUL, which PostgreSQL cannot hold, is refused before the search (patto.core.guards)
    assert client.get(actions_url(version), {"q": "famiglie\x00"}).status_code == 400


def test_a_query_of_two_thousand_words_uses_the_first_ten(client, version):
    words = " ".join(f"parola{n}" for n in range(2000))
    response = client.get(actions_url(version), {"q": "famiglie " + words})
    assert response.status_code == 200
    assert "la ricerca usa solo le prime 10" in response.content.decode()
    assert 'maxlength="500"' in response.content.decode()  # what a browser lets one type
    assert list(response.context["actions"]) == []  # «parola0»… are found nowhere


def test_a_search_of_a_frozen_version_writes_nothing(client, version):
    """The index is computed and kept in the cache, not stored in the version's rows."""
    with CaptureQueriesContext(connection) as queries:
        assert found(client, version, "famiglia") == [CENTRI]
    writes = ("INSERT", "UPDATE", "DELETE")
    assert [q["sql"] for q in queries if q["sql"].lstrip("( ").upper().startswith(writes)] == []


def test_the_search_combines_with_the_other_filters(client, version):
    response = client.get(actions_url(version), {"q": "disabilita", "politica": "2"})
    assert [a.title for a in response.context["actions"]] == [SPORTELLI]


@pytest.mark.parametrize("size", [4, 40])
def test_query_counts_do_not_grow_with_the_plan(client, django_assert_num_queries, size):
    version = plan(padding=size - len(TEXTS))
    # the page's twelve (as with any filter: see test_pages), and the first time a version is
    # searched, its index: the actions with their area and policy, the names of their tools
    # and targets (kept, as the version is frozen)
    with django_assert_num_queries(12 + 2):
        assert found(client, version, "famiglia") == [CENTRI]
    # then five fewer: the menu (kept by the process: patto.cache.kept) and the filters' four
    # lists of the version's own items (kept for good, as the version is frozen)
    with django_assert_num_queries(12 - 5):
        assert found(client, version, "disabilita grave") == [ABITARE]


@pytest.mark.parametrize("padding", [0, 100])
def test_the_actions_a_search_finds_go_to_the_database_as_one_value(client, padding):
    """A broad word finds hundreds of actions in a large plan. The page's queries carry their
    pks as one array (``patto.core.lookups.OneOf``), not a placeholder each, which cost some
    6 ms of the worker's CPU per query at 1,000 actions: no query has more parameters than the
    page of 25 actions shown needs (their pks, for their tools, targets and zones), however
    many were found."""
    version = plan(padding=padding)
    found(client, version, "famiglia")  # the index is read once, then kept
    sent = []

    def count_parameters(execute, sql, params, many, context):
        sent.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_parameters):
        response = client.get(actions_url(version), {"q": "servizi"})
    # «Accesso unico ai servizi», and «Testo di servizio.» of every action added
    assert response.context["paginator"].count == 1 + padding
    assert max(sent) <= 3 * 25 + 8, sent


def test_searching_a_thousand_actions_is_quick():
    """The index of 1,000 actions with descriptions of a paragraph, built and searched without a
    database (the two queries that read it are measured by the benchmark)."""
    text = (
        "Rafforzare la rete dei servizi socio-assistenziali del territorio, in collaborazione "
        "con gli enti gestori, le ASL e il terzo settore, per garantire a ogni persona un "
        "accesso equo e tempestivo agli interventi di sostegno, con attenzione alle famiglie "
        "fragili, ai giovani e alle persone anziane sole. Intervento numero {n}."
    )
    started = time.perf_counter()
    index = [
        (n, *search.index_entry(f"1.1.{n}", (f"Azione {n}", text.format(n=n), "Anziani soli")))
        for n in range(1000)
    ]
    built = time.perf_counter() - started
    started = time.perf_counter()
    query = search.parse("famiglia anziano giovani sole 517")
    matches = [pk for pk, *row in index if all(term.matches(*row) for term in query.terms)]
    searched = time.perf_counter() - started
    assert matches == [517]
    assert built < 2.0, built  # about a tenth of that on an idle machine
    assert searched < 0.1, searched


def test_a_long_query_is_cut_quickly():
    started = time.perf_counter()
    query = search.parse(" ".join(f"parola{n}" for n in range(2000)))
    assert time.perf_counter() - started < 0.1
    assert [term.word for term in query.terms] == [f"parola{n}" for n in range(search.MAX_TERMS)]
    assert query.notes == ["Hai scritto molte parole: la ricerca usa solo le prime 10."]
