"""Reads for the redazione's pages on plan content. Unlike ``matrice.queries`` these include
drafts. Each function runs a fixed number of queries whatever the size of the version."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.queries import plan_tree
from patto.models import PlanVersion, Programme, VersionStatus
from tavoli.models import ThematicTable
from zone.models import Zone


def draft_of(programme: Programme) -> PlanVersion | None:
    """The programme's draft (there is at most one), or None."""
    version = programme.versions.filter(status=VersionStatus.DRAFT).first()
    if version is not None:
        version.programme = programme
    return version


def draft_tree(version: PlanVersion) -> list[Policy]:
    """Policies → action areas → actions with tools, targets and zones. Six queries."""
    return plan_tree(version)


def catalogue(model, version: PlanVersion) -> list:
    """The tools (or targets) of ``version``, each with ``action_count``. One query."""
    return list(
        model.objects.filter(version=version)
        .annotate(action_count=Count("actions"))
        .order_by("position", "code")
    )


def actions_using(entry) -> list[Action]:
    """The actions that use a tool or a target, with their area. One query."""
    return list(entry.actions.select_related("area").order_by("position", "code"))


def area_choices(version: PlanVersion):
    return (
        ActionArea.objects.filter(version=version)
        .select_related("policy")
        .order_by("policy__position", "policy__code", "position", "code")
    )


def action_with_relations(action: Action) -> Action:
    """``action`` with its relations loaded, for a read-only display."""
    return (
        Action.objects.select_related("area", "area__policy")
        .prefetch_related(
            Prefetch("tools", queryset=Tool.objects.order_by("position", "code")),
            Prefetch("targets", queryset=Target.objects.order_by("position", "code")),
            "zones",
            "tables",
        )
        .get(pk=action.pk)
    )


# History -------------------------------------------------------------------------------------

TRACKED = {
    Policy: ["code", "title", "description", "position"],
    ActionArea: ["code", "title", "policy", "description", "position"],
    Action: [
        "code",
        "title",
        "area",
        "description",
        "tools",
        "targets",
        "zones",
        "tables",
        "lead_body",
        "partners",
        "start_date",
        "end_date",
        "budget",
        "indicators",
        "position",
    ],
    Tool: ["code", "name", "description", "position"],
    Target: ["code", "name", "description", "position"],
}
HISTORY_LIMIT = 50


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    kind: str  # created, changed, deleted, copied
    date: object
    user: object = None
    reason: str = ""
    revision: int | None = None
    changes: list[Change] = field(default_factory=list)
    detail_missing: bool = False


def _labels(model, versions: list[int], programme_id: int) -> dict:
    """Display names of everything an item of ``model`` can point to, by (field, pk)."""
    fields = TRACKED[model]
    labels = {}

    def add(name, rows):
        labels.update({(name, pk): text for pk, text in rows})

    if "policy" in fields:
        rows = Policy.objects.filter(version__in=versions).values_list("pk", "code", "title")
        add("policy", ((pk, f"{code}. {title}") for pk, code, title in rows))
    if "area" in fields:
        rows = ActionArea.objects.filter(version__in=versions).values_list("pk", "code", "title")
        add("area", ((pk, f"{code} {title}") for pk, code, title in rows))
    if "tools" in fields:
        add("tools", Tool.objects.filter(version__in=versions).values_list("pk", "name"))
        add("targets", Target.objects.filter(version__in=versions).values_list("pk", "name"))
        add("zones", ((z.pk, str(z)) for z in Zone.objects.all()))
        add(
            "tables",
            ThematicTable.objects.filter(programme_id=programme_id).values_list("pk", "title"),
        )
    return labels


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return Truncator(str(value)).chars(400)


def _history_relation_accessors(model, names) -> dict:
    """For each many-to-many field of ``model``, the name under which its history records
    reach the related rows saved with them (for ``prefetch_related``)."""
    history_model = model.history.model
    accessors = {}
    for name in names:
        rows_model = getattr(history_model, name).model
        accessors[name] = next(
            rel.get_accessor_name()
            for rel in history_model._meta.related_objects
            if rel.related_model is rows_model
        )
    return accessors


def _snapshot(model, obj, labels: dict, *, accessors: dict | None = None) -> dict:
    """The tracked fields of an item (or, with ``accessors``, of one of its history records)
    as display text."""
    deleted = _("(voce eliminata)")
    values = {}
    for name in TRACKED[model]:
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            if accessors is not None:
                column = f"{model_field.m2m_reverse_field_name()}_id"
                pks = [getattr(row, column) for row in getattr(obj, accessors[name]).all()]
            else:
                pks = [related.pk for related in getattr(obj, name).all()]
            values[name] = ", ".join(sorted(labels.get((name, pk), deleted) for pk in pks))
        elif model_field.is_relation:
            pk = getattr(obj, model_field.attname)
            values[name] = labels.get((name, pk), deleted) if pk else ""
        else:
            values[name] = _shown(getattr(obj, name))
    return values


def _diff(model, before: dict, after: dict) -> list[Change]:
    return [
        Change(capfirst(model._meta.get_field(name).verbose_name), before[name], after[name])
        for name in TRACKED[model]
        if before[name] != after[name]
    ]


def item_history(item) -> list[HistoryEntry]:
    """Who changed ``item``, when, and what, newest first (at most ``HISTORY_LIMIT`` changes).
    An item copied from the previous version starts with its copy, compared with the item of
    the same key in that version. A fixed number of queries."""
    model = type(item)
    relations = [f.name for f in model._meta.many_to_many if f.name in TRACKED[model]]
    version = item.version
    accessors = _history_relation_accessors(model, relations)
    records = list(
        item.history.select_related("history_user")
        .prefetch_related(*accessors.values())
        .order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1]
    )
    source = None
    if version.based_on_id and len(records) <= HISTORY_LIMIT:
        source = (
            model.objects.filter(version_id=version.based_on_id, key=item.key)
            .prefetch_related(*relations)
            .first()
        )
    versions = [version.pk] + ([version.based_on_id] if source else [])
    labels = _labels(model, versions, version.programme_id)
    snapshots = [_snapshot(model, r, labels, accessors=accessors) for r in records]
    baseline = _snapshot(model, source, labels) if source else None

    entries = []
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        entry = HistoryEntry(
            kind={"+": "created", "-": "deleted"}.get(record.history_type, "changed"),
            date=record.history_date,
            user=record.history_user,
            reason=record.history_change_reason or "",
            revision=record.revision,
        )
        if entry.kind == "changed":
            if index + 1 < len(records):
                entry.changes = _diff(model, snapshots[index + 1], snapshots[index])
            elif baseline is not None:
                entry.changes = _diff(model, baseline, snapshots[index])
            else:
                entry.detail_missing = True
        entries.append(entry)
    if source is not None:
        entries.append(
            HistoryEntry(
                kind="copied",
                date=version.created_at,
                user=version.created_by,
                reason=_("Copiata dalla versione %(number)s")
                % {"number": _based_on_number(version)},
            )
        )
    return entries


def _based_on_number(version: PlanVersion) -> int:
    return PlanVersion.objects.values_list("number", flat=True).get(pk=version.based_on_id)
