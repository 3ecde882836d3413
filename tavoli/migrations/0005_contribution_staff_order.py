"""The staff's list of contributions (``tavoli.staff_views.staff_contributions``: waiting for an
answer first, then newest) reads its page from this index instead of joining and sorting every
contribution: 45 → 6 ms for the first page of 5,500 at scale 10.

PostgreSQL only: SQLite cannot put ``NULLS LAST`` in an index (nor does it need this one), so the
index is created here rather than declared in ``Contribution.Meta``. Its expression is the SQL of
``tavoli.models.waiting_first()`` and the list's ORDER BY, which it must match to be used."""

from django.db import migrations

INDEX = "contribution_staff_order"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON tavoli_contribution ("
            "(CASE WHEN status IN ('accepted', 'partly_accepted', 'not_accepted') "
            "THEN 1 ELSE 0 END), submitted_on DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tavoli", "0004_contribution_public_signature")]

    operations = [migrations.RunPython(create, drop)]
