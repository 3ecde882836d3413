"""The redazione's pages on the zones, under /redazione/zone/. Included by
``patto.programme.staff_urls`` (namespace ``redazione``); names start with ``zone_``."""

from django.urls import path

from zone import staff_views

urlpatterns = [
    path("zone/importa/", staff_views.MembershipImportView.as_view(), name="zone_import"),
    path(
        "zone/importa/<int:pk>/",
        staff_views.MembershipImportPreviewView.as_view(),
        name="zone_import_preview",
    ),
]
