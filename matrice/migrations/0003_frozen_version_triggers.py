from django.db import migrations

from matrice import db_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("matrice", "0002_initial"),
        ("patto", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(db_triggers.install, db_triggers.uninstall),
    ]
