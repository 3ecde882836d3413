"""The staff area ("redazione"), under /redazione/. Each app adds its own pages here through its
``staff_urls`` module; every view is behind ``RedazioneRequiredMixin``."""

from django.urls import path

from incontri import staff_urls as incontri_staff
from matrice import staff_urls as matrice_staff
from patto.feedback.views import PageRatingsView
from patto.monitoring import staff_urls as monitoring_staff
from patto.pdf import views as pdf_views
from patto.programme import staff_views
from patto.programme import staff_views as version_staff_views
from tavoli import staff_urls as tavoli_staff
from zone import staff_urls as zone_staff

app_name = "redazione"

urlpatterns = [
    path("", staff_views.DashboardView.as_view(), name="dashboard"),
    path("valutazioni/", PageRatingsView.as_view(), name="page_ratings"),
    path(
        "programmi/<slug:slug>/",
        version_staff_views.ProgrammeVersionsView.as_view(),
        name="programme",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/ritira/",
        version_staff_views.WithdrawVersionView.as_view(),
        name="version_withdraw",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/osservazioni/",
        version_staff_views.VersionRemarksView.as_view(),
        name="version_remarks",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/invia/",
        version_staff_views.SubmitVersionView.as_view(),
        name="version_submit",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/nota/",
        version_staff_views.ChangeNoteView.as_view(),
        name="version_note",
    ),
    path(
        "programmi/<slug:slug>/bozza/anteprima.pdf",
        pdf_views.DraftPdfPreviewView.as_view(),
        name="draft_pdf_preview",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/<str:transition>/",
        version_staff_views.VersionTransitionView.as_view(),
        name="version_transition",
    ),
    path(
        "programmi/<slug:slug>/esporta.json",
        version_staff_views.ProgrammeExportView.as_view(),
        name="programme_export",
    ),
    path(
        "programmi/<slug:slug>/nuova-versione/",
        version_staff_views.NewVersionView.as_view(),
        name="new_version",
    ),
    *matrice_staff.urlpatterns,
    *tavoli_staff.urlpatterns,
    *incontri_staff.urlpatterns,
    *zone_staff.urlpatterns,
    *monitoring_staff.urlpatterns,
]
