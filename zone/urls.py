from django.urls import path

from zone import views

app_name = "zone"

urlpatterns = [
    path("zone/", views.ZoneListView.as_view(), name="list"),
    path(
        "zone/cerca-comune/",
        views.MunicipalitySearchView.as_view(),
        name="municipality_search",
    ),
    path(
        "zone/comuni/<str:istat_code>/",
        views.MunicipalityDetailView.as_view(),
        name="municipality",
    ),
    path("zone/<int:number>/", views.ZoneDetailView.as_view(), name="detail"),
]
