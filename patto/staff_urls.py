"""The staff area ("redazione"), under /redazione/. Each app adds its own pages here through its
``staff_urls`` module; every view is behind ``RedazioneRequiredMixin``."""

from django.urls import path

from patto import staff_views

app_name = "redazione"

urlpatterns = [
    path("", staff_views.DashboardView.as_view(), name="dashboard"),
]
