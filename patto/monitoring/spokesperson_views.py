"""The spokesperson's side of the monitoring (under /portavoce/attuazione/): the actions of the
plan in force that apply to their zones, a form to propose an update about one of them, and
their proposals with what became of them (waiting, published, or not published with the
staff's reason) and the PDFs they attached. The rule of who may propose what is
``patto.monitoring.permissions``; the write is ``patto.monitoring.services.add_update``."""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from matrice.models import Action
from patto.core.exceptions import NotFound
from patto.core.staff_views import save_through
from patto.models import MonitoringUpdate, Programme, UpdateAttachment, VersionStatus
from patto.monitoring import services
from patto.monitoring.attachments import attachment_response
from patto.monitoring.forms import ProposalForm
from patto.monitoring.permissions import zones_for_update
from zone.models import Zone

ACTIONS_PER_PAGE = 50


class SpokespersonAreaMixin(AccessMixin):
    """As the rest of the spokesperson area (``patto.validation.permissions``, a layer above
    this one): anonymous → login page; not a current spokesperson → 403. Sets ``self.zones``."""

    permission_denied_message = gettext_lazy(
        "Quest'area è riservata ai portavoce delle zone omogenee."
    )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.zones = list(Zone.objects.for_spokesperson(request.user).order_by("number"))
        if not self.zones:
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)


def actions_for_zones(zones):
    """The actions of the plans in force of the programmes ``zones`` validate that apply to
    one of them (the action names it, or names no zone). Subqueries rather than joins: no
    DISTINCT over the wide rows of the page (80 ms → 30 ms for the 3,900 actions of ten
    1,000-action plans)."""
    named = Action.zones.through.objects.filter(action_id=OuterRef("pk"))
    return Action.objects.filter(
        version__status=VersionStatus.PUBLISHED,
        version__programme__in=Programme.objects.filter(validating_zones__in=zones),
    ).filter(~Exists(named) | Exists(named.filter(zone__in=zones)))


class SpokespersonMonitoringView(SpokespersonAreaMixin, TemplateView):
    template_name = "monitoring/spokesperson/actions.html"

    def get_context_data(self, **kwargs):
        actions = (
            actions_for_zones(self.zones)
            .select_related("version__programme", "area__policy")
            .only(
                "key",
                "code",
                "title",
                "version__number",
                "version__programme__slug",
                "version__programme__title",
                "area__code",
                "area__title",
                "area__policy__code",
                "area__policy__title",
            )
            .order_by(
                "version__programme__title",
                "area__policy__position",
                "area__position",
                "position",
                "code",
            )
        )
        page = Paginator(actions, ACTIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        proposals = list(
            MonitoringUpdate.objects.filter(author=self.request.user)
            .exclude(zone=None)
            .select_related("zone", "programme")
            .prefetch_related("attachments")
            .order_by("-created_at", "-id")[:50]
        )
        titles = dict(
            Action.objects.filter(
                version__status=VersionStatus.PUBLISHED,
                key__in={p.action_key for p in proposals},
            ).values_list("key", "title")
        )
        for proposal in proposals:
            proposal.action_title = titles.get(proposal.action_key, "")
        return super().get_context_data(
            **kwargs,
            zones=self.zones,
            actions=list(page),
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            query_without_page="",
            proposals=proposals,
        )


class ProposeUpdateView(SpokespersonAreaMixin, TemplateView):
    """Propose an update about one of my zones for an action of the plan in force. An action
    that is not in force, or whose programme none of my zones validates, does not exist here
    (404); one that applies to none of my zones is refused (403)."""

    template_name = "monitoring/spokesperson/propose.html"

    @cached_property
    def action(self) -> Action:
        action = (
            Action.objects.filter(
                version__programme__slug=self.kwargs["slug"],
                version__programme__validating_zones__in=self.zones,
                version__status=VersionStatus.PUBLISHED,
                key=self.kwargs["key"],
            )
            .select_related("version__programme", "area__policy")
            .prefetch_related("zones")
            .first()
        )
        if action is None:
            raise NotFound(_("Questa azione non è nel piano in vigore."))
        return action

    @cached_property
    def allowed_zones(self):
        zones = zones_for_update(self.request.user, self.action)
        if not zones:
            raise PermissionDenied(_("Questa azione non riguarda le zone di cui sei portavoce."))
        return zones

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ProposalForm(zones=self.allowed_zones))
        return super().get_context_data(
            **kwargs, action=self.action, programme=self.action.version.programme
        )

    def post(self, request, *args, **kwargs):
        form = ProposalForm(request.POST, request.FILES, zones=self.allowed_zones)
        if form.is_valid():
            programme = self.action.version.programme
            outcome = save_through(
                form,
                services.add_update,
                programme=programme,
                action_key=self.action.key,
                by=request.user,
                **form.service_data(),
            )
            if outcome.ok:
                messages.success(
                    request,
                    _(
                        "Proposta inviata: la redazione la legge e la pubblica, oppure ti dice "
                        "perché non la pubblica."
                    ),
                )
                return HttpResponseRedirect(reverse("portavoce:monitoring"))
        return self.render_to_response(self.get_context_data(form=form))


class OwnAttachmentView(SpokespersonAreaMixin, View):
    """A PDF the spokesperson attached to one of their proposals, whatever became of it (to
    check what was sent, or to send it again after a refusal). Anyone else's answers 404, as if
    it did not exist; staff read them through ``staff_views.AttachmentView``."""

    def get(self, request, pk):
        attachment = get_object_or_404(UpdateAttachment, pk=pk, update__author=request.user)
        return attachment_response(attachment)
