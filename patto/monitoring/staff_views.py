"""The staff's pages of the monitoring of the plan in force (under /redazione/, every view
behind ``RedazioneRequiredMixin``): the actions of a programme's published version with where
each stands; one action's page, where staff record its state, progress and money, write dated
updates with PDF attachments, define indicators and record their values; the queue of the
updates the zones' spokespersons proposed, to publish or decline; the actions a new version
dropped, with the reason. Every write is one call to ``patto.monitoring.services``; a refused
form answers the same page with what was typed and the reason next to the field."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from matrice.models import Action
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import save_through
from patto.models import (
    ActionMonitoring,
    DroppedAction,
    ImplementationState,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    PlanVersion,
    UpdateAttachment,
    UpdateStatus,
    VersionStatus,
)
from patto.monitoring import services
from patto.monitoring.attachments import attachment_response
from patto.monitoring.forms import (
    ImplementationForm,
    IndicatorForm,
    IndicatorValueForm,
    ReasonForm,
    StaffActionFilterForm,
    UpdateForm,
)

ACTIONS_PER_PAGE = 50
QUEUE_PER_PAGE = 30


class PlanInForceMixin(RedazioneRequiredMixin, ProgrammeMixin):
    """The programme from the URL and its published version (``None`` when it has none)."""

    @cached_property
    def version(self) -> PlanVersion | None:
        version = self.programme.versions.filter(status=VersionStatus.PUBLISHED).first()
        if version is not None:
            version.programme = self.programme
        return version

    def get_context_data(self, **kwargs):
        kwargs.setdefault("version", self.version)
        # what waits for staff, in the tabs of every monitoring page
        kwargs.setdefault(
            "proposed_count",
            MonitoringUpdate.objects.filter(
                programme=self.programme, status=UpdateStatus.PROPOSED
            ).count(),
        )
        kwargs.setdefault(
            "unexplained_count",
            DroppedAction.objects.filter(programme=self.programme, reason="").count(),
        )
        return super().get_context_data(**kwargs)


def decline_form(pk: int, data=None) -> ReasonForm:
    return ReasonForm(
        data, prefix=f"rifiuta-{pk}", label=_("Perché non lo pubblichi (il portavoce lo legge)")
    )


def dropped_form(dropped: DroppedAction, data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix=f"motivo-{dropped.pk}",
        label=_("Perché l'azione non è più nel piano"),
        initial={"reason": dropped.reason},
    )


class MonitoringListView(PlanInForceMixin, TemplateView):
    """The actions of the plan in force, policy by policy and area by area, a page at a time,
    each with its state, progress and last update, narrowed by state and to those with
    proposals waiting (``StaffActionFilterForm``); and what waits for staff (proposed updates,
    dropped actions without a reason)."""

    template_name = "monitoring/staff/action_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.version is None:
            return context
        actions = (
            Action.objects.filter(version=self.version)
            .select_related("area__policy")
            .only(
                "key",
                "code",
                "title",
                "budget",
                "area__code",
                "area__title",
                "area__policy__code",
                "area__policy__title",
            )
            .order_by("area__policy__position", "area__position", "position", "code")
        )
        filters = StaffActionFilterForm(self.request.GET or None)
        if filters.is_valid():
            actions = self.narrowed(actions, filters.cleaned_data)
        query = self.request.GET.copy()
        query.pop("page", None)
        page = Paginator(actions, ACTIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        keys = [action.key for action in page]
        monitoring = {
            row.action_key: row
            for row in ActionMonitoring.objects.filter(
                programme=self.programme, action_key__in=keys
            )
        }
        updates = {
            row["action_key"]: row
            for row in MonitoringUpdate.objects.filter(
                programme=self.programme, action_key__in=keys
            )
            .values("action_key")
            .annotate(
                last=Max("happened_on", filter=Q(status=UpdateStatus.PUBLISHED)),
                proposed=Count("pk", filter=Q(status=UpdateStatus.PROPOSED)),
            )
        }
        for action in page:
            action.monitoring = monitoring.get(action.key)
            action.updates = updates.get(action.key, {})
        context.update(
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            actions=list(page),
            query_without_page=query.urlencode(),
            filter={"form": filters},
            is_filtered=filters.is_valid() and any(filters.cleaned_data.values()),
        )
        return context

    def narrowed(self, actions, chosen: dict):
        recorded = ActionMonitoring.objects.filter(
            programme=self.programme, action_key=OuterRef("key")
        )
        state = chosen["stato"]
        if state == ImplementationState.NOT_STARTED:
            actions = actions.filter(~Exists(recorded) | Exists(recorded.filter(state=state)))
        elif state:
            actions = actions.filter(Exists(recorded.filter(state=state)))
        if chosen["proposte"]:
            proposed = MonitoringUpdate.objects.filter(
                programme=self.programme, action_key=OuterRef("key"), status=UpdateStatus.PROPOSED
            )
            actions = actions.filter(Exists(proposed))
        return actions


class ActionMonitoringView(PlanInForceMixin, TemplateView):
    """One action of the plan in force: its state, progress and money; its updates (all of
    them, proposed and declined too); its indicators with their values; and a form for each.

    GET shows the page; POST to ``<part>/`` saves one form (``PARTS``). A refused form answers
    the page with that form as typed and the reason; a conflict (somebody saved the state in
    between) with both values, at status 409."""

    template_name = "monitoring/staff/action.html"
    PARTS = ("stato", "aggiornamento", "indicatore", "valore")

    @cached_property
    def action(self) -> Action:
        if self.version is None:
            raise NotFound(_("Questo programma non ha un piano in vigore."))
        action = (
            Action.objects.filter(version=self.version, key=self.kwargs["key"])
            .select_related("area__policy")
            .prefetch_related("zones")
            .first()
        )
        if action is None:
            raise NotFound(_("Questa azione non è nel piano in vigore."))
        action.version = self.version
        return action

    def monitoring(self) -> ActionMonitoring | None:
        return ActionMonitoring.objects.filter(
            programme=self.programme, action_key=self.action.key
        ).first()

    def indicators(self):
        return MonitoringIndicator.objects.filter(
            programme=self.programme, action_key=self.action.key
        )

    def forms(self, monitoring) -> dict:
        return {
            "state_form": ImplementationForm(monitoring=monitoring),
            "update_form": UpdateForm(),
            "indicator_form": IndicatorForm(),
            "value_form": IndicatorValueForm(indicators=self.indicators()),
        }

    def get_context_data(self, **kwargs):
        monitoring = kwargs.pop("monitoring", None) or self.monitoring()
        for name, form in self.forms(monitoring).items():
            kwargs.setdefault(name, form)
        updates = (
            MonitoringUpdate.objects.filter(programme=self.programme, action_key=self.action.key)
            .select_related("author", "zone", "published_by")
            .prefetch_related("attachments")
        )
        indicators = self.indicators().prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("-measured_on"))
        )
        return super().get_context_data(
            **kwargs,
            action=self.action,
            monitoring=monitoring,
            updates=updates,
            indicators=indicators,
        )

    def post(self, request, *args, **kwargs):
        action = self.action  # 404 for an action that is not in this programme's plan in force
        part = kwargs.get("part")
        if part is None:  # the page itself: each form posts to its own address
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if part not in self.PARTS:
            raise Http404
        common = {"programme": self.programme, "action_key": action.key, "by": request.user}
        if part == "stato":
            form = ImplementationForm(request.POST)
            name, message = "state_form", _("Stato di attuazione salvato.")

            def save():
                return services.record_implementation(
                    **common,
                    expected_revision=form.cleaned_data["revision"],
                    **form.service_data(),
                )

        elif part == "aggiornamento":
            form = UpdateForm(request.POST, request.FILES)
            name, message = "update_form", _("Aggiornamento pubblicato.")

            def save():
                return services.add_update(**common, **form.service_data())

        elif part == "indicatore":
            form = IndicatorForm(request.POST)
            name, message = "indicator_form", _("Indicatore aggiunto.")

            def save():
                return services.add_indicator(**common, **form.service_data())

        else:
            form = IndicatorValueForm(request.POST, indicators=self.indicators())
            name, message = "value_form", _("Valore dell'indicatore registrato.")

            def save():
                data = form.service_data()
                return services.record_indicator_value(by=request.user, **data)

        conflict = None
        if form.is_valid():
            outcome = save_through(form, save)
            if outcome.ok:
                messages.success(request, message)
                if part == "stato":
                    warn_if_spent_exceeds_committed(request, form.cleaned_data)
                return HttpResponseRedirect(
                    reverse("redazione:monitoring_action", args=[self.programme.slug, action.key])
                )
            conflict = outcome.conflict
        context = self.get_context_data(**{name: form}, conflict=conflict, refused=name)
        return self.render_to_response(context, status=409 if conflict is not None else 200)


def warn_if_spent_exceeds_committed(request, data: dict) -> None:
    """Money spent beyond what was committed is kept (a late commitment may follow), but the
    redazione is told, in case it is a slip of the keyboard."""
    committed, spent = data.get("committed"), data.get("spent")
    if committed is None or spent is None or spent <= committed:
        return
    messages.warning(
        request,
        _(
            "Le risorse spese (%(spent)s €) superano quelle impegnate (%(committed)s €). Se è "
            "un errore, correggi le cifre qui sotto."
        )
        % {
            "spent": number_format(spent, 2, force_grouping=True),
            "committed": number_format(committed, 2, force_grouping=True),
        },
    )


class ProposedUpdatesView(PlanInForceMixin, TemplateView):
    """The updates the zones' spokespersons proposed, oldest first, each with "publish" and
    "do not publish" (with the reason the spokesperson will read); then the last decided."""

    template_name = "monitoring/staff/proposals.html"

    def get_context_data(self, **kwargs):
        updates = MonitoringUpdate.objects.filter(programme=self.programme).select_related(
            "author", "zone"
        )
        proposed = Paginator(
            updates.filter(status=UpdateStatus.PROPOSED)
            .prefetch_related("attachments")
            .order_by("created_at", "id"),
            QUEUE_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        decided = list(
            updates.exclude(status=UpdateStatus.PROPOSED)
            .exclude(zone=None)
            .order_by("-created_at", "-id")[:10]
        )
        titles = dict(
            Action.objects.filter(
                version__programme=self.programme,
                key__in={u.action_key for u in [*proposed, *decided]},
            )
            .order_by("version__number")
            .values_list("key", "title")
        )
        for update in [*proposed, *decided]:
            update.action_title = titles.get(update.action_key, "")
        refused, refused_pk = kwargs.pop("decline_form", None), kwargs.pop("refused_pk", None)
        for update in proposed:
            update.decline_form = refused if update.pk == refused_pk else decline_form(update.pk)
        return super().get_context_data(
            **kwargs,
            page_obj=proposed,
            paginator=proposed.paginator,
            is_paginated=proposed.has_other_pages(),
            query_without_page="",
            proposed=list(proposed),
            decided=decided,
        )


class DecideProposalView(ProposedUpdatesView):
    """Publish a proposed update, or decline it with a reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        update = get_object_or_404(
            MonitoringUpdate, pk=kwargs["pk"], programme=self.programme, zone__isnull=False
        )
        back = reverse("redazione:monitoring_proposals", args=[self.programme.slug])
        if kwargs["decision"] == "pubblica":
            try:
                services.publish_update(update=update, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(
                    request, _("Aggiornamento «%(title)s» pubblicato.") % {"title": update.title}
                )
            return HttpResponseRedirect(back)
        if kwargs["decision"] != "rifiuta":
            raise Http404
        form = decline_form(update.pk, request.POST)
        if form.is_valid():
            outcome = save_through(
                form,
                services.decline_update,
                update=update,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            if outcome.ok:
                messages.success(
                    request,
                    _("Aggiornamento «%(title)s» non pubblicato: il portavoce legge il motivo.")
                    % {"title": update.title},
                )
                return HttpResponseRedirect(back)
        context = self.get_context_data(decline_form=form, refused_pk=update.pk)
        return self.render_to_response(context)


class DroppedActionsView(PlanInForceMixin, TemplateView):
    """The actions that a published version no longer has, with the reason staff give (the
    public reads it next to the action's monitoring)."""

    template_name = "monitoring/staff/dropped.html"

    def get_context_data(self, **kwargs):
        dropped = list(
            DroppedAction.objects.filter(programme=self.programme)
            .select_related("last_version", "dropped_in", "reason_by")
            .order_by("reason", "-dropped_in__number", "id")
        )
        titles = {
            (a["version_id"], a["key"]): a
            for a in Action.objects.filter(
                version_id__in={d.last_version_id for d in dropped},
                key__in={d.action_key for d in dropped},
            ).values("version_id", "key", "code", "title")
        }
        refused, refused_pk = kwargs.pop("reason_form", None), kwargs.pop("refused_pk", None)
        for item in dropped:
            item.action = titles.get((item.last_version_id, item.action_key))
            item.form = refused if item.pk == refused_pk else dropped_form(item)
        return super().get_context_data(**kwargs, dropped=dropped)


class ExplainDroppedView(DroppedActionsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        dropped = get_object_or_404(DroppedAction, pk=kwargs["pk"], programme=self.programme)
        form = dropped_form(dropped, request.POST)
        if form.is_valid():
            outcome = save_through(
                form,
                services.explain_dropped_action,
                dropped=dropped,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            if outcome.ok:
                messages.success(request, _("Motivo salvato."))
                return HttpResponseRedirect(
                    reverse("redazione:monitoring_dropped", args=[self.programme.slug])
                )
        context = self.get_context_data(reason_form=form, refused_pk=dropped.pk)
        return self.render_to_response(context)


class AttachmentView(RedazioneRequiredMixin, View):
    """An attachment as stored, whatever the update's status, for staff to read it before
    publishing."""

    def get(self, request, pk):
        return attachment_response(get_object_or_404(UpdateAttachment, pk=pk))
