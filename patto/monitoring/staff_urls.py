"""The staff's pages of the monitoring of the plan in force, under /redazione/ (included by
``patto.programme.staff_urls``)."""

from django.urls import path

from patto.monitoring import staff_views
from patto.monitoring.report_urls import staff_urlpatterns as report_staff_urls

PREFIX = "programmi/<slug:slug>/attuazione/"

urlpatterns = [
    path(PREFIX, staff_views.MonitoringListView.as_view(), name="monitoring"),
    path(
        PREFIX + "azioni/<uuid:key>/",
        staff_views.ActionMonitoringView.as_view(),
        name="monitoring_action",
    ),
    path(
        PREFIX + "azioni/<uuid:key>/<str:part>/",
        staff_views.ActionMonitoringView.as_view(http_method_names=["post"]),
        name="monitoring_action_save",
    ),
    path(
        PREFIX + "proposte/", staff_views.ProposedUpdatesView.as_view(), name="monitoring_proposals"
    ),
    path(
        PREFIX + "proposte/<int:pk>/<str:decision>/",
        staff_views.DecideProposalView.as_view(),
        name="monitoring_proposal_decide",
    ),
    path(PREFIX + "tolte/", staff_views.DroppedActionsView.as_view(), name="monitoring_dropped"),
    path(
        PREFIX + "tolte/<int:pk>/",
        staff_views.ExplainDroppedView.as_view(),
        name="monitoring_dropped_explain",
    ),
    path(
        "attuazione/allegati/<int:pk>/allegato.pdf",
        staff_views.AttachmentView.as_view(),
        name="monitoring_attachment",
    ),
]

urlpatterns += report_staff_urls
