from django.urls import path

from patto.search import views

app_name = "search"

urlpatterns = [
    path("cerca/", views.SearchView.as_view(), name="results"),
]
