"""The public pages of the monitoring of the plan in force: the overview of a programme
(``/programmi/<slug>/attuazione/``) and the CSV of each of its charts. An action's own
monitoring is on its page (``matrice:action``), through the ``patto_monitoring`` template tag.
Public pages, cached like the others (``patto.cache.pages``): recording anything saves a model,
which renders them again."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from matrice.models import Action
from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.core.opendata import CSV_TYPE, FORMATS, LICENCE_URL, DownloadView, file_name
from patto.core.titles import list_title_details
from patto.models import UpdateAttachment, UpdateStatus
from patto.monitoring import queries
from patto.monitoring.attachments import attachment_response
from patto.monitoring.filters import OverviewFilterSet

# The list of the actions, one by one, a page at a time: a plan may have a thousand of them, and
# the tallies, charts and tables above already count them all.
ACTIONS_PER_PAGE = 50


class OverviewMixin(ProgrammeMixin):
    """The plan in force of the programme in the URL and its actions as filtered."""

    @cached_property
    def version(self):
        return queries.plan_in_force(self.programme)

    @cached_property
    def filterset(self) -> OverviewFilterSet | None:
        if self.version is None:
            return None
        return OverviewFilterSet(
            self.request.GET or None,
            queryset=Action.objects.filter(version=self.version),
            version=self.version,
        )

    @cached_property
    def monitoring(self) -> dict:
        return queries.monitoring_by_key(self.programme.pk)

    @cached_property
    def overview(self) -> queries.Overview:
        filterset = self.filterset
        valid = not filterset.is_bound or filterset.is_valid()
        actions = filterset.qs if valid else filterset.queryset.none()
        return queries.overview(self.version, actions, self.monitoring)

    def csv_url(self, slug: str, format: str) -> str:
        url = reverse(f"monitoring:chart_{format}", args=[self.programme.slug, slug])
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url


@method_decorator(public_page(params=OverviewFilterSet), name="dispatch")
class OverviewView(OverviewMixin, TemplateView):
    """How the plan in force is going: per policy and action area, the actions in each state,
    the average progress and the money; the list of actions; the latest updates; the actions a
    later version dropped, and why."""

    template_name = "monitoring/overview.html"

    def get_context_data(self, **kwargs):
        context = {"version": self.version}
        if self.version is not None:
            overview = self.overview
            context.update(
                overview=overview,
                filter=self.filterset,
                is_filtered=any(self.request.GET.values()),
                title_details=list_title_details(self.filterset.form, None),
                charts={
                    slug: {
                        "chart": chart,
                        "csv_url": self.csv_url(slug, "csv"),
                        "excel_url": self.csv_url(slug, "excel"),
                    }
                    for slug, chart in overview.all_charts().items()
                },
                **self.actions_page(overview.actions),
                updates=queries.latest_updates(self.version, overview.actions),
                dropped=queries.dropped_actions(self.programme, self.monitoring),
            )
        return super().get_context_data(**kwargs, **context)

    def actions_page(self, actions: list) -> dict:
        """The page of the action list ``?page=`` asks for (the first for a wrong number), and
        the filters to keep in the links to the other pages."""
        paginator = Paginator(actions, ACTIONS_PER_PAGE)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "page_obj": paginator.get_page(self.request.GET.get("page")),
            "paginator": paginator,
            "query_without_page": query.urlencode(),
        }


@method_decorator(public_page(params=OverviewFilterSet), name="dispatch")
class ChartCsvView(OverviewMixin, DownloadView):
    """The numbers of one chart of the overview, with the same filters, as its table shows
    them: the standard CSV or the one for Excel."""

    def get(self, request, *args, **kwargs):
        if self.version is None:
            raise NotFound(_("Questo programma non ha ancora un piano in vigore."))
        chart = self.overview.chart(kwargs["chart"])
        if chart is None:
            raise NotFound(_("Grafico non trovato."))
        stem = f"attuazione-{self.programme.slug}-{chart.slug}"
        response = HttpResponse(chart.csv(FORMATS[self.format]), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, file_name(stem, self.format)
        )
        page = request.build_absolute_uri(
            reverse("monitoring:overview", args=[self.programme.slug]) + "#" + chart.dom_id
        )
        response["Link"] = f'<{LICENCE_URL}>; rel="license", <{page}>; rel="describedby"'
        return response


class AttachmentView(View):
    """A PDF attached to a published update, served by the portal (media need not be public,
    as the minutes of a meeting). An update still proposed, or declined, has none to anyone
    but staff (``staff_views.AttachmentView``)."""

    def get(self, request, slug, pk):
        attachment = get_object_or_404(
            UpdateAttachment,
            pk=pk,
            update__programme__slug=slug,
            update__status=UpdateStatus.PUBLISHED,
        )
        return attachment_response(attachment)
