"""The change history of an item, as the staff area shows it: who, when, and each field that
changed (related items named, many-to-many changes as added/removed), from the records
django-simple-history keeps. A fixed number of queries whatever the length of the history."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from patto.core.staff_forms import display_value

HISTORY_LIMIT = 50
NOT_SHOWN = {"revision", "updated_at", "created_at", "uid", "id", "key", "search_name"}
LONG_TEXT = 120


@dataclass
class Change:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted
    summary: str
    changes: list[Change] = field(default_factory=list)


def _m2m_rows(history_model, m2m_fields, records) -> dict:
    """The many-to-many rows of each historical record, by (field name, history id) → set of
    related ids. One query per many-to-many field."""
    ids = [r.history_id for r in records]
    rows = {}
    for m2m_field in m2m_fields:
        row_model = history_model.__dict__[m2m_field.name].model
        target = f"{get_m2m_reverse_field_name(m2m_field)}_id"
        for history_id, related_id in row_model.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            rows.setdefault((m2m_field.name, history_id), set()).add(related_id)
    return rows


def history_of(instance) -> list[HistoryEntry]:
    """Who changed what and when in ``instance``, newest first: one entry per historical
    record, each with the fields that differ from the record before (``diff_against``),
    related items named. A fixed number of queries whatever the length of the history."""
    model = type(instance)
    history_model = instance.history.model
    tracked = {f.name for f in getattr(history_model, "_history_m2m_fields", [])}
    m2m_fields = [f for f in model._meta.many_to_many if f.name in tracked]
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    # the record before the oldest shown is fetched too, so that every entry shown has a diff
    shown, before = records[:HISTORY_LIMIT], records[HISTORY_LIMIT:]
    pairs = list(zip(shown, [*shown[1:], *before, None][: len(shown)], strict=True))
    m2m_rows = _m2m_rows(history_model, m2m_fields, records)

    # name the related items in one query per related model
    wanted: dict = {}
    deltas = []
    for new, old in pairs:
        delta = None
        m2m = []
        if old is not None and new.history_type == "~":
            delta = new.diff_against(
                old, excluded_fields=[*NOT_SHOWN, *(f.name for f in m2m_fields)]
            )
            for change in delta.changes:
                rel = model._meta.get_field(change.field)
                if rel.is_relation:
                    wanted.setdefault(rel.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
            for m2m_field in m2m_fields:
                old_ids = m2m_rows.get((m2m_field.name, old.history_id), set())
                new_ids = m2m_rows.get((m2m_field.name, new.history_id), set())
                if old_ids != new_ids:
                    m2m.append((m2m_field, old_ids, new_ids))
                    wanted.setdefault(m2m_field.related_model, set()).update(old_ids | new_ids)
        deltas.append((new, delta, m2m))
    names = {
        related: {
            pk: str(obj) for pk, obj in related._base_manager.select_related().in_bulk(ids).items()
        }
        for related, ids in wanted.items()
    }

    def name_of(related, pk):
        return names.get(related, {}).get(pk) or _("#%(pk)s (eliminato)") % {"pk": pk}

    entries = []
    for record, delta, m2m in deltas:
        changes = []
        for change in delta.changes if delta else []:
            rel = model._meta.get_field(change.field)
            label = str(rel.verbose_name)
            if rel.is_relation:
                old = name_of(rel.related_model, change.old) if change.old else "—"
                new = name_of(rel.related_model, change.new) if change.new else "—"
            else:
                old = display_value(model, change.field, change.old)
                new = display_value(model, change.field, change.new)
            changes.append(Change(label, old, new, long=len(old) + len(new) > LONG_TEXT))
        for m2m_field, old_ids, new_ids in m2m:
            added = sorted(name_of(m2m_field.related_model, pk) for pk in new_ids - old_ids)
            removed = sorted(name_of(m2m_field.related_model, pk) for pk in old_ids - new_ids)
            changes.append(
                Change(
                    str(m2m_field.verbose_name),
                    _("tolti: %(list)s") % {"list": "; ".join(removed)} if removed else "—",
                    _("aggiunti: %(list)s") % {"list": "; ".join(added)} if added else "—",
                )
            )
        if record.history_type == "+":
            summary = _("Creato")
        elif record.history_type == "-":
            summary = _("Eliminato")
        elif changes:
            summary = _("Modificato")
        else:
            summary = _("Salvato senza modifiche visibili")
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, record.history_type, summary, changes
            )
        )
    return entries
