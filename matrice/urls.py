from django.urls import path

from matrice import views
from patto.core import opendata

app_name = "matrice"

urlpatterns = [
    path("matrice/", views.MatrixView.as_view(), name="matrix"),
    path("azioni/", views.ActionListView.as_view(), name="actions"),
    *opendata.paths("azioni", views.ActionsOpenDataView, "actions"),
    path("azioni/<str:code>/", views.ActionDetailView.as_view(), name="action"),
    path("piano.ods", views.PlanSpreadsheetView.as_view(extension="ods"), name="plan_ods"),
    path("piano.xlsx", views.PlanSpreadsheetView.as_view(extension="xlsx"), name="plan_xlsx"),
]
