"""Public addresses of the monitoring's open data and reports (included by ``urls.py``): the
monitoring files of a programme's plan in force, and its monitoring reports (PDF, per date)."""

from django.urls import path, re_path

from patto.core.opendata import FORMATS, file_name
from patto.monitoring import report_views
from patto.monitoring.opendata import FILES, MonitoringDownloadView

urlpatterns = [
    *(
        path(
            f"programmi/<slug:slug>/attuazione/dati/{file_name(file, format)}",
            MonitoringDownloadView.as_view(file=file, format=format),
            name=f"opendata_{file}_{format}",
        )
        for file in FILES
        for format in FORMATS
    ),
    path(
        "programmi/<slug:slug>/attuazione/rapporti/",
        report_views.ReportListView.as_view(),
        name="reports",
    ),
    re_path(
        r"^programmi/(?P<slug>[-\w]+)/attuazione/rapporti/(?P<as_of>\d{4}-\d{2}-\d{2})\.pdf$",
        report_views.ReportDownloadView.as_view(),
        name="report_pdf",
    ),
]

# under /redazione/ (included by ``staff_urls``, in the "redazione" namespace)
staff_urlpatterns = [
    path(
        "programmi/<slug:slug>/attuazione/rapporti/",
        report_views.StaffReportsView.as_view(),
        name="monitoring_reports",
    ),
]
