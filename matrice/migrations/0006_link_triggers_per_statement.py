"""On PostgreSQL the links of an action (tools, targets, zones, tables) are checked against a
frozen version once per statement, over the rows the statement touched, instead of once per
row: a new version of 1,000 actions inserts some 6,500 links, and the row triggers took about
half of those INSERTs' time. The rule is the same (``matrice.db_triggers``); SQLite keeps its
row triggers. Going back leaves the statement triggers, which hold the same rule."""

from django.db import migrations

from matrice import db_triggers


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("matrice", "0005_spreadsheet_import"),
        ("patto", "0014_programme_monitoring_note"),
    ]

    operations = [migrations.RunPython(db_triggers.install, noop)]
