"""Staff pages of the meetings, included by ``patto.programme.staff_urls`` under /redazione/
(namespace ``redazione``)."""

from django.urls import path

from incontri import staff_views

urlpatterns = [
    path("incontri/", staff_views.MeetingListView.as_view(), name="incontri_meetings"),
    path(
        "incontri/nuovo/",
        staff_views.MeetingCreateView.as_view(),
        name="incontri_meeting_create",
    ),
    path("incontri/<int:pk>/", staff_views.MeetingPageView.as_view(), name="incontri_meeting"),
    path(
        "incontri/<int:pk>/svolto/",
        staff_views.MeetingHeldView.as_view(),
        name="incontri_meeting_held",
    ),
    path(
        "incontri/<int:pk>/annulla/",
        staff_views.MeetingCancelView.as_view(),
        name="incontri_meeting_cancel",
    ),
    path(
        "incontri/<int:pk>/ripristina/",
        staff_views.MeetingRestoreView.as_view(),
        name="incontri_meeting_restore",
    ),
    path(
        "incontri/<int:pk>/verbale/",
        staff_views.MeetingMinutesView.as_view(),
        name="incontri_meeting_minutes",
    ),
    path(
        "incontri/<int:pk>/verbale.pdf",
        staff_views.MinutesFileView.as_view(),
        name="incontri_meeting_minutes_file",
    ),
    path(
        "incontri/<int:pk>/partecipanti/",
        staff_views.MeetingAttendanceView.as_view(),
        name="incontri_meeting_attendance",
    ),
    path(
        "incontri/<int:pk>/iscrizioni/",
        staff_views.MeetingRegistrationsView.as_view(),
        name="incontri_meeting_registrations",
    ),
    path(
        "incontri/<int:pk>/iscrizioni/presenze/",
        staff_views.MeetingPresencesView.as_view(),
        name="incontri_meeting_presences",
    ),
    path(
        "incontri/<int:pk>/iscrizioni.csv",
        staff_views.MeetingRegistrationsCSVView.as_view(),
        name="incontri_meeting_registrations_csv",
    ),
]
