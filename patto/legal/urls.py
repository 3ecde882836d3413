from django.urls import path

from patto.legal import views

app_name = "legal"

urlpatterns = [
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("note-legali/", views.LegalNotesView.as_view(), name="legal_notes"),
    path("cookie/", views.CookiesView.as_view(), name="cookies"),
    path("contatti/", views.ContactsView.as_view(), name="contacts"),
]
