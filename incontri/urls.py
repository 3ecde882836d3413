from django.urls import path

from incontri import views
from patto.core import opendata

app_name = "incontri"

urlpatterns = [
    path("incontri/", views.MeetingListView.as_view(), name="list"),
    path("incontri/<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("incontri/<int:pk>/iscrizione/", views.RegisterView.as_view(), name="register"),
    path(
        "incontri/iscrizioni/<int:pk>/annulla/",
        views.CancelRegistrationView.as_view(),
        name="registration_cancel",
    ),
    path("incontri/<int:pk>.ics", views.MeetingCalendarView.as_view(), name="ics"),
    path("incontri/<int:pk>/verbale.pdf", views.MinutesFileView.as_view(), name="minutes"),
    path(
        "programmi/<slug:slug>/incontri.ics",
        views.ProgrammeCalendarView.as_view(),
        name="programme_ics",
    ),
    *opendata.paths("dati-aperti/incontri", views.OpenDataView, "opendata"),
]
