from django.urls import path

from patto.monitoring import spokesperson_urls as monitoring_spokesperson
from patto.validation import views

app_name = "portavoce"

urlpatterns = [
    path("", views.SpokespersonHomeView.as_view(), name="home"),
    path(
        "versioni/<int:pk>/zona/<int:zone_number>/",
        views.ReviewVersionView.as_view(),
        name="review",
    ),
    *monitoring_spokesperson.urlpatterns,
]
