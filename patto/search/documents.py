"""What is searched of each kind, and how much it counts: the fields of its document, each with
a weight (A: the title; B: the text; C: the rest). On PostgreSQL a document is
``to_tsvector('patto_italian', …)`` of those fields: the Italian Snowball stemmer after
``unaccent``, so «famiglia» finds «famiglie» and «disabilità» finds «disabilita». Each has a GIN
index on exactly that expression (migration ``search.0001``), which the database keeps up to
date as rows are written: nothing is stored in the rows, so a frozen version's rows, which the
database refuses to write, need nothing.

A query finds its rows through the index only while its expression is the index's: both are
built by :func:`vector` from ``FIELDS``, and changing a kind's fields needs a migration that
builds its index again (``tests/patto/test_search_postgres.py`` checks that the plans use them)."""

from django.contrib.postgres.search import SearchVector

CONFIG = "patto_italian"

# kind -> (app label, model name, ((field, weight), …))
FIELDS = {
    "action": (
        "matrice",
        "Action",
        (
            ("title", "A"),
            ("description", "B"),
            ("lead_body", "C"),
            ("partners", "C"),
            ("indicators", "C"),
        ),
    ),
    "policy": ("matrice", "Policy", (("title", "A"), ("description", "B"))),
    "area": ("matrice", "ActionArea", (("title", "A"), ("description", "B"))),
    "contribution": (
        "tavoli",
        "Contribution",
        (("title", "A"), ("text", "B"), ("response", "B"), ("body_name", "C")),
    ),
    "meeting": (
        "incontri",
        "Meeting",
        (
            ("title", "A"),
            ("agenda", "B"),
            ("minutes", "B"),
            ("venue", "C"),
            ("address", "C"),
        ),
    ),
    "table": ("tavoli", "ThematicTable", (("title", "A"), ("description", "B"))),
    "body": ("tavoli", "Body", (("name", "A"),)),
    "zone": ("zone", "Zone", (("name", "A"), ("full_name", "B"))),
}


def vector(kind: str):
    """The document of ``kind``, as the index and the queries spell it."""
    vectors = [SearchVector(name, weight=weight, config=CONFIG) for name, weight in FIELDS[kind][2]]
    document = vectors[0]
    for other in vectors[1:]:
        document = document + other
    return document


def index_name(kind: str) -> str:
    return f"search_{kind}_document"
