"""Reads for the redazione's pages on plan content. Unlike ``matrice.queries`` these include
drafts. Each function runs a fixed number of queries whatever the size of the version."""

from django.db.models import Count, Prefetch, Subquery
from django.utils.translation import gettext as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.core.history import Origin
from patto.models import ItemKind, PlanVersion, Programme, ValidationRemark, VersionStatus
from tavoli.models import ThematicTable
from zone.models import Zone


def draft_of(programme: Programme) -> PlanVersion | None:
    """The programme's draft (there is at most one), or None."""
    version = programme.versions.filter(status=VersionStatus.DRAFT).first()
    if version is not None:
        version.programme = programme
    return version


def draft_outline(version: PlanVersion) -> list[Policy]:
    """Policies → action areas of ``version`` in order, each area with ``action_count``; no
    actions. Two queries."""
    areas = Prefetch(
        "action_areas",
        queryset=ActionArea.objects.order_by("position", "code", "pk").annotate(
            action_count=Count("actions")
        ),
    )
    return list(
        Policy.objects.filter(version=version)
        .order_by("position", "code", "pk")
        .prefetch_related(areas)
    )


def draft_actions(version: PlanVersion, *, area: ActionArea | None = None):
    """The actions of ``version`` (of ``area`` only, when given) in the tree's order, with their
    tools, targets and zones: a queryset to slice or filter further. Four queries once read."""
    actions = Action.objects.filter(version=version)
    if area is not None:
        actions = actions.filter(area=area)
    return actions.order_by("position", "code", "pk").prefetch_related(
        Prefetch("tools", queryset=Tool.objects.order_by("position", "code")),
        Prefetch("targets", queryset=Target.objects.order_by("position", "code")),
        "zones",
    )


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


# History (the engine is ``patto.core.history``) ---------------------------------------------


def history_names(item) -> dict:
    """How the history of ``item`` names the items it points to, by model then primary key:
    all of them in its version and in the version it was copied from (a copied item's first
    change is compared with an item that points into that version), policies as "1. Title",
    areas as "1.1 Title". One query per kind of item it points to."""
    version = item.version
    versions = [v for v in (version.pk, version.based_on_id) if v]
    names = {}
    if isinstance(item, ActionArea):
        rows = Policy.objects.filter(version__in=versions).values_list("pk", "code", "title")
        names[Policy] = {pk: f"{code}. {title}" for pk, code, title in rows}
    if isinstance(item, Action):
        rows = ActionArea.objects.filter(version__in=versions).values_list("pk", "code", "title")
        names[ActionArea] = {pk: f"{code} {title}" for pk, code, title in rows}
        for model in (Tool, Target):
            names[model] = dict(
                model.objects.filter(version__in=versions).values_list("pk", "name")
            )
        names[Zone] = {zone.pk: str(zone) for zone in Zone.objects.all()}
        names[ThematicTable] = dict(
            ThematicTable.objects.filter(programme_id=version.programme_id).values_list(
                "pk", "title"
            )
        )
    return names


def copied_from(item) -> Origin | None:
    """What ``item`` was copied from, for its history: the item of the same key in the version
    its version was copied from (its relations prefetched), and when and by whom the copy was
    made; None for an item new in its version. Two queries, and one per many-to-many field."""
    version = item.version
    if not version.based_on_id:
        return None
    model = type(item)
    source = (
        model.objects.filter(version_id=version.based_on_id, key=item.key)
        .select_related("version")
        .prefetch_related(*(f.name for f in model._meta.many_to_many))
        .first()
    )
    if source is None:
        return None
    return Origin(
        item=source,
        when=version.created_at,
        who=version.created_by,
        reason=_("Copiata dalla versione %(number)s") % {"number": source.version.number},
    )


REMARK_KINDS = {Policy: ItemKind.POLICY, ActionArea: ItemKind.ACTION_AREA, Action: ItemKind.ACTION}


def zone_remarks(item) -> list[ValidationRemark]:
    """The remarks the zones wrote on ``item`` (a policy, action area or action, found by its
    stable key) in the latest version of its programme up to its own that received decisions:
    what the redazione reads while preparing the next version. Each remark has its
    ``validation`` with its zone and version. One query."""
    kind = REMARK_KINDS.get(type(item))
    if kind is None:
        return []
    latest = (
        PlanVersion.objects.filter(
            programme_id=item.version.programme_id,
            number__lte=item.version.number,
            validations__isnull=False,
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return list(
        ValidationRemark.objects.filter(
            validation__version=Subquery(latest), item_kind=kind, item_key=item.key
        )
        .select_related("validation__zone", "validation__version")
        .order_by("validation__zone__number", "pk")
    )
