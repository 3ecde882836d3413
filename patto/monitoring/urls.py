"""Public pages of the monitoring of the plan in force."""

from django.urls import path

from patto.monitoring import views
from patto.monitoring.report_urls import urlpatterns as report_urls

app_name = "monitoring"

# a chart's CSV: <chart>.csv and <chart>-excel.csv (the Excel one first, as participation's)
CSV = (("excel", "{}-excel.csv"), ("csv", "{}.csv"))

urlpatterns = [
    path("programmi/<slug:slug>/attuazione/", views.OverviewView.as_view(), name="overview"),
    path(
        "programmi/<slug:slug>/attuazione/allegati/<int:pk>.pdf",
        views.AttachmentView.as_view(),
        name="attachment",
    ),
    *(
        path(
            "programmi/<slug:slug>/attuazione/" + pattern.format("<slug:chart>"),
            views.ChartCsvView.as_view(format=format),
            name=f"chart_{format}",
        )
        for format, pattern in CSV
    ),
]

urlpatterns += report_urls
