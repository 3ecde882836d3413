"""The spokesperson's pages of the monitoring, under /portavoce/ (included by
``patto.validation.urls``, in the ``portavoce`` namespace)."""

from django.urls import path

from patto.monitoring import spokesperson_views

urlpatterns = [
    path(
        "attuazione/",
        spokesperson_views.SpokespersonMonitoringView.as_view(),
        name="monitoring",
    ),
    path(
        "attuazione/<slug:slug>/<uuid:key>/",
        spokesperson_views.ProposeUpdateView.as_view(),
        name="monitoring_propose",
    ),
    path(
        "attuazione/allegati/<int:pk>/allegato.pdf",
        spokesperson_views.OwnAttachmentView.as_view(),
        name="monitoring_attachment",
    ),
]
