"""The PDF of a version on the site: the download, the live status partial (polled by htmx
while the PDF is being prepared) and the staff's requests to render or retry it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin, VersionMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf import document, services, worker

STATUS_TEMPLATE = "patto/includes/pdf_status.html"
# htmx swaps a 286 answer like a 200 and stops polling: the state is final.
HTMX_STOP_POLLING = 286


class PdfVersionMixin(VersionMixin):
    """Only validated, published and archived versions have a PDF: a proposal under
    validation answers 404 here, as a draft does everywhere."""

    def dispatch(self, request, *args, **kwargs):
        if self.version.status not in worker.PDF_VERSION_STATUSES:
            raise NotFound(_("Questa versione non ha un PDF."))
        return super().dispatch(request, *args, **kwargs)


class PdfDownloadView(PdfVersionMixin, View):
    """The PDF file, under a readable name: the last one stored, also while a new one is being
    rendered (a version just published or archived, whose cover changes) or after a new render
    failed. Its ETag is the fingerprint of the content it was rendered from and the status on
    its cover, so a repeat download answers 304 Not Modified until the file changes."""

    def get(self, request, *args, **kwargs):
        version = self.version
        if not version.pdf_file:
            raise NotFound(_("Il PDF di questa versione non è ancora pronto."))
        etag = f'"{version.pdf_fingerprint}-{version.pdf_cover_status}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            not_modified.headers["ETag"] = etag
            patch_cache_control(not_modified, public=True, no_cache=True)
            return not_modified
        try:
            file = version.pdf_file.open("rb")
        except OSError as exc:
            raise NotFound(_("Il PDF di questa versione non è disponibile.")) from exc
        response = FileResponse(
            file,
            as_attachment=True,
            filename=document.download_filename(version),
            content_type="application/pdf",
        )
        response.headers["ETag"] = etag
        # the file of a version is rendered again when its cover changes (never its text): let
        # caches keep it, but ask them to check the ETag first
        patch_cache_control(response, public=True, no_cache=True)
        return response


@method_decorator(never_cache, name="dispatch")
class PdfStatusView(PdfVersionMixin, TemplateView):
    """The status partial alone, for htmx to poll while the PDF is pending or rendering."""

    template_name = STATUS_TEMPLATE

    def get_context_data(self, **kwargs):
        compact = bool(self.request.GET.get("compatto"))
        return super().get_context_data(**kwargs, compact=compact, inner=True)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.version.pdf_status not in (PdfStatus.PENDING, PdfStatus.RENDERING):
            response.status_code = HTMX_STOP_POLLING
        return response


class PdfActionView(RedazioneRequiredMixin, PdfVersionMixin, View):
    """A staff request about the PDF (POST only, CSRF-protected): anonymous visitors are sent
    to log in, anyone outside the Redazione gets 403. Answers htmx with the status partial,
    anyone else with a redirect to the version's page and a message."""

    http_method_names = ["post"]
    service = None
    done_message = ""

    def post(self, request, *args, **kwargs):
        version, error = self.version, None
        try:
            version = type(self).service(version=version, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        version.programme = self.programme
        if request.htmx:
            response = TemplateResponse(
                request,
                STATUS_TEMPLATE,
                {"programme": self.programme, "version": version, "pdf_action_error": error},
            )
            add_never_cache_headers(response)
            return response
        if error:
            messages.error(request, error)
        else:
            messages.success(request, self.done_message)
        return redirect(version.get_absolute_url())


class PdfRequestView(PdfActionView):
    service = staticmethod(services.request_pdf_render)
    done_message = gettext_lazy("Il PDF è in coda: sarà pronto tra poco.")


class PdfRetryView(PdfActionView):
    service = staticmethod(services.retry_pdf_render)
    done_message = gettext_lazy("Nuovo tentativo in coda: il PDF sarà pronto tra poco.")


@method_decorator(never_cache, name="dispatch")
class DraftPdfPreviewView(RedazioneRequiredMixin, ProgrammeMixin, View):
    """The PDF of the programme's draft, rendered now and marked as a draft on every page; it
    is never stored. Staff only (the mixin), and only while there is a draft (else 404). A
    refusal (too many actions) goes back to the programme's versions with the reason."""

    def get(self, request, *args, **kwargs):
        version = get_object_or_404(
            PlanVersion, programme=self.programme, status=VersionStatus.DRAFT
        )
        version.programme = self.programme
        try:
            rendered = services.preview_draft_pdf(version=version, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("redazione:programme", slug=self.programme.slug)
        response = HttpResponse(rendered.content, content_type="application/pdf")
        filename = document.download_filename(version, preview=True)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
