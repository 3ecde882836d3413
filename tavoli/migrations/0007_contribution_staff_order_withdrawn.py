"""The staff's list of contributions puts those their authors withdrew with the answered ones,
after the contributions still waiting for an answer (``tavoli.models.waiting_first()``): the
index of migration 0005 is made again with that expression, which must match the list's ORDER BY
to be used. PostgreSQL only, as in 0005."""

from django.db import migrations

INDEX = "contribution_staff_order"
ANSWERED = "status IN ('accepted', 'partly_accepted', 'not_accepted')"


def _create(schema_editor, waiting_rank: str):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON tavoli_contribution ("
            f"(CASE WHEN {waiting_rank} THEN 1 ELSE 0 END), submitted_on DESC NULLS LAST, id DESC)"
        )


def forwards(apps, schema_editor):
    _create(schema_editor, f"({ANSWERED} OR moderation = 'withdrawn')")


def backwards(apps, schema_editor):
    _create(schema_editor, ANSWERED)


class Migration(migrations.Migration):
    dependencies = [("tavoli", "0006_contribution_withdrawn")]

    operations = [migrations.RunPython(forwards, backwards)]
