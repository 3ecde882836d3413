"""The redazione's pages on the content of a programme's draft: the editable tree of policies →
action areas → actions, the catalogues of tools and targets, one page per item (its form and its
history), and the draft's matrix.

Every page is behind ``RedazioneRequiredMixin``; every change goes through ``matrice.services``,
which also refuses it for a version that is no longer a draft (the page then says so and shows
the item read-only). The forms carry the revision they were opened at: if somebody saved in
between, the form comes back with the other person's values next to yours."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView
from django_htmx.http import reswap

from matrice import codes, import_services, queries, services, spreadsheets, staff_queries
from matrice.forms import (
    ActionForm,
    AreaForm,
    CatalogueEntryForm,
    PolicyForm,
    SpreadsheetImportForm,
    comparable,
    shown,
)
from matrice.models import Action, ActionArea, Policy, SpreadsheetImport, Target, Tool
from patto.core.articles import article_before_number
from patto.core.exceptions import FrozenVersionError
from patto.core.history import history_of
from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import ItemEditView
from patto.models import PlanVersion


@dataclass(frozen=True)
class Kind:
    """One kind of item the redazione edits, and the words the pages use for it."""

    name: str  # the services' keyword for the item; URL names redazione:matrice_<name>[_…]
    model: type
    form: type
    create: Callable
    update: Callable
    delete: Callable
    label: str
    new_label: str
    created: str
    saved: str
    deleted: str
    catalogue: bool = False


POLICY = Kind(
    "policy",
    Policy,
    PolicyForm,
    services.create_policy,
    services.update_policy,
    services.delete_policy,
    gettext_lazy("Politica"),
    gettext_lazy("Nuova politica"),
    gettext_lazy("Politica «%(item)s» aggiunta alla bozza."),
    gettext_lazy("Politica «%(item)s» salvata."),
    gettext_lazy("Politica «%(item)s» eliminata, con i suoi ambiti e le sue azioni."),
)
AREA = Kind(
    "area",
    ActionArea,
    AreaForm,
    services.create_area,
    services.update_area,
    services.delete_area,
    gettext_lazy("Ambito d'azione"),
    gettext_lazy("Nuovo ambito d'azione"),
    gettext_lazy("Ambito d'azione «%(item)s» aggiunto alla bozza."),
    gettext_lazy("Ambito d'azione «%(item)s» salvato."),
    gettext_lazy("Ambito d'azione «%(item)s» eliminato, con le sue azioni."),
)
ACTION = Kind(
    "action",
    Action,
    ActionForm,
    services.create_action,
    services.update_action,
    services.delete_action,
    gettext_lazy("Azione"),
    gettext_lazy("Nuova azione"),
    gettext_lazy("Azione «%(item)s» aggiunta alla bozza."),
    gettext_lazy("Azione «%(item)s» salvata."),
    gettext_lazy("Azione «%(item)s» eliminata."),
)
TOOL = Kind(
    "tool",
    Tool,
    CatalogueEntryForm,
    services.create_tool,
    services.update_tool,
    services.delete_tool,
    gettext_lazy("Strumento"),
    gettext_lazy("Nuovo strumento"),
    gettext_lazy("Strumento «%(item)s» aggiunto al catalogo."),
    gettext_lazy("Strumento «%(item)s» salvato."),
    gettext_lazy("Strumento «%(item)s» eliminato dal catalogo."),
    catalogue=True,
)
TARGET = Kind(
    "target",
    Target,
    CatalogueEntryForm,
    services.create_target,
    services.update_target,
    services.delete_target,
    gettext_lazy("Destinatari"),
    gettext_lazy("Nuovi destinatari"),
    gettext_lazy("Destinatari «%(item)s» aggiunti al catalogo."),
    gettext_lazy("Destinatari «%(item)s» salvati."),
    gettext_lazy("Destinatari «%(item)s» eliminati dal catalogo."),
    catalogue=True,
)
KINDS = {kind.name: kind for kind in (POLICY, AREA, ACTION, TOOL, TARGET)}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _item_name(item) -> str:
    return f"{item.code} {getattr(item, 'title', None) or item.name}"


class DraftMixin(RedazioneRequiredMixin, ProgrammeMixin):
    """The programme from the URL and its draft (None when there is none)."""

    @cached_property
    def draft(self):
        return staff_queries.draft_of(self.programme)

    def draft_url(self, item=None) -> str:
        url = reverse("redazione:matrice_draft", args=[self.programme.slug])
        if item is None:
            return url
        if isinstance(item, Tool | Target):
            url = reverse("redazione:matrice_catalogues", args=[self.programme.slug])
        elif isinstance(item, Action):  # a large draft lists the actions of one area at a time
            url += f"?ambito={item.area_id}"
            order = list(
                services.siblings(item)
                .order_by("position", "code", "pk")
                .values_list("pk", flat=True)
            )
            if len(order) > ACTIONS_AT_ONCE and item.pk in order:
                url += f"&pagina={order.index(item.pk) // ACTIONS_AT_ONCE + 1}"
        return f"{url}#{type(item).__name__.lower()}-{item.pk}"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("draft", self.draft)
        return super().get_context_data(**kwargs)


# A draft with more actions than this lists them one action area at a time, and an area's
# actions this many to a page, so that the page stays small whatever the size of the draft (a
# 100-action draft listed whole was 331 KB and took 200 ms to render); a smaller draft is listed
# whole, as one tree.
ACTIONS_AT_ONCE = 50


def _number_of(value) -> int | None:
    return int(value) if value.isdigit() else None


def _mark_ends(items: list, *, first: bool = True, last: bool = True) -> list:
    """Give each item ``is_first`` and ``is_last``, for its move buttons: ``first``/``last``
    say whether ``items`` starts (ends) the whole list of its siblings."""
    for index, item in enumerate(items):
        item.is_first = first and index == 0
        item.is_last = last and index == len(items) - 1
    return items


def _show_actions(area, version, page_number="") -> None:
    """List ``area``'s actions on the page (``area.shown``), one page of them when there are
    more than ``ACTIONS_AT_ONCE`` (``area.page``). Five queries (six with a page)."""
    actions = staff_queries.draft_actions(version, area=area)
    if area.action_count <= ACTIONS_AT_ONCE:
        area.shown, area.page = _mark_ends(list(actions)), None
        return
    page = Paginator(actions, ACTIONS_AT_ONCE).get_page(page_number)
    area.shown = _mark_ends(list(page), first=not page.has_previous(), last=not page.has_next())
    area.page = page


def _draft_tree(version, *, area_pk: int | None = None, page_number="", shown=()) -> dict:
    """The draft's tree for its page: every policy and area; every action when there are
    ``ACTIONS_AT_ONCE`` or fewer, else only those of area ``area_pk`` (the page's choice) and of
    the areas in ``shown`` (already open in the browser). Each area has ``shown``: its actions
    on the page, or None. A fixed number of queries whatever the size of the draft."""
    policies = _mark_ends(staff_queries.draft_outline(version))
    areas = []
    for policy in policies:
        areas += _mark_ends(list(policy.action_areas.all()))
    action_count = sum(area.action_count for area in areas)
    whole = action_count <= ACTIONS_AT_ONCE
    for area in areas:
        area.shown = area.page = None
    if whole:
        by_area = defaultdict(list)
        for action in staff_queries.draft_actions(version):
            by_area[action.area_id].append(action)
        for area in areas:
            area.shown = _mark_ends(by_area[area.pk])
    elif area_pk is not None or shown:
        open_areas = [area for area in areas if area.pk == area_pk or area.pk in shown]
        if len(open_areas) == 1:
            _show_actions(open_areas[0], version, page_number)
        elif open_areas:  # after a move: the pair of areas, at most ACTIONS_AT_ONCE each
            by_area = defaultdict(list)
            for action in staff_queries.draft_actions(version).filter(
                area__in=[area.pk for area in open_areas]
            ):
                by_area[action.area_id].append(action)
            for area in open_areas:
                area.shown = _mark_ends(by_area[area.pk][:ACTIONS_AT_ONCE])
    return {
        "policies": policies,
        "areas": areas,
        "area_count": len(areas),
        "action_count": action_count,
        "whole": whole,
        "actions_at_once": ACTIONS_AT_ONCE,
    }


class DraftView(DraftMixin, TemplateView):
    """The draft as an editable tree: policies → action areas → actions. A large draft lists
    the actions of one area at a time (``?ambito=<pk>``, and ``&pagina=<n>`` in a large area);
    with htmx, opening an area answers that area only."""

    template_name = "redazione/matrice/draft.html"

    def get(self, request, *args, **kwargs):
        area_pk = _number_of(request.GET.get("ambito", ""))
        if request.htmx and self.draft is not None and area_pk is not None:
            tree = _draft_tree(
                self.draft, area_pk=area_pk, page_number=request.GET.get("pagina", "")
            )
            area = next((area for area in tree["areas"] if area.pk == area_pk), None)
            if area is None:
                raise Http404
            context = {"programme": self.programme, "draft": self.draft, "area": area} | tree
            return render(request, "redazione/matrice/includes/draft_area.html", context)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        tree = {}
        if self.draft:
            tree = _draft_tree(
                self.draft,
                area_pk=_number_of(self.request.GET.get("ambito", "")),
                page_number=self.request.GET.get("pagina", ""),
            )
        return super().get_context_data(**kwargs, **tree)


class DraftMatrixView(DraftMixin, TemplateView):
    """The draft's tools × targets matrix: the same table as the public one."""

    template_name = "redazione/matrice/matrix.html"

    def get_context_data(self, **kwargs):
        matrix = queries.build_matrix(self.draft) if self.draft else None
        return super().get_context_data(**kwargs, matrix=matrix, version=self.draft)


class CataloguesView(DraftMixin, TemplateView):
    """The draft's catalogues of tools and targets, each entry with how many actions use it."""

    template_name = "redazione/matrice/catalogues.html"

    def get_context_data(self, **kwargs):
        context = {}
        if self.draft:
            context = {
                "tools": staff_queries.catalogue(Tool, self.draft),
                "targets": staff_queries.catalogue(Target, self.draft),
                "tool_kind": TOOL,
                "target_kind": TARGET,
            }
        return super().get_context_data(**kwargs, **context)


class KindMixin(DraftMixin):
    kind: Kind = None

    @cached_property
    def item(self):
        # with its parent (an action's area, an area's policy), which the page names
        fields = {field.name for field in self.kind.model._meta.get_fields()}
        parent = [name for name in ("area", "policy") if name in fields]
        item = get_object_or_404(
            self.kind.model.objects.select_related("version", *parent),
            pk=self.kwargs["pk"],
            version__programme=self.programme,
        )
        item.version.programme = self.programme
        return item

    def item_url(self, item=None) -> str:
        item = item or self.item
        return reverse(f"redazione:matrice_{self.kind.name}", args=[self.programme.slug, item.pk])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("kind", self.kind)
        return super().get_context_data(**kwargs)

    def refuse_frozen(self, exc: FrozenVersionError, target: str):
        messages.error(self.request, _error_text(exc))
        return redirect(target)


class ItemCreateView(KindMixin, TemplateView):
    """A new item in the draft. ``?politica=<pk>`` / ``?ambito=<pk>`` choose its parent."""

    template_name = "redazione/matrice/item_form.html"

    def get_form(self, data=None):
        if self.draft is None:
            return None
        initial = {}
        parent = {"area": ("policy", "politica"), "action": ("area", "ambito")}.get(self.kind.name)
        if parent and self.request.GET.get(parent[1], "").isdigit():
            initial[parent[0]] = int(self.request.GET[parent[1]])
        if data is None and not self.kind.catalogue:
            initial["code"] = self.proposed_code(initial.get(parent[0]) if parent else None)
        form = self.kind.form(data, version=self.draft, initial=initial)
        if parent:
            form.fields[parent[0]].widget.proposals = codes.next_codes(
                version=self.draft, kind=self.kind.name
            )
            form.fields["code"].widget.attrs["data-proposed"] = initial.get("code", "")
        if initial.get("code"):
            form.fields["code"].help_text = _(
                "Ti proponiamo %(code)s, il primo codice libero dopo quelli già usati: puoi "
                "cambiarlo."
            ) % {"code": initial["code"]}
        return form

    def proposed_code(self, parent_pk: int | None) -> str:
        """The next free code under the parent chosen by the link followed (``codes``)."""
        parent = None
        if parent_pk is not None:
            model = Policy if self.kind is AREA else ActionArea
            parent = model.objects.filter(pk=parent_pk, version=self.draft).first()
        return codes.next_code(version=self.draft, kind=self.kind.name, parent=parent)

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if self.draft is None:
            messages.error(request, _("Questo programma non ha una bozza da modificare."))
            return redirect(self.draft_url())
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                item = self.kind.create(
                    version=self.draft, by=request.user, **form.service_kwargs()
                )
            except FrozenVersionError as exc:
                return self.refuse_frozen(exc, self.draft_url())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, self.kind.created % {"item": _item_name(item)})
                return redirect(self.draft_url(item))
        return self.render_to_response(self.get_context_data(form=form))


class ItemView(KindMixin, ItemEditView):
    """One item: its form (when the version is a draft) or its values, and its history. After
    a conflict (409) the form keeps the values just sent, next to the other person's."""

    template_name = "redazione/matrice/item.html"
    object_name = "item"
    conflict_name = "conflict_rows"

    def get_object(self):
        return self.item

    def get_form(self, data=None):
        if self.item.version.is_frozen:
            return None
        return self.kind.form(data, version=self.item.version, item=self.item)

    def get_context_data(self, **kwargs):
        item = self.item
        if item.version.is_frozen:
            kwargs.setdefault("frozen_message", _error_text(FrozenVersionError(item.version)))
            kwargs.setdefault("values", self.read_only_values())
        parent = getattr(item, "area", None) or getattr(item, "policy", None)
        return super().get_context_data(
            **kwargs,
            item_name=_item_name(item),
            parent=parent,
            history=history_of(
                item,
                names=staff_queries.history_names(item),
                origin=partial(staff_queries.copied_from, item),
            ),
            version=item.version,
            zone_remarks=staff_queries.zone_remarks(item),
        )

    def read_only_values(self) -> list[dict]:
        item = self.item
        if isinstance(item, Action):
            item = staff_queries.action_with_relations(item)
        form = self.kind.form(version=self.item.version, item=item)
        return [
            {"label": field.label, "value": shown(field, comparable(field, form.initial[name]))}
            for name, field in form.fields.items()
            if name != "revision"
        ]

    def post(self, request, *args, **kwargs):
        if self.item.version.is_frozen:
            return self.refuse_frozen(FrozenVersionError(self.item.version), self.item_url())
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return self.kind.update(
            **{self.kind.name: self.item},
            by=self.request.user,
            revision=form.cleaned_data["revision"],
            **form.service_kwargs(),
        )

    def get_success_message(self, form, item) -> str:
        return self.kind.saved % {"item": _item_name(item)}

    def get_success_url(self, form, item) -> str:
        return self.draft_url(item)

    def reread(self):
        return self.item  # the page keeps the item as it was opened; the form says what changed

    def refused(self, form, outcome):
        if isinstance(outcome.error, FrozenVersionError):  # no longer a draft since opened
            return self.refuse_frozen(outcome.error, self.item_url())
        return super().refused(form, outcome)


class ItemDeleteView(KindMixin, TemplateView):
    """Confirm, then delete. Says what goes with the item (areas and actions of a policy, the
    actions that lose a tool or a target)."""

    template_name = "redazione/matrice/item_delete.html"

    def get_context_data(self, **kwargs):
        item = self.item
        context = {"item": item, "item_name": _item_name(item), "version": item.version}
        if self.kind.catalogue:
            context["losing"] = staff_queries.actions_using(item)
        elif isinstance(item, Policy):
            context["areas"] = list(item.action_areas.order_by("position", "code"))
            context["action_total"] = Action.objects.filter(area__policy=item).count()
        elif isinstance(item, ActionArea):
            context["actions"] = list(item.actions.order_by("position", "code"))
        if item.version.is_frozen:
            context["frozen_message"] = _error_text(FrozenVersionError(item.version))
        return super().get_context_data(**kwargs, **context)

    def post(self, request, *args, **kwargs):
        item = self.item
        revision = request.POST.get("revision", "")
        try:
            if not revision.isdigit():
                raise ValidationError(_("Il modulo è incompleto: ricarica la pagina."))
            self.kind.delete(**{self.kind.name: item}, by=request.user, revision=int(revision))
        except FrozenVersionError as exc:
            return self.refuse_frozen(exc, self.item_url())
        except ValidationError as exc:  # ConflictError included: look again before deleting
            messages.error(request, _error_text(exc))
            return redirect(self.item_url())
        messages.success(request, self.kind.deleted % {"item": _item_name(item)})
        if self.kind.catalogue:
            return redirect("redazione:matrice_catalogues", slug=self.programme.slug)
        return redirect(self.draft_url())


class ItemMoveView(KindMixin, View):
    """One place up or down, and a message that says where the item is now. With htmx the answer
    is the updated list, without a reload, with the message in the page's status region and the
    focus back on the moved item's button; without it, the draft's page at the item."""

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction", "")
        try:
            item = services.move_item(item=self.item, by=request.user, direction=direction)
        except (FrozenVersionError, ValidationError) as exc:
            if request.htmx:
                return self.render_refused(_error_text(exc))
            if isinstance(exc, FrozenVersionError):
                return self.refuse_frozen(exc, self.draft_url())
            messages.error(request, _error_text(exc))
            return redirect(self.draft_url(self.item))
        order = list(
            services.siblings(item).order_by("position", "code", "pk").values_list("pk", flat=True)
        )
        message = self.moved_message(item, direction, order)
        if not request.htmx:
            messages.success(request, message)
            return redirect(self.draft_url(item))
        if self.kind.catalogue:
            return self.render_list(moved=item, direction=direction, message=message)
        return self.render_moved(item, direction, order, message)

    def moved_message(self, item, direction: str, order: list[int]) -> str:
        place = order.index(item.pk) + 1
        values = {
            "item": _item_name(item),
            "place": place,
            "at": article_before_number(place, "al", ordinal=True),
            "count": len(order),
            "parent": getattr(
                getattr(item, "area", None) or getattr(item, "policy", None), "code", ""
            ),
        }
        if isinstance(item, Action):
            where = _(
                "«%(item)s» ora è %(at)s%(place)s° posto su %(count)s nell'ambito %(parent)s."
            )
        elif isinstance(item, ActionArea):
            where = _(
                "«%(item)s» ora è %(at)s%(place)s° posto su %(count)s nella politica %(parent)s."
            )
        elif isinstance(item, Policy):
            where = _("«%(item)s» ora è %(at)s%(place)s° posto su %(count)s tra le politiche.")
        else:
            where = _("«%(item)s» ora è %(at)s%(place)s° posto su %(count)s nel catalogo.")
        moved = (
            _("Spostamento in su:") if direction == services.MOVE_UP else _("Spostamento in giù:")
        )
        return f"{moved} {where % values}"

    def render_moved(self, item, direction: str, order: list[int], message: str):
        """What changed in the tree: the moved item and the sibling it changed places with, in
        their new order (draft_moved.html). An area or a policy comes back with the areas that
        were open in the page (``shown``) still open."""
        version = self.item.version
        index = order.index(item.pk)
        other = index + 1 if direction == services.MOVE_UP else index - 1
        pair = [order[i] for i in sorted({index, other}) if 0 <= i < len(order)]
        if isinstance(item, Action):
            found = {a.pk: a for a in staff_queries.draft_actions(version).filter(pk__in=pair)}
            items = [found[pk] for pk in pair]
            for action in items:
                action.is_first = action.pk == order[0]
                action.is_last = action.pk == order[-1]
            whole = True
        else:
            shown = {int(pk) for pk in self.request.POST.getlist("shown") if pk.isdigit()}
            tree = _draft_tree(version, shown=shown)
            found = {
                entry.pk: entry
                for entry in tree["areas" if isinstance(item, ActionArea) else "policies"]
            }
            items = [found[pk] for pk in pair]
            whole = tree["whole"]
        neighbour = next((pk for pk in pair if pk != item.pk), None)
        context = {
            "programme": self.programme,
            "draft": version,
            "kind": self.kind.name,
            "items": items,
            "gone": f"{type(item).__name__.lower()}-{neighbour}" if neighbour else "",
            "whole": whole,
            "moved_kind": self.kind.name,
            "moved_pk": item.pk,
            "direction": direction,
            "move_message": message,
        }
        return render(self.request, "redazione/matrice/includes/draft_moved.html", context)

    def render_refused(self, error: str):
        """A move refused through htmx: the message in the page's status region, the list as
        it is."""
        if self.kind.catalogue:
            return self.render_list(error=error)
        context = {"list_error": error}
        response = render(self.request, "redazione/matrice/includes/draft_moved.html", context)
        return reswap(response, "none")

    def render_list(self, error="", moved=None, direction="", message=""):
        version = self.item.version
        kind = self.kind
        context = {
            "programme": self.programme,
            "draft": version,
            "list_error": error,
            "moved_kind": kind.name if moved else "",
            "moved_pk": moved.pk if moved else None,
            "direction": direction,
            "move_message": message,
            "entries": staff_queries.catalogue(kind.model, version),
            "kind": kind,
        }
        return render(self.request, "redazione/matrice/includes/catalogue_list.html", context)


class RenumberView(DraftMixin, TemplateView):
    """Number the draft's policies, areas and actions again in the order of its tree: first the
    preview (old code → new code, nothing written), then the confirmation. The preview carries
    the state of the draft it was made on: confirming after somebody changed the draft is
    refused (409) with nothing written, and the new preview shown."""

    template_name = "redazione/matrice/renumber.html"

    def get_context_data(self, **kwargs):
        if self.draft is not None:
            kwargs.setdefault("changes", codes.renumbering(self.draft))
            kwargs.setdefault("state", import_services.draft_state(self.draft))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if self.draft is None:
            messages.error(request, _("Questo programma non ha una bozza da modificare."))
            return redirect(self.draft_url())
        try:
            changes = codes.renumber_codes(
                version=self.draft, by=request.user, state=request.POST.get("state", "")
            )
        except FrozenVersionError as exc:
            messages.error(request, _error_text(exc))
            return redirect(self.draft_url())
        except ValidationError as exc:  # StaleRenumberError
            context = self.get_context_data(refused=_error_text(exc))
            return self.render_to_response(context, status=409)
        if changes:
            message = ngettext(
                "Codici rinumerati: è cambiato il codice di %(count)s voce.",
                "Codici rinumerati: è cambiato il codice di %(count)s voci.",
                len(changes),
            ) % {"count": len(changes)}
        else:
            message = _("I codici seguivano già l'ordine della bozza: non è cambiato nulla.")
        messages.success(request, message)
        return redirect(self.draft_url())


# Spreadsheets: any version out as ODS or XLSX, a spreadsheet into the draft ------------------


class VersionSpreadsheetView(RedazioneRequiredMixin, ProgrammeMixin, View):
    """Any version of the programme, drafts included, as a spreadsheet (``extension``: "ods" or
    "xlsx"); the public site offers only public versions."""

    extension = "ods"

    @cached_property
    def version(self) -> PlanVersion:
        return get_object_or_404(
            PlanVersion.objects.select_related("programme"),
            programme=self.programme,
            number=self.kwargs["number"],
        )

    def get(self, request, *args, **kwargs):
        response = spreadsheets.download(self.version, self.extension)
        response["Cache-Control"] = "private, no-store"
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.version  # a version that does not exist is a 404 whatever the method  # noqa: B018
        return super().http_method_not_allowed(request, *args, **kwargs)


class _LimitedUpload(FileUploadHandler):
    """Stops reading an uploaded file as soon as it is larger than ``limit`` bytes: nothing
    larger is kept in memory or on disk, and the form says the file is too big."""

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_big = content_length > self.limit + 64 * 1024  # room for the other fields

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.too_big or self.received > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=False)  # reads the rest away, keeps nothing
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file


@method_decorator(csrf_exempt, name="dispatch")  # checked in post(), once the limit is set
class ImportView(DraftMixin, TemplateView):
    """Choose a spreadsheet to import into the draft. A file with problems comes back with
    every problem (sheet, row, column, reason) and nothing stored; a good one leads to its
    preview."""

    # a body up to the upload limit (patto.core.guards)
    upload_limit_setting = "SPREADSHEET_MAX_UPLOAD_MB"

    template_name = "redazione/matrice/import.html"

    def get_context_data(self, **kwargs):
        if self.draft is not None:
            kwargs.setdefault("form", SpreadsheetImportForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        limit = _LimitedUpload(spreadsheets.max_upload_bytes(), request)
        request.upload_handlers.insert(0, limit)
        return csrf_protect(partial(self.upload, limit=limit))(request)

    def upload(self, request, *, limit):
        if self.draft is None:
            messages.error(request, _("Questo programma non ha una bozza da modificare."))
            return redirect(self.draft_url())
        form = SpreadsheetImportForm(request.POST, request.FILES, too_big=limit.too_big)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            plan, stored = import_services.start_import(
                version=self.draft, by=request.user, content=upload.read(), file_name=upload.name
            )
        except FrozenVersionError as exc:
            messages.error(request, _error_text(exc))
            return redirect(self.draft_url())
        if stored is None:
            return self.render_to_response(
                self.get_context_data(
                    form=SpreadsheetImportForm(), plan=plan, file_name=upload.name
                )
            )
        return redirect("redazione:matrice_import_preview", slug=self.programme.slug, pk=stored.pk)


class ImportPreviewView(DraftMixin, TemplateView):
    """What the uploaded file would change in the draft, item by item and field by field, and
    the button that applies it. Confirming checks that the file and the draft are still those
    of the preview (409 otherwise, with nothing written)."""

    template_name = "redazione/matrice/import_preview.html"

    @cached_property
    def upload(self) -> SpreadsheetImport:
        return get_object_or_404(
            SpreadsheetImport.objects.select_related("version", "uploaded_by"),
            pk=self.kwargs["pk"],
            version__programme=self.programme,
        )

    def get_context_data(self, **kwargs):
        upload = self.upload
        upload.version.programme = self.programme
        context = {"upload": upload, "version": upload.version}
        if upload.version.is_frozen:
            context["frozen_message"] = _error_text(FrozenVersionError(upload.version))
        elif upload.status == SpreadsheetImport.Status.PENDING:
            plan, fresh = import_services.preview(upload)
            context |= {"plan": plan, "fresh": fresh}
        return super().get_context_data(**kwargs, **context)

    def post(self, request, *args, **kwargs):
        upload = self.upload
        try:
            outcome = import_services.confirm_import(
                upload=upload,
                by=request.user,
                sha256=request.POST.get("sha256", ""),
                state=request.POST.get("state", ""),
            )
        except FrozenVersionError as exc:
            messages.error(request, _error_text(exc))
            return redirect(self.draft_url())
        except ValidationError as exc:  # StaleImportError included
            context = self.get_context_data(refused=_error_text(exc))
            return self.render_to_response(context, status=409)
        messages.success(
            request,
            _(
                "Importazione completata da «%(file)s»: %(added)s voci aggiunte, %(changed)s "
                "modificate, %(removed)s eliminate."
            )
            % {
                "file": upload.file_name,
                "added": outcome.added,
                "changed": outcome.changed,
                "removed": outcome.removed,
            },
        )
        return redirect(self.draft_url())
