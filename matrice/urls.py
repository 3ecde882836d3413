from django.urls import path

from matrice import views

app_name = "matrice"

urlpatterns = [
    path("matrice/", views.MatrixView.as_view(), name="matrix"),
    path("azioni/", views.ActionListView.as_view(), name="actions"),
    path("azioni.csv", views.ActionsOpenDataView.as_view(format="csv"), name="actions_csv"),
    path("azioni.json", views.ActionsOpenDataView.as_view(format="json"), name="actions_json"),
    path("azioni/<str:code>/", views.ActionDetailView.as_view(), name="action"),
    path("piano.ods", views.PlanSpreadsheetView.as_view(extension="ods"), name="plan_ods"),
    path("piano.xlsx", views.PlanSpreadsheetView.as_view(extension="xlsx"), name="plan_xlsx"),
]
