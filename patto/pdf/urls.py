"""URLs of a version's PDF. Included by ``patto.programme.urls``, so the names live in the
``patto`` namespace (``patto:pdf``, ``patto:pdf_status``, ``patto:pdf_request``,
``patto:pdf_retry``)."""

from django.urls import path

from patto.pdf import views

VERSION = "programmi/<slug:slug>/versioni/<int:number>/"

urlpatterns = [
    path(f"{VERSION}piano.pdf", views.PdfDownloadView.as_view(), name="pdf"),
    path(f"{VERSION}pdf/stato/", views.PdfStatusView.as_view(), name="pdf_status"),
    path(f"{VERSION}pdf/genera/", views.PdfRequestView.as_view(), name="pdf_request"),
    path(f"{VERSION}pdf/riprova/", views.PdfRetryView.as_view(), name="pdf_retry"),
]
