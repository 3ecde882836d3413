from django.db import migrations

REDAZIONE_GROUP = "Redazione"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=REDAZIONE_GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REDAZIONE_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patto", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
