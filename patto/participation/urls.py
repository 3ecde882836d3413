from django.urls import path

from patto.participation import views

app_name = "participation"

# a chart's CSV: <chart>.csv (standard) and <chart>-excel.csv (for Excel); the Excel one first,
# since a chart's slug may hold a "-"
CSV = (("excel", "{}-excel.csv"), ("csv", "{}.csv"))

urlpatterns = [
    path("partecipazione/", views.PortalParticipationView.as_view(), name="portal"),
    path(
        "programmi/<slug:slug>/partecipazione/",
        views.ProgrammeParticipationView.as_view(),
        name="programme",
    ),
    *(
        path(
            "partecipazione/" + pattern.format("<slug:chart>"),
            views.PortalChartCsvView.as_view(format=format),
            name=f"portal_chart_{format}",
        )
        for format, pattern in CSV
    ),
    *(
        path(
            "programmi/<slug:slug>/partecipazione/" + pattern.format("<slug:chart>"),
            views.ProgrammeChartCsvView.as_view(format=format),
            name=f"programme_chart_{format}",
        )
        for format, pattern in CSV
    ),
]
