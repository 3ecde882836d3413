"""The first history record of an action copied into a new version now holds its links (tools,
targets, zones, tables), as ``copy_content`` writes them. Records of copies made before held
none, so the first edit of such an action looked as if it had set every tool and target, and
a conflict on it named tools and targets nobody had touched. This gives them the links of the
action they were copied from (same key, in the version the draft was copied from: frozen, so
its links are those copied). Going back leaves them."""

from django.db import migrations

RELATIONS = [
    # (field, column of the link, catalogue of the version or None)
    ("tools", "tool_id", "Tool"),
    ("targets", "target_id", "Target"),
    ("zones", "zone_id", None),
    ("tables", "thematictable_id", None),
]


def fill_in(apps, schema_editor):
    action = apps.get_model("matrice", "Action")
    record = apps.get_model("matrice", "HistoricalAction")._meta.db_table
    version = apps.get_model("patto", "PlanVersion")._meta.db_table
    actions = action._meta.db_table
    for name, column, catalogue in RELATIONS:
        through = action._meta.get_field(name).remote_field.through._meta.db_table
        historical = apps.get_model("matrice", f"HistoricalAction_{name}")._meta.db_table
        entry, joins = f"link.{column}", ""
        if catalogue is not None:
            table = apps.get_model("matrice", catalogue)._meta.db_table
            entry = "new_entry.id"
            joins = (
                f"JOIN {table} old_entry ON old_entry.id = link.{column} "
                f"JOIN {table} new_entry ON new_entry.version_id = h.version_id "
                "AND new_entry.key = old_entry.key "
            )
        schema_editor.execute(
            f"INSERT INTO {historical} (id, history_id, action_id, {column}) "
            f"SELECT link.id, h.history_id, h.id, {entry} FROM {record} h "
            f"JOIN {version} v ON v.id = h.version_id "
            f"JOIN {actions} source ON source.version_id = v.based_on_id AND source.key = h.key "
            f"JOIN {through} link ON link.action_id = source.id "
            f"{joins}"
            "WHERE h.history_type = '+' AND h.history_change_reason LIKE %s "
            f"AND NOT EXISTS (SELECT 1 FROM {historical} known "
            "WHERE known.history_id = h.history_id)",
            ["copia dalla versione %"],  # the reason ``copy_content`` gives a copy
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matrice", "0006_link_triggers_per_statement"),
        ("patto", "0014_programme_monitoring_note"),
    ]

    operations = [migrations.RunPython(fill_in, migrations.RunPython.noop)]
