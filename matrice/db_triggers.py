"""Database triggers that refuse any change to the content of a frozen plan version.

The models already refuse it (``VersionContent.save``/``delete`` and the queryset methods); the
triggers make the rule hold for every other path to the database too: raw SQL, a bulk
``QuerySet.update`` written elsewhere, a fix made in a database shell. A refused write raises
``IntegrityError`` on both PostgreSQL and SQLite.

Installed by migration ``matrice.0003_frozen_version_triggers``; on PostgreSQL the content's
rows are checked one by one before they are written, the links of an action once per statement
after it, over the rows it touched (``matrice.0006``: a new version copies thousands of links in
one statement). SQLite rebuilds a table to alter
it, which drops or breaks the triggers: a migration that alters one of these tables must call
``uninstall`` first and ``install`` last (see ``matrice.0004_history_and_revisions``).
"""

CONTENT_TABLES = [
    "matrice_tool",
    "matrice_target",
    "matrice_policy",
    "matrice_actionarea",
    "matrice_action",
]
# many-to-many tables of an action: (table, column pointing to the action)
ACTION_LINK_TABLES = [
    ("matrice_action_tools", "action_id"),
    ("matrice_action_targets", "action_id"),
    ("matrice_action_zones", "action_id"),
    ("matrice_action_tables", "action_id"),
]
MESSAGE = "frozen plan version: its content cannot change"
# PostgreSQL checks the links of a statement all at once: per event, the rows it reads
LINK_TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_links",
    "UPDATE": "OLD TABLE AS old_links NEW TABLE AS new_links",
    "DELETE": "OLD TABLE AS old_links",
}

POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION patto_refuse_frozen_content() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
      SELECT 1 FROM patto_planversion WHERE id = OLD.version_id AND status <> 'draft') THEN
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_TABLE_NAME, ERRCODE = '23000';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
      SELECT 1 FROM patto_planversion WHERE id = NEW.version_id AND status <> 'draft') THEN
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_TABLE_NAME, ERRCODE = '23000';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION patto_refuse_frozen_action_links() RETURNS trigger AS $$
BEGIN
  -- one check per statement, over the links it touched (its transition tables): a new
  -- version's thousands of links are one join here, not one lookup each
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF EXISTS (
        SELECT 1 FROM old_links l JOIN matrice_action a ON a.id = l.action_id
        JOIN patto_planversion v ON v.id = a.version_id WHERE v.status <> 'draft') THEN
      RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_TABLE_NAME, ERRCODE = '23000';
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF EXISTS (
        SELECT 1 FROM new_links l JOIN matrice_action a ON a.id = l.action_id
        JOIN patto_planversion v ON v.id = a.version_id WHERE v.status <> 'draft') THEN
      RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_TABLE_NAME, ERRCODE = '23000';
    END IF;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION patto_refuse_unfreezing() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
    RAISE EXCEPTION 'a frozen plan version cannot become a draft again' USING ERRCODE = '23000';
  END IF;
  IF OLD.status <> 'draft' AND NEW.fingerprint IS DISTINCT FROM OLD.fingerprint THEN
    RAISE EXCEPTION 'the fingerprint of a frozen plan version cannot change'
      USING ERRCODE = '23000';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def _postgres_statements():
    yield POSTGRES_FUNCTIONS
    for table in CONTENT_TABLES:
        yield (
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION patto_refuse_frozen_content();"
        )
    # links: once per statement, after it, over its transition tables (a statement trigger
    # with transition tables takes one event)
    for table, _column in ACTION_LINK_TABLES:
        for op, tables in LINK_TRANSITION_TABLES.items():
            yield (
                f"CREATE TRIGGER {table}_frozen_{op.lower()} AFTER {op} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION patto_refuse_frozen_action_links();"
            )
    yield (
        "CREATE TRIGGER patto_planversion_unfreeze BEFORE UPDATE ON patto_planversion "
        "FOR EACH ROW EXECUTE FUNCTION patto_refuse_unfreezing();"
    )


def _postgres_drop_statements():
    for table in CONTENT_TABLES:
        yield f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};"
    for table, _column in ACTION_LINK_TABLES:
        yield f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};"  # the row triggers, until 0006
        for op in LINK_TRANSITION_TABLES:
            yield f"DROP TRIGGER IF EXISTS {table}_frozen_{op.lower()} ON {table};"
    yield "DROP TRIGGER IF EXISTS patto_planversion_unfreeze ON patto_planversion;"
    yield "DROP FUNCTION IF EXISTS patto_refuse_frozen_content();"
    yield "DROP FUNCTION IF EXISTS patto_refuse_frozen_action_link();"
    yield "DROP FUNCTION IF EXISTS patto_refuse_frozen_action_links();"
    yield "DROP FUNCTION IF EXISTS patto_refuse_unfreezing();"


def _sqlite_frozen(row_version_sql):
    return f"(SELECT status FROM patto_planversion WHERE id = {row_version_sql}) <> 'draft'"


def _sqlite_statements():
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    for table in CONTENT_TABLES:
        yield (
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
            f"WHEN {_sqlite_frozen('NEW.version_id')} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {_sqlite_frozen('OLD.version_id')} OR {_sqlite_frozen('NEW.version_id')} "
            f"{raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
            f"WHEN {_sqlite_frozen('OLD.version_id')} {raise_}"
        )
    for table, column in ACTION_LINK_TABLES:

        def via_action(ref, column=column):
            return _sqlite_frozen(
                f"(SELECT version_id FROM matrice_action WHERE id = {ref}.{column})"
            )

        yield (
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
            f"WHEN {via_action('NEW')} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {via_action('OLD')} OR {via_action('NEW')} {raise_}"
        )
        yield (
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
            f"WHEN {via_action('OLD')} {raise_}"
        )
    yield (
        "CREATE TRIGGER patto_planversion_unfreeze BEFORE UPDATE ON patto_planversion "
        "WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' "
        "OR NEW.fingerprint IS NOT OLD.fingerprint) "
        "BEGIN SELECT RAISE(ABORT, "
        "'a frozen plan version cannot be unfrozen or re-fingerprinted'); END;"
    )


def _sqlite_drop_statements():
    for table in CONTENT_TABLES + [t for t, _c in ACTION_LINK_TABLES]:
        for op in ("insert", "update", "delete"):
            yield f"DROP TRIGGER IF EXISTS {table}_frozen_{op};"
    yield "DROP TRIGGER IF EXISTS patto_planversion_unfreeze;"


def install(apps, schema_editor):
    """(Re)create every trigger; safe to run when they already exist."""
    uninstall(apps, schema_editor)
    statements = {
        "postgresql": _postgres_statements,
        "sqlite": _sqlite_statements,
    }.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(
            f"No frozen-version triggers for {schema_editor.connection.vendor}."
        )
    for sql in statements():
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    statements = {
        "postgresql": _postgres_drop_statements,
        "sqlite": _sqlite_drop_statements,
    }[schema_editor.connection.vendor]
    for sql in statements():
        schema_editor.execute(sql)
