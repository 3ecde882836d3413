from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from matrice import opendata, queries, spreadsheets
from matrice.filters import ActionFilterSet
from matrice.models import Policy
from patto.cache.pages import frozen_fragment, public_page
from patto.core.exceptions import NotFound
from patto.core.mixins import FilteredListMixin, PublicVersionsMixin, VersionMixin
from patto.core.opendata import DownloadView
from tavoli.consultation import ConsultationMixin
from tavoli.views import consultation_context


@method_decorator(public_page(params=("politica",)), name="dispatch")
class MatrixView(ConsultationMixin, PublicVersionsMixin, TemplateView):
    """Tools × targets, for the whole plan or for one policy (``?politica=<code>``). A large
    matrix says how many actions each cell has, linked to them, and offers the policies
    (``queries.MATRIX_LISTS_UP_TO``)."""

    template_name = "matrice/matrix.html"

    def get_context_data(self, **kwargs):
        policies = list(Policy.objects.filter(version=self.version).order_by("position", "code"))
        policy = None
        code = self.request.GET.get("politica")
        if code:
            policy = next((p for p in policies if p.code == code), None)
            if policy is None:
                raise NotFound(_("Politica non trovata."))
        version = self.version

        def render():
            args = (self.programme.slug, version.number)
            context = {
                "matrix": queries.build_matrix(version, policy),
                "programme": self.programme,
                "version": version,
                "policy": policy,
                "policies": policies,
                "action_url": reverse("matrice:action", args=(*args, "_")).removesuffix("_/"),
            }
            return render_to_string("matrice/includes/matrix_body.html", context)

        body = frozen_fragment(f"matrix:{policy.code if policy else ''}", render, version)
        return super().get_context_data(
            **kwargs, policies=policies, policy=policy, matrix_body=mark_safe(body)
        )


@method_decorator(public_page(params=ActionFilterSet), name="dispatch")
class ActionListView(ConsultationMixin, PublicVersionsMixin, FilteredListMixin, FilterView):
    template_name = "matrice/action_list.html"
    filterset_class = ActionFilterSet
    paginate_by = 25
    context_object_name = "actions"

    def get_queryset(self):
        return queries.action_list(self.version)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["version"] = self.version
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        queries.label_actions(
            context["actions"],
            tools=self.filterset.items("strumento"),
            targets=self.filterset.items("destinatari"),
            zones=self.filterset.items("zona"),
        )
        return context


@method_decorator(public_page, name="dispatch")
class ActionDetailView(ConsultationMixin, PublicVersionsMixin, TemplateView):
    """An action of a public version, with the versions it appears in and its contributions."""

    template_name = "matrice/action_detail.html"

    def get_public_versions(self):
        """Each saying whether the action is in it: the page lists those."""
        slug, number, code = self.kwargs["slug"], self.kwargs["number"], self.kwargs["code"]
        return (
            super()
            .get_public_versions()
            .annotate(has_action=queries.has_action(slug, number, code))
        )

    def get_context_data(self, **kwargs):
        action = queries.action_detail(self.version, self.kwargs["code"])
        if action is None:
            raise NotFound(_("Azione non trovata."))
        action.version = self.version
        return super().get_context_data(
            **kwargs,
            action=action,
            versions=[version for version in self.public_versions if version.has_action],
            contributions=queries.contributions_behind(action),
            **consultation_context(
                self.version, self.request.user, action=action, consultation=self.consultation
            ),
        )


@method_decorator(public_page, name="dispatch")
class ActionsOpenDataView(VersionMixin, DownloadView):
    """``azioni.csv``, ``azioni-excel.csv``, ``azioni.json``: every action of a public
    version."""

    def get(self, request, *args, **kwargs):
        return opendata.actions_download(self.version, request, self.format)


@method_decorator(public_page, name="dispatch")
class PlanSpreadsheetView(VersionMixin, View):
    """``piano.ods`` / ``piano.xlsx``: the whole content of a public version as a spreadsheet,
    one sheet per level, as the redazione exports it (drafts answer 404)."""

    extension = "ods"

    def get(self, request, *args, **kwargs):
        return spreadsheets.download(self.version, self.extension)
