"""The redazione's home (the dashboard) and its side of a version's life: every version of a
programme (drafts included) with the transitions allowed from its state. Each button is a POST
to one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.models import PlanVersion, VersionStatus
from patto.programme import services, staff_queries
from patto.programme.transfer import dumps, export_programme

TRANSITIONS = {
    "invia": (services.submit_version, _("Versione %(number)s inviata alla validazione.")),
    "valida": (services.validate_by_staff, _("Versione %(number)s validata.")),
    "pubblica": (services.publish_version, _("Versione %(number)s pubblicata.")),
}


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Operazione non consentita.")


class ProgrammeVersionsView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    template_name = "redazione/programme_versions.html"

    def get_context_data(self, **kwargs):
        versions = list(
            self.programme.versions.select_related("submitted_by", "published_by").order_by(
                "-number"
            )
        )
        in_validation = next((v for v in versions if v.status == VersionStatus.IN_VALIDATION), None)
        return super().get_context_data(
            **kwargs,
            versions=versions,
            has_draft=any(v.status == VersionStatus.DRAFT for v in versions),
            has_zones=self.programme.validating_zones.exists(),
            in_validation=in_validation,
            validation_record=in_validation.validation_record() if in_validation else [],
        )


class NewVersionView(RedazioneRequiredMixin, ProgrammeMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            version = services.create_version(
                programme=self.programme,
                by=request.user,
                change_note=request.POST.get("change_note", "").strip(),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _(
                    "Creata la versione %(number)s, copia della precedente: ora è la bozza da "
                    "modificare."
                )
                % {"number": version.number},
            )
        return redirect("redazione:programme", slug=self.programme.slug)


class VersionTransitionView(RedazioneRequiredMixin, ProgrammeMixin, View):
    def post(self, request, *args, **kwargs):
        if kwargs["transition"] not in TRANSITIONS:
            raise Http404
        service, success = TRANSITIONS[kwargs["transition"]]
        version = get_object_or_404(PlanVersion, programme=self.programme, number=kwargs["number"])
        try:
            service(version=version, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, success % {"number": version.number})
        return redirect(reverse("redazione:programme", args=[self.programme.slug]))


class ProgrammeExportView(RedazioneRequiredMixin, ProgrammeMixin, View):
    """The whole programme as JSON (``patto.programme.transfer``), to keep or to import elsewhere
    with ``manage.py import_programme``."""

    def get(self, request, *args, **kwargs):
        text = dumps(export_programme(self.programme))
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.programme.slug}.json"'
        return response


class DashboardView(RedazioneRequiredMixin, TemplateView):
    """What needs the redazione's attention, programme by programme."""

    template_name = "redazione/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **staff_queries.dashboard())
