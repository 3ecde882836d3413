from django.urls import path

from patto.accounts.spid import views

app_name = "spid"

urlpatterns = [
    path("metadata/", views.MetadataView.as_view(), name="metadata"),
    path("accedi/", views.LoginView.as_view(), name="login"),
    path("acs/", views.AssertionConsumerView.as_view(), name="acs"),
    path("esci/", views.SingleLogoutView.as_view(), name="slo"),
    path("email/", views.EmailView.as_view(), name="email"),
]
