"""The redazione's pages on the zones: loading the Città Metropolitana's official list "Elenco
Comuni per Zona omogenea" (ODS or CSV), through the same importer as the
``import_zone_membership`` command. The file is read and shown first (what would change, comune
by comune); the memberships change only when a member of the redazione confirms it.

Every page is behind ``RedazioneRequiredMixin``; the services check the role again."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.core.permissions import RedazioneRequiredMixin
from zone import queries, services
from zone.forms import MembershipImportForm
from zone.models import MembershipImport
from zone.spreadsheet import MembershipImportError

RECENT_IMPORTS = 10


def max_upload_bytes() -> int:
    return settings.SPREADSHEET_MAX_UPLOAD_MB * 1024 * 1024


class MembershipImportView(RedazioneRequiredMixin, TemplateView):
    """Choose the official list to load. A file with problems comes back with every problem
    (row by row) and nothing kept; a good one leads to its preview."""

    # a body up to the upload limit (patto.core.guards)
    upload_limit_setting = "SPREADSHEET_MAX_UPLOAD_MB"

    template_name = "redazione/zone/import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", MembershipImportForm(max_bytes=max_upload_bytes()))
        return super().get_context_data(
            **kwargs,
            totals=queries.metropolitan_totals(),
            zones=queries.zone_list(),
            recent=MembershipImport.objects.select_related("uploaded_by")[:RECENT_IMPORTS],
        )

    def post(self, request, *args, **kwargs):
        form = MembershipImportForm(request.POST, request.FILES, max_bytes=max_upload_bytes())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            _result, stored = services.start_membership_import(
                by=request.user,
                content=upload.read(),
                file_name=upload.name,
                source_url=form.cleaned_data["source_url"],
            )
        except MembershipImportError as error:
            return self.render_to_response(
                self.get_context_data(form=form, problems=error.messages, file_name=upload.name)
            )
        return redirect("redazione:zone_import_preview", pk=stored.pk)


class MembershipImportPreviewView(RedazioneRequiredMixin, TemplateView):
    """What the uploaded list would change, and the button that applies it. Confirming checks
    that the file and the memberships are still those of the preview (409 otherwise, nothing
    written)."""

    template_name = "redazione/zone/import_preview.html"

    @cached_property
    def upload(self) -> MembershipImport:
        return get_object_or_404(
            MembershipImport.objects.select_related("uploaded_by", "applied_by"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        upload = self.upload
        context = {"upload": upload}
        if upload.status == MembershipImport.Status.PENDING:
            try:
                result, fresh = services.preview_membership_import(upload)
            except MembershipImportError as error:  # the zones changed under the file
                context["problems"] = error.messages
            else:
                context |= {"result": result, "fresh": fresh}
        return super().get_context_data(**kwargs, **context)

    def post(self, request, *args, **kwargs):
        upload = self.upload
        try:
            result = services.confirm_membership_import(
                upload=upload,
                by=request.user,
                sha256=request.POST.get("sha256", ""),
                state=request.POST.get("state", ""),
            )
        # StaleMembershipImportError, or MembershipImportError if the zones changed under it
        except ValidationError as error:
            context = self.get_context_data(refused=" ".join(error.messages))
            return self.render_to_response(context, status=409)
        messages.success(
            request,
            _(
                "Elenco ufficiale caricato da «%(file)s». Comuni assegnati per la prima volta: "
                "%(assigned)s; spostati in un'altra zona: %(moved)s; già nella zona indicata: "
                "%(unchanged)s."
            )
            % {
                "file": upload.file_name,
                "assigned": len(result.assigned),
                "moved": len(result.moved),
                "unchanged": result.unchanged,
            },
        )
        return redirect("redazione:zone_import")
