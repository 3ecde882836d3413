"""The change history of an item, as the staff area shows it, the same for every kind of item:
who changed it, when, at which revision and why, and each field that changed (related items
named, many-to-many changes as added/removed), from the records django-simple-history keeps.
An item copied from another (a plan item from the version before) ends with its copy, and a
first record that is a change is compared with the item it was copied from. Shown by
``redazione/includes/history.html``. A fixed number of queries whatever the length of the
history."""

import datetime
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record
from simple_history.utils import get_m2m_reverse_field_name

from patto.core.staff_forms import display_value

HISTORY_LIMIT = 50
# bookkeeping nobody edits, and the plan version an item belongs to (the same in all its
# records, but not the same as in the item it was copied from)
NOT_SHOWN = {"revision", "updated_at", "created_at", "uid", "id", "key", "search_name", "version"}
LONG_TEXT = 120


_change_reason: ContextVar[str] = ContextVar("history_change_reason", default="")


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Every history record written inside the block without a reason of its own gets
    ``reason`` (e.g. "importato da foglio di calcolo"): the services that write them need not
    know why they were called."""
    token = _change_reason.set(Truncator(reason).chars(100))
    try:
        yield
    finally:
        _change_reason.reset(token)


def _give_change_reason(sender, history_instance, **kwargs) -> None:
    reason = _change_reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


pre_create_historical_record.connect(_give_change_reason, dispatch_uid="history_change_reason")


@dataclass
class Change:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted, "copy" copied from another item
    summary: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    revision: int | None = None
    note: str = ""  # said instead of the changes when a change lists none


@dataclass
class Origin:
    """The item another one was copied from, and when, by whom and why the copy was made.
    ``item`` has its many-to-many relations prefetched (or they cost a query each)."""

    item: models.Model
    when: datetime.datetime
    who: object
    reason: str


def history_of(
    instance,
    *,
    names: Mapping[type, Mapping] | None = None,
    origin: Callable[[], Origin | None] | None = None,
) -> list[HistoryEntry]:
    """Who changed what and when in ``instance``, newest first: one entry per historical
    record (the latest ``HISTORY_LIMIT``), each with the fields that differ from the record
    before, in the order the model declares them.

    ``names``: how the caller names related items, by related model then primary key; the
    items of other related models are named with ``str()``, loaded when a change needs them.
    ``origin``: called when the whole history is shown, it says what ``instance`` was copied
    from (or None); the history then ends with the copy.

    A fixed number of queries whatever the length of the history: one for the records, one per
    many-to-many field, one per related model named here, and those of ``origin``."""
    model = type(instance)
    history_model = instance.history.model
    fields = _shown_fields(model, history_model)
    m2m_fields = [f for f in fields if f.many_to_many]
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    copy = origin() if origin is not None and len(records) <= HISTORY_LIMIT else None

    # the values of each record, then of the item copied: the state before each shown record
    # is the next one in the list (the record before the oldest shown is fetched too)
    m2m_rows = _m2m_rows(history_model, m2m_fields, records)
    states = [_values(record, fields, m2m_rows.get(record.history_id, {})) for record in records]
    if copy is not None:
        related = {f: {obj.pk for obj in getattr(copy.item, f.name).all()} for f in m2m_fields}
        states.append(_values(copy.item, fields, related))

    # the fields each change touched, and the related items to name, in one query per model
    names = dict(names or {})
    wanted: dict = {}
    touched = []
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        differing = None  # None: the state before is not known
        if record.history_type == "~" and index + 1 < len(states):
            new, old = states[index], states[index + 1]
            differing = [(f, old[f], new[f]) for f in fields if old[f] != new[f]]
            for f, old_value, new_value in differing:
                if f.is_relation and f.related_model not in names:
                    ids = old_value | new_value if f.many_to_many else {old_value, new_value}
                    wanted.setdefault(f.related_model, set()).update(ids - {None})
        touched.append((record, differing))
    for related, ids in wanted.items():
        names[related] = {
            pk: str(obj) for pk, obj in related._base_manager.select_related().in_bulk(ids).items()
        }

    def name_of(related, pk) -> str:
        return names.get(related, {}).get(pk) or _("(voce eliminata)")

    entries = []
    for record, differing in touched:
        changes = [
            change
            for f, old, new in differing or []
            if (change := _change(model, f, old, new, name_of)) is not None
        ]
        reason = record.history_change_reason or ""
        note = ""
        if record.history_type == "~" and not changes:
            if differing is None:
                note = _("Lo stato precedente non è registrato.")
            elif not reason:
                note = _("Salvato senza modifiche visibili")
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=record.history_type,
                summary={"+": _("Creazione"), "-": _("Eliminazione")}.get(
                    record.history_type, _("Modifica")
                ),
                changes=changes,
                reason=reason,
                revision=getattr(record, "revision", None),
                note=note,
            )
        )
    if copy is not None:
        entries.append(HistoryEntry(copy.when, copy.who, "copy", _("Copia"), reason=copy.reason))
    return entries


def _shown_fields(model, history_model) -> list:
    """The fields of ``model`` a person edits and its history records, many-to-many ones
    included, in the order the model declares them."""
    m2m_tracked = {f.name for f in getattr(history_model, "_history_m2m_fields", [])}
    shown = [
        *(f for f in history_model.tracked_fields if f.editable),
        *(f for f in model._meta.many_to_many if f.name in m2m_tracked),
    ]
    return sorted((f for f in shown if f.name not in NOT_SHOWN), key=lambda f: f.creation_counter)


def _m2m_rows(history_model, m2m_fields, records) -> dict:
    """The many-to-many rows of each historical record, by history id → field → set of
    related ids. One query per many-to-many field."""
    ids = [r.history_id for r in records]
    rows = {}
    for m2m_field in m2m_fields:
        row_model = history_model.__dict__[m2m_field.name].model
        target = f"{get_m2m_reverse_field_name(m2m_field)}_id"
        for history_id, related_id in row_model.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            rows.setdefault(history_id, {}).setdefault(m2m_field, set()).add(related_id)
    return rows


def _values(obj, fields, related_ids: dict) -> dict:
    """The values of ``fields`` in ``obj`` (an item or one of its history records), by field:
    the column of a plain field or a foreign key, the set of ids in ``related_ids`` of a
    many-to-many field."""
    return {
        f: related_ids.get(f, set()) if f.many_to_many else getattr(obj, f.attname) for f in fields
    }


def _change(model, model_field, old, new, name_of) -> Change | None:
    """How a person reads the change of ``model_field`` from ``old`` to ``new``; None when it
    reads the same (an item copied from another version points to that version's items)."""
    label = str(model_field.verbose_name)
    if model_field.many_to_many:
        old_names = Counter(name_of(model_field.related_model, pk) for pk in old)
        new_names = Counter(name_of(model_field.related_model, pk) for pk in new)
        removed = sorted((old_names - new_names).elements())
        added = sorted((new_names - old_names).elements())
        if not (removed or added):
            return None
        return Change(
            label,
            _("tolti: %(list)s") % {"list": "; ".join(removed)} if removed else "—",
            _("aggiunti: %(list)s") % {"list": "; ".join(added)} if added else "—",
        )
    if model_field.is_relation:
        old = name_of(model_field.related_model, old) if old is not None else "—"
        new = name_of(model_field.related_model, new) if new is not None else "—"
    else:
        old = display_value(model, model_field.name, old)
        new = display_value(model, model_field.name, new)
    if old == new:
        return None
    return Change(label, old, new, long=len(old) + len(new) > LONG_TEXT)
