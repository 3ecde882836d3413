"""The monitoring reports' pages: the staff's (choose a date, see each report's state and its
error, ask again) under /redazione/, and the public list and downloads under
/programmi/<slug>/attuazione/rapporti/."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from patto.core.articles import article_before_number
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_forms import DateInput, ServiceErrorsMixin
from patto.models import MonitoringReport
from patto.monitoring import report
from patto.monitoring.report_services import request_report


class ReportRequestForm(ServiceErrorsMixin, forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("Alla data"),
        widget=DateInput,
        help_text=gettext_lazy(
            "Il rapporto mostra il piano in vigore a quella data, con lo stato, l'avanzamento, "
            "le risorse e gli indicatori registrati fino a quel giorno."
        ),
    )


def download_filename(row: MonitoringReport) -> str:
    return f"{row.programme.slug}-rapporto-di-monitoraggio-{row.as_of.isoformat()}.pdf"


@method_decorator(never_cache, name="dispatch")
class StaffReportsView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    """GET: the programme's reports with their state (an error in full), and the form. POST:
    ask for the report at a date (again, for a date that has one)."""

    template_name = "monitoring/report/staff_reports.html"

    def get_context_data(self, form=None, **kwargs):
        reports = MonitoringReport.objects.filter(programme=self.programme).select_related(
            "version", "requested_by"
        )
        return super().get_context_data(
            **kwargs,
            form=form or ReportRequestForm(initial={"as_of": timezone.localdate()}),
            reports=reports,
            has_plan=report.version_in_force(self.programme, timezone.localdate()) is not None,
        )

    def post(self, request, *args, **kwargs):
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            try:
                row = request_report(
                    programme=self.programme, as_of=form.cleaned_data["as_of"], by=request.user
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Rapporto %(as_of)s%(date)s richiesto: sarà pronto tra qualche minuto.")
                    % {
                        "as_of": article_before_number(row.as_of, "al"),
                        "date": date_format(row.as_of, "j E Y"),
                    },
                )
                return redirect("redazione:monitoring_reports", slug=self.programme.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportListView(ProgrammeMixin, TemplateView):
    """The programme's monitoring reports that have a PDF, the latest date first."""

    template_name = "monitoring/report/report_list.html"

    def get_context_data(self, **kwargs):
        reports = (
            MonitoringReport.objects.filter(programme=self.programme)
            .exclude(pdf_file="")
            .select_related("version")
        )
        return super().get_context_data(**kwargs, reports=reports)


class ReportDownloadView(ProgrammeMixin, View):
    """The PDF of the report at a date: the last complete one (a render under way or failed
    leaves it as it was)."""

    def get(self, request, *args, **kwargs):
        try:
            as_of = datetime.date.fromisoformat(kwargs["as_of"])
        except ValueError as exc:
            raise NotFound(_("Data non valida.")) from exc
        row = (
            MonitoringReport.objects.filter(programme=self.programme, as_of=as_of)
            .exclude(pdf_file="")
            .select_related("programme")
            .first()
        )
        if row is None:
            raise NotFound(_("Non c'è un rapporto di monitoraggio a questa data."))
        try:
            file = row.pdf_file.open("rb")
        except OSError as exc:
            raise NotFound(_("Il PDF di questo rapporto non è disponibile.")) from exc
        return FileResponse(
            file,
            as_attachment=True,
            filename=download_filename(row),
            content_type="application/pdf",
        )
