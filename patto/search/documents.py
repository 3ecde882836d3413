"""What is searched of each kind, and how much it counts: the fields of its document, each with
a weight (A: the title; B: the text; C: the rest).

On PostgreSQL each kind's table has a column ``search_document``, the ``tsvector`` of those
fields in the configuration ``patto_italian`` (the Italian Snowball stemmer after ``unaccent``,
so «famiglia» finds «famiglie» and «disabilità» finds «disabilita»), with a GIN index. The
models do not know the column: a trigger of the database computes it whenever a row is inserted
or one of those fields changes (migration ``search.0001``, which also filled it for the rows
already there). A frozen version's rows are never written again, so theirs never changes, as
their content does not. Ranking reads the stored document: computing it again for each row
found would cost seconds at the regional scale (20,000 actions)."""

from django.contrib.postgres.search import SearchVectorField
from django.db.models.expressions import RawSQL

CONFIG = "patto_italian"
COLUMN = "search_document"

# kind -> (table, ((field's column, weight), …))
FIELDS = {
    "action": (
        "matrice_action",
        (
            ("title", "A"),
            ("description", "B"),
            ("lead_body", "C"),
            ("partners", "C"),
            ("indicators", "C"),
        ),
    ),
    "policy": ("matrice_policy", (("title", "A"), ("description", "B"))),
    "area": ("matrice_actionarea", (("title", "A"), ("description", "B"))),
    "contribution": (
        "tavoli_contribution",
        (("title", "A"), ("text", "B"), ("response", "B"), ("body_name", "C")),
    ),
    "meeting": (
        "incontri_meeting",
        (
            ("title", "A"),
            ("agenda", "B"),
            ("minutes", "B"),
            ("venue", "C"),
            ("address", "C"),
        ),
    ),
    "table": ("tavoli_thematictable", (("title", "A"), ("description", "B"))),
    "body": ("tavoli_body", (("name", "A"),)),
    "zone": ("zone_zone", (("name", "A"), ("full_name", "B"))),
}


def document_sql(kind: str, row: str = "") -> str:
    """The SQL of ``kind``'s document, of the row ``row`` (``NEW`` in a trigger) or of the
    table's columns."""
    prefix = f"{row}." if row else ""
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}', coalesce({prefix}{column}::text, '')), '{weight}')"
        for column, weight in FIELDS[kind][1]
    )


def document(kind: str) -> RawSQL:
    """The stored document of ``kind``'s rows, for a queryset of its model."""
    table = FIELDS[kind][0]
    return RawSQL(f'"{table}"."{COLUMN}"', [], output_field=SearchVectorField())


def index_name(kind: str) -> str:
    return f"search_{kind}_document"
