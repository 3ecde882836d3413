"""The spokesperson area: the versions waiting for the zones a person speaks for, what changed
since their zone last decided, and the decision (approve, or ask for changes with a reason)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from matrice.queries import plan_tree
from patto.models import ItemKind, PlanVersion, VersionStatus
from patto.validation import queries, services
from patto.validation.forms import DecisionForm
from patto.validation.permissions import SpokespersonRequiredMixin


class SpokespersonHomeView(SpokespersonRequiredMixin, TemplateView):
    template_name = "portavoce/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.home(self.request.user, self.zones))


class ReviewVersionView(SpokespersonRequiredMixin, TemplateView):
    """Read a version for one of my zones and decide. A zone the person does not speak for is
    refused (403); a version that is not public (a draft) does not exist here (404)."""

    template_name = "portavoce/review.html"

    @cached_property
    def zone(self):
        zone = next((z for z in self.zones if z.number == self.kwargs["zone_number"]), None)
        if zone is None:
            raise PermissionDenied(_("Non siete portavoce di questa zona."))
        return zone

    @cached_property
    def version(self):
        version = (
            PlanVersion.objects.public()
            .select_related("programme")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if (
            version is None
            or not version.programme.validating_zones.filter(pk=self.zone.pk).exists()
        ):
            raise Http404(_("Versione non trovata."))
        return version

    def get_context_data(self, form=None, **kwargs):
        version, zone = self.version, self.zone
        decision = (
            version.validations.filter(zone=zone)
            .select_related("decided_by")
            .prefetch_related("remarks")
            .first()
        )
        base = queries.last_decided_version(zone, version)
        policies = plan_tree(version)
        return super().get_context_data(
            **kwargs,
            version=version,
            programme=version.programme,
            zone=zone,
            decision=decision,
            can_decide=decision is None and version.status == VersionStatus.IN_VALIDATION,
            base=base,
            comparison=queries.comparison(base, version),
            policies=policies,
            form=form or DecisionForm(),
        )

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        remarks = self._remarks(request.POST)
        try:
            services.decide_validation(
                version=self.version,
                zone=self.zone,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                remarks=remarks,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("Decisione registrata per la %(zone)s.") % {"zone": self.zone},
        )
        return redirect("portavoce:review", pk=self.version.pk, zone_number=self.zone.number)

    def _remarks(self, data):
        """``remark-<kind>-<key>`` fields, one per item of the version, kept when not empty."""
        labels = queries.item_labels(self.version)
        remarks = []
        for name, text in data.items():
            if not name.startswith("remark-") or not text.strip():
                continue
            _prefix, kind, key = [*name.split("-", 2), "", ""][:3]
            if kind not in ItemKind.values or (kind, key) not in labels:
                continue  # an item not in this version: ignore rather than store nonsense
            remarks.append(
                services.Remark(ItemKind(kind), key, labels[(kind, key)], text.strip()[:2000])
            )
        return remarks
