from django.urls import path

from patto import views

app_name = "patto"

urlpatterns = [
    path("programmi/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
]
