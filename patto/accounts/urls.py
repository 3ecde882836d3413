from django.urls import path

from patto.accounts import views
from patto.accounts.session_expiry import SessionStatusView

app_name = "profile"

urlpatterns = [
    path("profilo/", views.ProfileView.as_view(), name="detail"),
    path("profilo/email/", views.EmailPreferencesView.as_view(), name="email_preferences"),
    path("profilo/sessione/", SessionStatusView.as_view(), name="session"),
    path("profilo/elimina/", views.DeleteAccountView.as_view(), name="delete"),
    path("profilo/i-miei-dati.json", views.PersonalDataView.as_view(), name="personal_data"),
    path("programmi/<slug:slug>/segui/", views.FollowView.as_view(), name="follow"),
    path(
        "programmi/<slug:slug>/non-seguire/",
        views.FollowView.as_view(follow=False),
        name="unfollow",
    ),
    path("programmi/<slug:slug>/riepilogo/", views.DigestView.as_view(), name="digest"),
]
