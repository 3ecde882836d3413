"""Staff pages for the thematic tables, their member bodies and the contributions ("you said,
we did"). Every view is behind ``RedazioneRequiredMixin`` and every write goes through
``tavoli.services``; the pieces all staff pages share are in ``patto.core.staff_views`` and
``patto.core.history``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from matrice.models import Action
from patto.core.history import HISTORY_LIMIT, HistoryEntry, history_of
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import (
    Outcome,
    ProgrammeItemCreateView,
    list_context,
    safe_next,
    save_through,
)
from patto.models import Phase, Programme
from tavoli import queries, services
from tavoli.consultation import consultation_of
from tavoli.forms import (
    HIDE,
    AnswerForm,
    BodyForm,
    ContributionForm,
    MembershipForm,
    ModerationForm,
    ModerationSettingForm,
    PhaseConsultationForm,
    ProgrammeFilterForm,
    StaffBodyFilterSet,
    StaffContributionFilterSet,
    StaffTableFilterSet,
    StatusForm,
    TableForm,
    waiting_first,
)
from tavoli.models import Body, Comment, Contribution, Moderation, TableMembership, ThematicTable


def membership_history(table: ThematicTable) -> list[HistoryEntry]:
    """Bodies added to and removed from ``table`` (and changes of their role). Two queries."""
    records = list(
        TableMembership.history.filter(table_id=table.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    bodies = Body.objects.in_bulk({r.body_id for r in records})
    entries = []
    for record in records:
        body = bodies.get(record.body_id) or _("un ente eliminato")
        role = f" ({record.role})" if record.role else ""
        summary = {
            "+": _("Ente aggiunto al tavolo: %(body)s%(role)s"),
            "~": _("Partecipazione modificata: %(body)s%(role)s"),
            "-": _("Ente tolto dal tavolo: %(body)s"),
        }[record.history_type] % {"body": body, "role": role}
        entries.append(
            HistoryEntry(record.history_date, record.history_user, record.history_type, summary)
        )
    return entries


# Tables --------------------------------------------------------------------------------------


class TableListView(RedazioneRequiredMixin, FilterView):
    template_name = "redazione/tavoli/table_list.html"
    filterset_class = StaffTableFilterSet
    context_object_name = "tables"
    paginate_by = 50

    def get_queryset(self):
        return (
            ThematicTable.objects.select_related("programme", "phase")
            .annotate(
                member_count=Count("memberships", distinct=True),
                contribution_count=Count("contributions", distinct=True),
            )
            .order_by(
                "programme__position",
                "programme__title",
                F("phase__position").asc(nulls_last=True),
                "position",
                "title",
            )
        )

    def get_context_data(self, **kwargs):
        return list_context(self, super().get_context_data(**kwargs))


class TableCreateView(ProgrammeItemCreateView):
    chooser_title = gettext_lazy("Nuovo tavolo")
    form_class = TableForm
    service = staticmethod(services.create_table)
    template_name = "redazione/tavoli/table_form.html"
    success_message = gettext_lazy("Tavolo creato.")
    success_url_name = "redazione:tavoli_table"


class TablePageView(RedazioneRequiredMixin, View):
    """A table: its details (editable), its member bodies (add, remove) and its history."""

    template_name = "redazione/tavoli/table_detail.html"

    def get_table(self) -> ThematicTable:
        return get_object_or_404(
            ThematicTable.objects.select_related("programme", "phase"), pk=self.kwargs["pk"]
        )

    def get(self, request, pk):
        table = self.get_table()
        return self.render(table)

    def post(self, request, pk):
        table = self.get_table()
        form = TableForm(
            request.POST,
            instance=table,
            programme=table.programme,
            frozen_versions=services.frozen_versions_citing(table),
        )
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.update_table,
                table=table,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **form.service_data(),
            )
            if outcome.ok:
                messages.success(request, _("Tavolo salvato."))
                return redirect("redazione:tavoli_table", pk=table.pk)
        table.refresh_from_db()
        return self.render(table, form=form, conflict=outcome.conflict)

    def render(self, table, *, form=None, conflict=None, membership_form=None):
        memberships = list(
            table.memberships.select_related("body__province").order_by("body__name")
        )
        history = sorted(
            [*history_of(table), *membership_history(table)], key=lambda e: e.when, reverse=True
        )
        return render(
            self.request,
            self.template_name,
            {
                "table": table,
                "programme": table.programme,
                "form": form
                or TableForm(
                    instance=table,
                    programme=table.programme,
                    frozen_versions=services.frozen_versions_citing(table),
                ),
                "conflict": conflict,
                "memberships": memberships,
                "membership_form": membership_form or MembershipForm(table=table),
                "history": history,
            },
        )


class MembershipAddView(TablePageView):
    http_method_names = ["post"]

    def post(self, request, pk):
        table = self.get_table()
        form = MembershipForm(request.POST, table=table)
        if form.is_valid():
            outcome = save_through(
                form, services.add_member, table=table, by=request.user, **form.service_data()
            )
            if outcome.ok:
                messages.success(
                    request,
                    _("%(body)s ora partecipa al tavolo.") % {"body": outcome.result.body},
                )
                return redirect(reverse("redazione:tavoli_table", args=[table.pk]) + "#enti")
        return self.render(table, membership_form=form)


class MembershipRemoveView(RedazioneRequiredMixin, View):
    """Ask for confirmation (GET), then take the body off the table (POST)."""

    def get_membership(self) -> TableMembership:
        return get_object_or_404(
            TableMembership.objects.select_related("table__programme", "body"),
            pk=self.kwargs["membership"],
            table_id=self.kwargs["pk"],
        )

    def get(self, request, pk, membership):
        membership = self.get_membership()
        return render(
            request,
            "redazione/tavoli/membership_remove.html",
            {"membership": membership, "table": membership.table},
        )

    def post(self, request, pk, membership):
        membership = self.get_membership()
        services.remove_member(membership=membership, by=request.user)
        messages.success(
            request, _("%(body)s non partecipa più al tavolo.") % {"body": membership.body}
        )
        return redirect(reverse("redazione:tavoli_table", args=[pk]) + "#enti")


# Bodies --------------------------------------------------------------------------------------


class BodyListView(RedazioneRequiredMixin, FilterView):
    template_name = "redazione/tavoli/body_list.html"
    filterset_class = StaffBodyFilterSet
    context_object_name = "bodies"
    paginate_by = 50

    def get_queryset(self):
        return (
            Body.objects.select_related("province")
            .annotate(table_count=Count("memberships", distinct=True))
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        return list_context(self, super().get_context_data(**kwargs))


class BodyCreateView(RedazioneRequiredMixin, View):
    def get(self, request):
        return self.render(BodyForm())

    def post(self, request):
        form = BodyForm(request.POST)
        if form.is_valid():
            outcome = save_through(
                form, services.create_body, by=request.user, **form.service_data()
            )
            if outcome.ok:
                messages.success(request, _("Ente registrato."))
                return redirect("redazione:tavoli_body", pk=outcome.result.pk)
        return self.render(form)

    def render(self, form):
        return render(self.request, "redazione/tavoli/body_form.html", {"form": form})


class BodyPageView(RedazioneRequiredMixin, View):
    template_name = "redazione/tavoli/body_detail.html"

    def get_body(self) -> Body:
        return get_object_or_404(Body.objects.select_related("province"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render(self.get_body())

    def post(self, request, pk):
        body = self.get_body()
        form = BodyForm(request.POST, instance=body)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.update_body,
                body=body,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **form.service_data(),
            )
            if outcome.ok:
                messages.success(request, _("Ente salvato."))
                return redirect("redazione:tavoli_body", pk=body.pk)
        body.refresh_from_db()
        return self.render(body, form=form, conflict=outcome.conflict)

    def render(self, body, *, form=None, conflict=None):
        memberships = body.memberships.select_related("table__programme").order_by(
            "table__programme__position", "table__title"
        )
        return render(
            self.request,
            self.template_name,
            {
                "body": body,
                "form": form or BodyForm(instance=body),
                "conflict": conflict,
                "memberships": memberships,
                "history": history_of(body),
            },
        )


# Contributions -------------------------------------------------------------------------------


def staff_contributions():
    """Contributions with what the staff list shows; waiting for an answer first, then newest."""
    return (
        Contribution.objects.select_related("programme", "table__phase", "meeting", "body")
        .annotate(answered_rank=waiting_first())
        .order_by("answered_rank", F("submitted_on").desc(nulls_last=True), "-id")
    )


class ContributionListView(RedazioneRequiredMixin, FilterView):
    template_name = "redazione/tavoli/contribution_list.html"
    filterset_class = StaffContributionFilterSet
    context_object_name = "contributions"
    paginate_by = 25

    def get_queryset(self):
        return staff_contributions()

    def get_context_data(self, **kwargs):
        context = list_context(self, super().get_context_data(**kwargs))
        for contribution in context["contributions"]:
            contribution.status_form = StatusForm(
                instance=contribution, prefix=f"c{contribution.pk}"
            )
        return context


class ContributionCreateView(ProgrammeItemCreateView):
    chooser_title = gettext_lazy("Nuovo contributo")
    form_class = ContributionForm
    service = staticmethod(services.record_contribution)
    template_name = "redazione/tavoli/contribution_form.html"
    success_message = gettext_lazy("Contributo registrato.")
    success_url_name = "redazione:tavoli_contribution"

    def get_initial(self) -> dict:
        """``?tavolo=`` / ``?incontro=`` preselect where the contribution was made."""
        initial = {}
        table = self.request.GET.get("tavolo")
        if table and table.isdigit():
            initial["table"] = self.programme.tables.filter(pk=table).first()
        meeting = self.request.GET.get("incontro")
        if meeting and meeting.isdigit():
            found = self.programme.meetings.filter(pk=meeting).first()
            initial["meeting"] = found
            if found and found.date:
                initial["submitted_on"] = found.date
        return initial


class ContributionPageView(RedazioneRequiredMixin, View):
    """A contribution: its details (editable), its answer and its history."""

    template_name = "redazione/tavoli/contribution_detail.html"

    def get_contribution(self) -> Contribution:
        contribution = get_object_or_404(
            Contribution.objects.select_related(
                "programme",
                "table__phase",
                "meeting",
                "body",
                "answered_by",
                "author",
                "version",
                "moderated_by",
            ).prefetch_related(
                Prefetch("led_to", queryset=Action.objects.select_related("version"))
            ),
            pk=self.kwargs["pk"],
        )
        queries.with_targets([contribution])
        return contribution

    def answer_actions(self, contribution):
        return services.answerable_actions(
            contribution.programme, keep=[a.pk for a in contribution.led_to.all()]
        )

    def get(self, request, pk):
        return self.render(self.get_contribution())

    def post(self, request, pk):
        contribution = self.get_contribution()
        form = ContributionForm(
            request.POST, instance=contribution, programme=contribution.programme
        )
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.update_contribution,
                contribution=contribution,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **form.service_data(),
            )
            if outcome.ok:
                messages.success(request, _("Contributo salvato."))
                return redirect("redazione:tavoli_contribution", pk=contribution.pk)
        return self.render(self.get_contribution(), form=form, conflict=outcome.conflict)

    def render(
        self, contribution, *, form=None, conflict=None, answer_form=None, answer_conflict=None
    ):
        return render(
            self.request,
            self.template_name,
            {
                "contribution": contribution,
                "programme": contribution.programme,
                "form": form
                or ContributionForm(instance=contribution, programme=contribution.programme),
                "conflict": conflict,
                "answer_form": answer_form
                or AnswerForm(instance=contribution, actions=self.answer_actions(contribution)),
                "answer_conflict": answer_conflict,
                "history": history_of(contribution),
            },
        )


class ContributionAnswerView(ContributionPageView):
    http_method_names = ["post"]

    def post(self, request, pk):
        contribution = self.get_contribution()
        form = AnswerForm(
            request.POST, instance=contribution, actions=self.answer_actions(contribution)
        )
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.answer_contribution,
                contribution=contribution,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                led_to=form.cleaned_data["led_to"],
            )
            if outcome.ok:
                messages.success(request, _("Risposta salvata."))
                return redirect("redazione:tavoli_contribution", pk=contribution.pk)
        return self.render(
            self.get_contribution(), answer_form=form, answer_conflict=outcome.conflict
        )


class ContributionStatusView(RedazioneRequiredMixin, View):
    """Change the outcome alone, inline from the list (htmx swaps the row), or by a plain POST
    that comes back to the list."""

    def post(self, request, pk):
        contribution = get_object_or_404(staff_contributions(), pk=pk)
        form = StatusForm(request.POST, instance=contribution, prefix=f"c{contribution.pk}")
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.answer_contribution,
                contribution=contribution,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                status=form.cleaned_data["status"],
                response=contribution.response,
            )
        if request.htmx:
            if outcome.ok:
                contribution = get_object_or_404(staff_contributions(), pk=pk)
                form = StatusForm(instance=contribution, prefix=f"c{contribution.pk}")
            else:
                contribution.refresh_from_db()
            contribution.status_form = form
            return render(
                request,
                "redazione/tavoli/includes/contribution_row.html",
                {
                    "contribution": contribution,
                    "saved": outcome.ok,
                    "next": safe_next(request, request.htmx.current_url_abs_path or ""),
                },
            )
        if outcome.ok:
            messages.success(
                request,
                _("«%(title)s»: esito «%(status)s».")
                % {"title": contribution.title, "status": contribution.get_status_display()},
            )
        else:
            messages.error(
                request,
                _("«%(title)s»: esito non salvato. %(errors)s")
                % {"title": contribution.title, "errors": " ".join(_form_messages(form))},
            )
        return HttpResponseRedirect(safe_next(request, reverse("redazione:tavoli_contributions")))


def _form_messages(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


# The consultation: moderation and settings ---------------------------------------------------


def moderation_queue(programme=None) -> dict:
    """Online contributions and comments waiting for moderation (oldest first, so the queue is
    worked in order), and the hidden ones (newest first, to show them again). Five queries."""
    contributions = Contribution.objects.select_related("programme", "version", "author")
    comments = Comment.objects.select_related("contribution__programme", "author")
    if programme is not None:
        contributions = contributions.filter(programme=programme)
        comments = comments.filter(contribution__programme=programme)
    pending = list(contributions.pending().order_by("created_at", "pk"))
    hidden = list(contributions.filter(moderation=Moderation.HIDDEN).order_by("-moderated_at"))
    queries.with_targets([*pending, *hidden])
    return {
        "pending_contributions": pending,
        "hidden_contributions": hidden,
        "pending_comments": list(comments.pending().order_by("created_at", "pk")),
        "hidden_comments": list(
            comments.filter(moderation=Moderation.HIDDEN).order_by("-moderated_at")
        ),
    }


class ModerationQueueView(RedazioneRequiredMixin, View):
    """What waits for moderation, for every programme or one (``?programma=<slug>``): approve,
    or hide with a public reason; hidden items can be shown again."""

    template_name = "redazione/tavoli/moderation.html"

    def get(self, request):
        form = ProgrammeFilterForm(request.GET or None)
        programme = form.cleaned_data["programma"] if form.is_valid() else None
        return render(
            request,
            self.template_name,
            {"filter_form": form, "programme": programme, **moderation_queue(programme)},
        )


class ModerateView(RedazioneRequiredMixin, View):
    """Approve (or show again) or hide one item, then back to where the form was (``next``);
    a refusal (no reason, a conflict) comes back as an error message and changes nothing."""

    model = None

    def post(self, request, pk):
        item = get_object_or_404(self.model, pk=pk)
        form = ModerationForm(request.POST, instance=item)
        back = safe_next(request, reverse("redazione:tavoli_moderation"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == HIDE:
                    services.hide(
                        item=item,
                        by=request.user,
                        expected_revision=data["revision"],
                        reason=data["reason"],
                    )
                    messages.success(request, _("Nascosto: al suo posto compare il motivo."))
                else:
                    services.approve(item=item, by=request.user, expected_revision=data["revision"])
                    messages.success(request, _("Pubblicato."))
                return HttpResponseRedirect(back)
            except ValidationError as exc:
                form.add_service_error(exc)
        messages.error(
            request,
            _("Moderazione non salvata. %(errors)s") % {"errors": " ".join(_form_messages(form))},
        )
        return HttpResponseRedirect(back)


class ContributionModerateView(ModerateView):
    model = Contribution


class CommentModerateView(ModerateView):
    model = Comment


class ConsultationSettingsView(RedazioneRequiredMixin, View):
    """A programme's consultation: whether online contributions wait for approval, and which
    phases are consultations, with their window."""

    template_name = "redazione/tavoli/consultation_settings.html"

    def get_programme(self) -> Programme:
        return get_object_or_404(Programme, slug=self.kwargs["slug"])

    def get(self, request, slug):
        return self.render(self.get_programme())

    def post(self, request, slug):
        programme = self.get_programme()
        form = ModerationSettingForm(request.POST, instance=programme)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.update_moderation_setting,
                programme=programme,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                contributions_need_approval=form.cleaned_data["contributions_need_approval"],
            )
            if outcome.ok:
                messages.success(request, _("Impostazione salvata."))
                return redirect("redazione:tavoli_consultation", slug=programme.slug)
        programme.refresh_from_db()
        return self.render(programme, form=form, conflict=outcome.conflict)

    def render(self, programme, *, form=None, conflict=None, phase_form=None, phase_conflict=None):
        phases = list(programme.phases.order_by("position"))
        for phase in phases:
            if phase_form is not None and phase_form.instance.pk == phase.pk:
                phase.form, phase.conflict = phase_form, phase_conflict
            else:
                phase.form = PhaseConsultationForm(instance=phase, prefix=f"fase{phase.pk}")
        return render(
            self.request,
            self.template_name,
            {
                "programme": programme,
                "form": form or ModerationSettingForm(instance=programme),
                "conflict": conflict,
                "phases": phases,
                "consultation": consultation_of(programme),
            },
        )


class PhaseConsultationView(ConsultationSettingsView):
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        programme = self.get_programme()
        phase = get_object_or_404(Phase, pk=pk, programme=programme)
        form = PhaseConsultationForm(request.POST, instance=phase, prefix=f"fase{phase.pk}")
        outcome = Outcome()
        if form.is_valid():
            data = form.cleaned_data
            outcome = save_through(
                form,
                services.update_phase_consultation,
                phase=phase,
                by=request.user,
                expected_revision=data["revision"],
                is_consultation=data["is_consultation"],
                consultation_opens_at=data["consultation_opens_at"],
                consultation_closes_at=data["consultation_closes_at"],
            )
            if outcome.ok:
                messages.success(request, _("Fase «%(title)s» salvata.") % {"title": phase.title})
                return redirect("redazione:tavoli_consultation", slug=programme.slug)
        return self.render(programme, phase_form=form, phase_conflict=outcome.conflict)
