from django.urls import path

from patto.feedback import views

app_name = "feedback"

urlpatterns = [
    path("valuta/", views.RatePageView.as_view(), name="rate"),
    path("valuta/dettagli/", views.RatingDetailsView.as_view(), name="details"),
]
