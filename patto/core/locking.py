"""Optimistic locking: nothing is silently overwritten.

Every editable model carries a ``revision`` number (``patto.models.Revisioned``). A form
remembers the revision it was opened at; saving checks, under a row lock, that nobody saved in
between. If somebody did, the save is refused with a ``ConflictError`` that says which fields
the other person changed, to what, and by whom, and nothing is written.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    theirs: object


class ConflictError(ValidationError):
    """Somebody saved the same item after this form was opened."""

    def __init__(self, *, current, changes: list[FieldChange], by=None):
        self.current = current
        self.changes = changes
        self.by = by
        who = str(by) if by else _("un'altra persona")
        if changes:
            # the fields only: their values, rendered, are in the table beside the form (a
            # description quoted here would show its Markdown, and could be pages long)
            detail = ", ".join(str(c.label) for c in changes)
            message = _(
                "Nel frattempo %(who)s ha salvato questa voce (revisione %(revision)s) e le "
                "tue modifiche non sono state salvate. Ha cambiato: %(detail)s. "
                "Ricontrolla i campi e salva di nuovo."
            ) % {"who": who, "revision": current.revision, "detail": detail}
        else:
            message = _(
                "Nel frattempo %(who)s ha salvato questa voce (revisione %(revision)s): le "
                "tue modifiche non sono state salvate. Ricontrolla e salva di nuovo."
            ) % {"who": who, "revision": current.revision}
        super().__init__(message, code="conflict")


def _changes_since(current, revision) -> list[FieldChange]:
    """Fields that differ between the historical record at ``revision`` and ``current``."""
    history = getattr(current, "history", None)
    if history is None:
        return []
    before = history.filter(revision=revision).order_by("-history_date").first()
    if before is None:
        return []
    changes = []
    for field in current._meta.concrete_fields:
        if field.name in {"revision", "updated_at", "created_at", "id", "key", "search_name"}:
            continue
        old = getattr(before, field.attname, None)
        new = getattr(current, field.attname)
        if old != new:
            if field.choices:
                shown = getattr(current, f"get_{field.name}_display")()
            elif field.is_relation:
                shown = getattr(current, field.name)
            else:
                shown = new
            changes.append(FieldChange(field.name, str(field.verbose_name), shown))
    return changes


@transaction.atomic
def save_with_revision(instance, *, expected_revision: int, by, update_fields=None):
    """Save ``instance`` if the stored row is still at ``expected_revision``; raise
    ``ConflictError`` otherwise. Bumps the revision and records ``by`` in the history."""
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if current.revision != expected_revision:
        history = getattr(current, "history", None)
        last = history.order_by("-history_date").first() if history is not None else None
        raise ConflictError(
            current=current,
            changes=_changes_since(current, expected_revision),
            by=getattr(last, "history_user", None),
        )
    instance.revision = current.revision + 1
    instance._history_user = by
    if update_fields is not None:
        update_fields = {*update_fields, "revision"}
    instance.save(update_fields=update_fields)
    return instance
