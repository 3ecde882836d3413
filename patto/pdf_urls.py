"""URLs of a version's PDF. Included by ``patto.public_urls``, so the names live in the
``patto`` namespace (``patto:pdf``, ``patto:pdf_status``, ``patto:pdf_request``,
``patto:pdf_retry``)."""

from django.urls import path

from patto import pdf_views

VERSION = "programmi/<slug:slug>/versioni/<int:number>/"

urlpatterns = [
    path(f"{VERSION}piano.pdf", pdf_views.PdfDownloadView.as_view(), name="pdf"),
    path(f"{VERSION}pdf/stato/", pdf_views.PdfStatusView.as_view(), name="pdf_status"),
    path(f"{VERSION}pdf/genera/", pdf_views.PdfRequestView.as_view(), name="pdf_request"),
    path(f"{VERSION}pdf/riprova/", pdf_views.PdfRetryView.as_view(), name="pdf_retry"),
]
