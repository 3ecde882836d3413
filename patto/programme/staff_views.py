"""The redazione's home (the dashboard) and its side of a version's life: every version of a
programme (drafts included) with the transitions allowed from its state. Each button is a POST
to one service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from matrice.models import Action, Policy
from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.models import PlanVersion, VersionStatus
from patto.programme import services, staff_queries
from patto.programme.steps import consultation_step, steps_by_name, version_steps
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


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivo del ritiro"),
        max_length=services.WITHDRAWAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy(
            "Le zone lo leggono nell'email e nella loro area; resta nella storia della versione."
        ),
        error_messages={
            "required": gettext_lazy("Scrivi il motivo del ritiro: le zone lo leggeranno."),
            "max_length": gettext_lazy(
                "Il motivo è troppo lungo: al massimo %(limit_value)d caratteri "
                "(ne hai scritti %(show_value)d)."
            ),
        },
    )


class ProgrammeVersionsView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    """Every version of the programme with the steps its state leads to: those the redazione
    can take now as buttons, the others with the reason they cannot (``steps``)."""

    template_name = "redazione/programme_versions.html"

    def get_context_data(self, **kwargs):
        versions = list(
            self.programme.versions.select_related(
                "submitted_by", "published_by", "withdrawn_by"
            ).order_by("-number")
        )
        for version in versions:
            version.programme = self.programme
        has_zones = self.programme.validating_zones.exists()
        draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
        for version in versions:
            is_draft = version is draft
            version.steps = steps_by_name(
                version_steps(
                    version,
                    versions=versions,
                    has_zones=has_zones,
                    policy_count=Policy.objects.filter(version=version).count() if is_draft else 0,
                    action_count=Action.objects.filter(version=version).count() if is_draft else 0,
                )
            )
        in_validation = next((v for v in versions if v.status == VersionStatus.IN_VALIDATION), None)
        kwargs.setdefault("withdraw_form", WithdrawForm())
        return super().get_context_data(
            **kwargs,
            versions=versions,
            has_draft=draft is not None,
            has_zones=has_zones,
            in_validation=in_validation,
            validation_record=in_validation.validation_record() if in_validation else [],
            consultation=consultation_step(versions),
        )


class WithdrawVersionView(ProgrammeVersionsView):
    """Withdraw the version in validation, with a reason. A refused form answers the same page
    with the reason as typed and the error next to it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = get_object_or_404(PlanVersion, programme=self.programme, number=kwargs["number"])
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw_version(
                    version=version, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Versione %(number)s ritirata dalla validazione: le zone ricevono "
                        "un'email con il motivo."
                    )
                    % {"number": version.number},
                )
                return redirect("redazione:programme", slug=self.programme.slug)
        context = self.get_context_data(withdraw_form=form, withdraw_number=version.number)
        return self.render_to_response(context, status=400)


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


class VersionRemarksView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    """Every remark the zones wrote on a version, zone by zone, each leading to the item of the
    same key in the draft: what the redazione reads to prepare the next version."""

    template_name = "redazione/version_remarks.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(
            PlanVersion, programme=self.programme, number=self.kwargs["number"]
        )
        version.programme = self.programme
        rows = staff_queries.version_remarks(version)
        return super().get_context_data(
            **kwargs,
            version=version,
            rows=rows,
            remark_count=sum(
                len(row["validation"].remarks.all()) for row in rows if row["validation"]
            ),
        )


class DashboardView(RedazioneRequiredMixin, TemplateView):
    """What needs the redazione's attention, programme by programme."""

    template_name = "redazione/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **staff_queries.dashboard())
