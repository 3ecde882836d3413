"""The participation pages: a programme's (``/programmi/<programma>/partecipazione/``) and the
whole portal's (``/partecipazione/``), and the CSV of each of their charts. All of them are public
pages, cached like the others (``patto.cache.pages``): a save anywhere in the portal's content
renders them again, and so does midnight (how long a contribution has been waiting is counted in
days up to today)."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.core.opendata import CSV_TYPE, FORMATS, LICENCE_URL, DownloadView, file_name
from patto.participation.report import Report, charts_for


class ReportMixin:
    """The report of the programme in the URL (``self.programme``) or of the whole portal."""

    programme = None

    def get_report(self) -> Report:
        return Report(self.programme)

    def page_url(self) -> str:
        if self.programme is not None:
            return reverse("participation:programme", args=[self.programme.slug])
        return reverse("participation:portal")

    def csv_url(self, slug: str, format: str) -> str:
        name = f"participation:{'programme' if self.programme else 'portal'}_chart_{format}"
        args = [self.programme.slug, slug] if self.programme is not None else [slug]
        return reverse(name, args=args)


class ReportView(ReportMixin, TemplateView):
    def get_context_data(self, **kwargs):
        report = self.get_report()
        charts = {
            slug.replace("-", "_"): {
                "chart": report.chart(slug),
                "csv_url": self.csv_url(slug, "csv"),
                "excel_url": self.csv_url(slug, "excel"),
            }
            for slug in charts_for(self.programme)
        }
        return super().get_context_data(**kwargs, report=report, charts=charts)


@method_decorator(public_page, name="dispatch")
class ProgrammeParticipationView(ProgrammeMixin, ReportView):
    """A programme's participation in numbers."""

    template_name = "participation/programme.html"


@method_decorator(public_page, name="dispatch")
class PortalParticipationView(ReportView):
    """The participation in every programme, in numbers."""

    template_name = "participation/portal.html"


class ChartCsvView(ReportMixin, DownloadView):
    """The numbers of one chart, as its table shows them, in the standard CSV or the one for
    Excel (``patto.core.spreadsheets``). Only the queries of that chart run."""

    def get(self, request, *args, **kwargs):
        chart = self.get_report().chart(kwargs["chart"])
        if chart is None:
            raise NotFound(_("Grafico non trovato."))
        stem = "-".join(
            ["partecipazione", *([self.programme.slug] if self.programme else []), chart.slug]
        )
        response = HttpResponse(chart.csv(FORMATS[self.format]), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, file_name(stem, self.format)
        )
        page = request.build_absolute_uri(self.page_url() + "#" + chart.dom_id)
        response["Link"] = f'<{LICENCE_URL}>; rel="license", <{page}>; rel="describedby"'
        return response


@method_decorator(public_page, name="dispatch")
class ProgrammeChartCsvView(ProgrammeMixin, ChartCsvView):
    pass


@method_decorator(public_page, name="dispatch")
class PortalChartCsvView(ChartCsvView):
    pass
