"""The site-wide search on PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, the text
search configuration ``patto_italian`` (Italian stems of words without accents), and on each
kind's table a ``search_document`` column kept by a trigger, with its GIN index
(``patto.search.documents``); a trigram index on the comuni's names.

The column is filled here for the rows already there. The frozen-version triggers of matrice
refuse any UPDATE of a frozen version's rows; this one changes none of their content (the
document is derived from it), so the table's own triggers are off for that one statement.

Nothing on SQLite, where the search reads the rows in Python (``patto.search.queries``)."""

from django.db import migrations

from patto.search.documents import COLUMN, CONFIG, FIELDS, document_sql, index_name

SETUP = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
CREATE INDEX search_municipality_trigrams ON zone_municipality
    USING gin (search_name gin_trgm_ops);
"""


def _kind_sql(kind: str) -> str:
    table, fields = FIELDS[kind]
    columns = ", ".join(column for column, _weight in fields)
    function = f"search_{kind}_document"
    return f"""
ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector;
CREATE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  NEW.{COLUMN} := {document_sql(kind, "NEW")};
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE OF {columns} ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
ALTER TABLE {table} DISABLE TRIGGER USER;
UPDATE {table} SET {COLUMN} = {document_sql(kind)};
ALTER TABLE {table} ENABLE TRIGGER USER;
CREATE INDEX {index_name(kind)} ON {table} USING gin ({COLUMN});
"""


def _kind_drop_sql(kind: str) -> str:
    table = FIELDS[kind][0]
    return f"""
DROP TRIGGER IF EXISTS {table}_search ON {table};
DROP FUNCTION IF EXISTS search_{kind}_document();
ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN};
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(SETUP)
    for kind in FIELDS:
        schema_editor.execute(_kind_sql(kind))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in FIELDS:
        schema_editor.execute(_kind_drop_sql(kind))
    schema_editor.execute(
        f"DROP INDEX IF EXISTS search_municipality_trigrams; "
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matrice", "0005_spreadsheet_import"),
        ("tavoli", "0004_contribution_public_signature"),
        ("incontri", "0007_calendar_sequence"),
        ("zone", "0004_counts_origin_and_imports"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
