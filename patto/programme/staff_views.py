"""The redazione's home (the dashboard) and its side of a version's life: every version of a
programme (drafts included) with the transitions allowed from its state. Each button is a POST
to one service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from matrice.models import Action, Policy
from patto.core.articles import article_before_number
from patto.core.mixins import ProgrammeMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_forms import ServiceErrorsMixin, Text
from patto.core.staff_views import safe_next
from patto.models import PlanVersion, VersionStatus
from patto.programme import services, staff_queries
from patto.programme.steps import consultation_step, steps_by_name, version_steps
from patto.programme.transfer import dumps, export_programme

# Sending to the validation has its own confirmation page: ``SubmitVersionView``.
TRANSITIONS = {
    "valida": (services.validate_by_staff, _("Versione %(number)s validata.")),
    "pubblica": (services.publish_version, _("Versione %(number)s pubblicata.")),
}


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Operazione non consentita.")


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = Text(
        label=gettext_lazy("Motivo del ritiro"),
        max_length=services.WITHDRAWAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy(
            "Le zone lo leggono nell'email e nella loro area; resta nella storia della versione."
        ),
        error_messages={
            "required": gettext_lazy("Scrivi il motivo del ritiro: le zone lo leggeranno."),
            "max_length": gettext_lazy(
                "Il motivo è troppo lungo: al massimo %(limit_value)s caratteri "
                "(ne hai scritti %(show_value)s)."
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
        kwargs.setdefault("new_version_form", NewVersionForm())
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
                form.add_service_error(exc)
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


def _already_sent(request, version: PlanVersion) -> None:
    """The message for a version that left the draft before this request: a second click, a
    reload, or a colleague who sent it first. Nothing was done."""
    messages.info(
        request,
        _(
            "La versione %(number)s è già stata inviata %(on)s%(date)s: non è stato fatto nulla "
            "di nuovo."
        )
        % {
            "number": version.number,
            "on": article_before_number(version.submitted_at, "il"),
            "date": date_format(timezone.localtime(version.submitted_at), "j E Y, H:i"),
        }
        if version.submitted_at
        else _("La versione %(number)s non è più una bozza: non è stato fatto nulla di nuovo.")
        % {"number": version.number},
    )


def confirmed_stamp(version: PlanVersion, policy_count: int, action_count: int) -> str:
    """What the send confirmation showed of a draft: its note and how many policies and
    actions it has. Sent back with the POST, it tells whether the draft changed meanwhile."""
    note = services.change_note_fingerprint(version.change_note)
    return f"{note}:{policy_count}:{action_count}"


class SubmitVersionView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    """Sending a draft to the validation, in two steps. GET says what will happen (the version
    is frozen; who gets an e-mail; it becomes public as a proposal), shows the version note and
    warns when it is empty or when the draft is the same as the version it was copied from.
    POST sends it, through ``services.submit_version`` only. A version that is no longer a
    draft (a second click, a reload, a colleague first) answers the versions page with what
    happened, and nothing is done twice."""

    template_name = "redazione/version_submit.html"

    def get_version(self) -> PlanVersion:
        version = get_object_or_404(
            PlanVersion.objects.select_related("based_on"),
            programme=self.programme,
            number=self.kwargs["number"],
        )
        version.programme = self.programme
        return version

    def versions_page(self):
        return redirect("redazione:programme", slug=self.programme.slug)

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        if not version.is_draft:
            _already_sent(request, version)
            return self.versions_page()
        return self.render_to_response(self.get_context_data(version=version))

    def get_context_data(self, **kwargs):
        version = kwargs["version"]
        versions = list(self.programme.versions.order_by("-number"))
        preview = staff_queries.submission_preview(version)
        has_zones = bool(preview.zones)
        step = steps_by_name(
            version_steps(
                version,
                versions=versions,
                has_zones=has_zones,
                policy_count=preview.policy_count,
                action_count=preview.action_count,
            )
        )["invia"]
        return super().get_context_data(
            **kwargs,
            preview=preview,
            has_zones=has_zones,
            step=step,
            confirmed=confirmed_stamp(version, preview.policy_count, preview.action_count),
        )

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        if not version.is_draft:
            _already_sent(request, version)
            return self.versions_page()
        confirmed = request.POST.get("confirmed")  # the page's form always sends it
        if confirmed is not None and confirmed != confirmed_stamp(
            version,
            Policy.objects.filter(version=version).count(),
            Action.objects.filter(version=version).count(),
        ):
            # a colleague changed the note or the content after this page was read: what was
            # confirmed is not what would be sent
            messages.warning(
                request,
                _(
                    "Nel frattempo la bozza è cambiata (la nota o il numero di politiche e "
                    "azioni): non è stata inviata. Rileggi qui sotto e conferma di nuovo."
                ),
            )
            return self.render_to_response(self.get_context_data(version=version), status=409)
        try:
            services.submit_version(version=version, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            version.refresh_from_db()
            if version.is_draft:
                messages.error(request, _error_text(exc))
            else:  # sent meanwhile by another request
                _already_sent(request, version)
        else:
            if self.programme.validating_zones.exists():
                text = _(
                    "Versione %(number)s inviata alle zone: ora è congelata e pubblica come "
                    "proposta; i portavoce ricevono un'email."
                )
            else:
                text = _(
                    "Versione %(number)s inviata alla validazione: ora è congelata e pubblica "
                    "come proposta. Validala da questa pagina quando è pronta."
                )
            messages.success(request, text % {"number": version.number})
        return self.versions_page()


class ChangeNoteForm(ServiceErrorsMixin, forms.Form):
    change_note = Text(
        label=gettext_lazy("Nota di versione (cosa cambierà)"),
        required=False,
        max_length=services.CHANGE_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=gettext_lazy(
            "Un riassunto delle modifiche rispetto alla versione precedente: chi valida e chi "
            "legge la proposta lo trova in cima alla versione."
        ),
        error_messages={
            "max_length": gettext_lazy(
                "La nota è troppo lunga: al massimo %(limit_value)s caratteri "
                "(ne hai scritti %(show_value)s)."
            ),
        },
    )
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class ChangeNoteView(RedazioneRequiredMixin, ProgrammeMixin, TemplateView):
    """Edit the note of the draft. A version no longer a draft keeps its note: the page says so
    and offers no form. Saved from an outdated page (somebody saved the note meanwhile): 409,
    the note saved now next to what was typed, nothing written."""

    template_name = "redazione/version_note.html"

    def get_version(self) -> PlanVersion:
        version = get_object_or_404(
            PlanVersion, programme=self.programme, number=self.kwargs["number"]
        )
        version.programme = self.programme
        return version

    def back_url(self) -> str:
        return safe_next(self.request, reverse("redazione:programme", args=[self.programme.slug]))

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        form = ChangeNoteForm(
            initial={
                "change_note": version.change_note,
                "loaded": services.change_note_fingerprint(version.change_note),
                "next": request.GET.get("next", ""),
            }
        )
        return self.render_to_response(self.get_context_data(version=version, form=form))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("back_url", self.back_url())
        kwargs.setdefault("conflict", None)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        form = ChangeNoteForm(request.POST)
        conflict = None
        status = 400
        if form.is_valid():
            try:
                services.edit_change_note(
                    version=version,
                    by=request.user,
                    change_note=form.cleaned_data["change_note"],
                    loaded=form.cleaned_data["loaded"],
                )
            except services.ChangeNoteConflict as exc:
                form.add_error(None, exc.messages)
                conflict = [
                    {
                        "label": ChangeNoteForm.base_fields["change_note"].label,
                        "theirs": exc.current,
                        "yours": form.cleaned_data["change_note"],
                    }
                ]
                # Saved again from here, the form replaces the note saved now
                form.data = form.data.copy()
                form.data["loaded"] = services.change_note_fingerprint(exc.current)
                status = 409
            except ValidationError as exc:
                form.add_service_error(exc)
                version.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Nota della versione %(number)s salvata.") % {"number": version.number},
                )
                return redirect(self.back_url())
        context = self.get_context_data(version=version, form=form, conflict=conflict)
        return self.render_to_response(context, status=status)


class NewVersionForm(forms.Form):
    """«Nuova versione»: its note, under the same limit as when it is edited later."""

    change_note = ChangeNoteForm.base_fields["change_note"]


class NewVersionView(ProgrammeVersionsView):
    """Start a new draft. A note too long answers the versions page with the note as typed and
    the error next to it; nothing is created."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = NewVersionForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(new_version_form=form)
            return self.render_to_response(context, status=400)
        try:
            version = services.create_version(
                programme=self.programme,
                by=request.user,
                change_note=form.cleaned_data["change_note"].strip(),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            if version.based_on_id:
                text = _(
                    "Creata la versione %(number)s, copia della versione %(previous)s: ora è la "
                    "bozza da modificare."
                ) % {"number": version.number, "previous": version.based_on.number}
            else:
                text = _(
                    "Creata la versione %(number)s, vuota: ora è la bozza in cui scrivere "
                    "politiche, ambiti d'azione e azioni."
                ) % {"number": version.number}
            messages.success(request, text)
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

    def get_version(self) -> PlanVersion:
        return get_object_or_404(
            PlanVersion, programme=self.programme, number=self.kwargs["number"]
        )

    def post(self, request, *args, **kwargs):
        """Nothing to send here: 405, once the address is known to name a version of this
        programme (404 otherwise, as for a GET)."""
        self.get_version()
        return self.http_method_not_allowed(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        version = self.get_version()
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
