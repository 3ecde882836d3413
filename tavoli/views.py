from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from patto.mixins import ProgrammeMixin
from patto.public_cache import public_page
from tavoli import opendata, queries
from tavoli.filters import ContributionFilterSet


@method_decorator(public_page, name="dispatch")
class TableListView(ProgrammeMixin, TemplateView):
    """The programme's thematic tables, grouped by phase, with their outcome counts."""

    template_name = "tavoli/table_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            tables=queries.tables_overview(self.programme),
            outcomes=queries.outcome_counts(queries.contributions_of(self.programme)),
        )


@method_decorator(public_page, name="dispatch")
class TableDetailView(ProgrammeMixin, TemplateView):
    """A table: its member bodies, the meetings that involved it, its contributions and what
    became of each."""

    template_name = "tavoli/table_detail.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("table", None)  # the URL's slug; the context's ``table`` is the object
        table = queries.table_detail(self.programme, self.kwargs["table"])
        return super().get_context_data(
            **kwargs, table=table, contributions=table.table_contributions
        )


@method_decorator(public_page, name="dispatch")
class ContributionListView(ProgrammeMixin, FilterView):
    """ "Hai detto, abbiamo fatto": every contribution of the programme and what became of it."""

    template_name = "tavoli/contribution_list.html"
    filterset_class = ContributionFilterSet
    paginate_by = 20
    context_object_name = "contributions"

    def get_queryset(self):
        return queries.contributions_for_display(self.programme)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["programme"] = self.programme
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        # The summary counts every outcome among the contributions the other filters select,
        # so each count can be a link that narrows the list to that outcome.
        query.pop("esito", None)
        context["query_without_outcome"] = query.urlencode()
        if not self.filterset.is_bound:
            context["outcomes"] = queries.outcome_counts(self.filterset.qs)
            context["selected_outcome"] = ""
        elif self.filterset.is_valid():
            context["outcomes"] = queries.outcome_counts(self.filterset.qs_without("esito"))
            context["selected_outcome"] = self.filterset.form.cleaned_data.get("esito", "")
        else:  # strict: an invalid filter lists nothing, so there is nothing to count
            context["outcomes"] = queries.OutcomeCounts.of([])
            context["selected_outcome"] = ""
        return context


@method_decorator(public_page, name="dispatch")
class OpenDataView(ProgrammeMixin, View):
    """The programme's contributions as open data. The list's filters apply here too, so the
    page's "download" links give the rows the visitor is looking at."""

    filterset_class = ContributionFilterSet

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), programme=self.programme
        )
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponseBadRequest(
                filterset.errors.as_text(), content_type="text/plain; charset=utf-8"
            )
        rows = opendata.records(
            filterset.qs, programme=self.programme, absolute_url=request.build_absolute_uri
        )
        return self.render(rows)

    def get_queryset(self):
        return queries.contributions_for_display(self.programme)

    def render(self, rows):
        raise NotImplementedError


class OpenDataCsvView(OpenDataView):
    def render(self, rows):
        response = HttpResponse(opendata.to_csv(rows), content_type="text/csv; charset=utf-8")
        filename = f"contributi-{self.programme.slug}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class OpenDataJsonView(OpenDataView):
    def render(self, rows):
        return JsonResponse(
            opendata.to_json(rows, programme=self.programme),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )


@method_decorator(public_page, name="dispatch")
class ContributionDetailView(ProgrammeMixin, TemplateView):
    template_name = "tavoli/contribution_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, contribution=queries.contribution_detail(self.programme, self.kwargs["pk"])
        )
