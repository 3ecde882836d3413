"""The site-wide search on PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, the text
search configuration ``patto_italian`` (Italian stems of words without accents), a GIN index on
each kind's document (``patto.search.documents``) and a trigram index on the comuni's names.

Nothing on SQLite, where the search reads the rows in Python (``patto.search.queries``). The
indexes are on expressions, computed by the database as rows are written: no column is added,
so no frozen version's row is ever written."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from patto.search.documents import CONFIG, FIELDS, index_name, vector

SETUP = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
"""
MUNICIPALITY_TRIGRAMS = "search_municipality_trigrams"


def _indexes(apps):
    for kind, (app_label, model_name, _fields) in FIELDS.items():
        model = apps.get_model(app_label, model_name)
        yield model, GinIndex(vector(kind), name=index_name(kind))
    yield (
        apps.get_model("zone", "Municipality"),
        GinIndex(fields=["search_name"], name=MUNICIPALITY_TRIGRAMS, opclasses=["gin_trgm_ops"]),
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(SETUP)
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};")


class Migration(migrations.Migration):
    dependencies = [
        ("matrice", "0005_spreadsheet_import"),
        ("tavoli", "0004_contribution_public_signature"),
        ("incontri", "0007_calendar_sequence"),
        ("zone", "0004_counts_origin_and_imports"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
