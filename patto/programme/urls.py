from django.urls import include, path

from patto.programme import views
from patto.programme.compare_views import CompareView

app_name = "patto"

urlpatterns = [
    path("dati-aperti/", views.OpenDataView.as_view(), name="open_data"),
    path("accessibilita/", views.AccessibilityView.as_view(), name="accessibility"),
    path("programmi/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmi/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("programmi/<slug:slug>/piano/", views.PublishedPlanView.as_view(), name="published"),
    path("programmi/<slug:slug>/versioni/", views.VersionListView.as_view(), name="versions"),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/",
        views.VersionDetailView.as_view(),
        name="version",
    ),
    path("programmi/<slug:slug>/confronta/", CompareView.as_view(), name="compare"),
    path("", include("patto.pdf.urls")),  # the PDF of a version, in this namespace
]
