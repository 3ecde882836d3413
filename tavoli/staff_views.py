"""Staff pages for the thematic tables, their member bodies and the contributions ("you said,
we did"). Every view is behind ``RedazioneRequiredMixin`` and every write goes through
``tavoli.services``; the pieces all staff pages share are in ``patto.core.staff_views`` and
``patto.core.history``."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from matrice.models import Action
from patto.core.history import HISTORY_LIMIT, HistoryEntry, history_of
from patto.core.locking import ConflictError
from patto.core.mixins import FilteredListMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import (
    ItemEditView,
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
)
from tavoli.models import (
    Body,
    Comment,
    Contribution,
    Moderation,
    TableMembership,
    ThematicTable,
    waiting_first,
)


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


class TableListView(RedazioneRequiredMixin, FilteredListMixin, FilterView):
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


class TablePageView(ItemEditView):
    """A table: its details (editable), its member bodies (add, remove) and its history."""

    template_name = "redazione/tavoli/table_detail.html"
    object_name = "table"
    form_class = TableForm
    service = staticmethod(services.update_table)
    success_message = gettext_lazy("Tavolo salvato.")
    success_url_name = "redazione:tavoli_table"

    def get_object(self) -> ThematicTable:
        return get_object_or_404(
            ThematicTable.objects.select_related("programme", "phase"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self) -> dict:
        table = self.object
        return {
            "instance": table,
            "programme": table.programme,
            "frozen_versions": services.frozen_versions_citing(table),
        }

    def get_context_data(self, **kwargs):
        table = self.object
        if "membership_form" not in kwargs:
            kwargs["membership_form"] = MembershipForm(table=table)
        memberships = list(
            table.memberships.select_related("body__province").order_by("body__name")
        )
        history = sorted(
            [*history_of(table), *membership_history(table)], key=lambda e: e.when, reverse=True
        )
        return super().get_context_data(
            programme=table.programme, memberships=memberships, history=history, **kwargs
        )


class MembershipAddView(TablePageView):
    """The table page's second form: a body joins the table."""

    http_method_names = ["post"]
    form_name = "membership_form"

    def bound_form(self, data):
        return MembershipForm(data, table=self.object)

    def save(self, form):
        return services.add_member(table=self.object, by=self.request.user, **form.service_data())

    def get_success_message(self, form, result) -> str:
        return _("%(body)s ora partecipa al tavolo.") % {"body": result.body}

    def get_success_url(self, form, result) -> str:
        return super().get_success_url(form, result) + "#enti"

    def reread(self):
        return self.object  # adding a member changes nothing the page shows of the table


class MembershipRemoveView(RedazioneRequiredMixin, View):
    """Ask for confirmation (GET), then take the body off the table (POST)."""

    def get_membership(self) -> TableMembership:
        return get_object_or_404(
            TableMembership.objects.select_related("table__programme", "table__phase", "body"),
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


class BodyListView(RedazioneRequiredMixin, FilteredListMixin, FilterView):
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


class BodyPageView(ItemEditView):
    template_name = "redazione/tavoli/body_detail.html"
    object_name = "body"
    form_class = BodyForm
    service = staticmethod(services.update_body)
    success_message = gettext_lazy("Ente salvato.")
    success_url_name = "redazione:tavoli_body"

    def get_object(self) -> Body:
        return get_object_or_404(Body.objects.select_related("province"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        body = self.object
        memberships = body.memberships.select_related("table__programme").order_by(
            "table__programme__position", "table__title"
        )
        return super().get_context_data(memberships=memberships, history=history_of(body), **kwargs)


# Contributions -------------------------------------------------------------------------------


def staff_contributions():
    """Contributions with what the staff list shows; waiting for an answer first, then newest."""
    return (
        Contribution.objects.select_related("programme", "table__phase", "meeting", "body")
        .annotate(answered_rank=waiting_first())
        .order_by("answered_rank", F("submitted_on").desc(nulls_last=True), "-id")
    )


class ContributionListView(RedazioneRequiredMixin, FilteredListMixin, FilterView):
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


class ContributionPageView(ItemEditView):
    """A contribution: its details (editable), its answer and its history."""

    template_name = "redazione/tavoli/contribution_detail.html"
    object_name = "contribution"
    form_class = ContributionForm
    service = staticmethod(services.update_contribution)
    success_message = gettext_lazy("Contributo salvato.")
    success_url_name = "redazione:tavoli_contribution"

    def get_object(self) -> Contribution:
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

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object, "programme": self.object.programme}

    def answer_form(self, data=None) -> AnswerForm:
        contribution = self.object
        actions = services.answerable_actions(
            contribution.programme, keep=[a.pk for a in contribution.led_to.all()]
        )
        # ids of its own: the page's other form has fields of the same names (revision)
        return AnswerForm(data, instance=contribution, actions=actions, auto_id="id_answer_%s")

    def get_context_data(self, **kwargs):
        if "answer_form" not in kwargs:
            kwargs["answer_form"] = self.answer_form()
        kwargs.setdefault("answer_conflict", None)
        return super().get_context_data(
            programme=self.object.programme, history=history_of(self.object), **kwargs
        )


class ContributionAnswerView(ContributionPageView):
    """The contribution page's second form: the outcome, the answer, the actions it led to."""

    http_method_names = ["post"]
    form_name = "answer_form"
    conflict_name = "answer_conflict"
    service = staticmethod(services.answer_contribution)
    success_message = gettext_lazy("Risposta salvata.")

    def bound_form(self, data):
        return self.answer_form(data)

    def service_data(self, form) -> dict:
        data = form.cleaned_data
        return {"status": data["status"], "response": data["response"], "led_to": data["led_to"]}


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


# A page of each list of the moderation queue: thousands may wait after a busy consultation, and
# the page must stay quick to load and to read (the next ones are a link away).
MODERATION_PAGE_SIZE = 25
# each list pages on its own: (context name, query parameter)
MODERATION_LISTS = (
    ("pending_contributions", "contributi"),
    ("pending_comments", "commenti"),
    ("hidden_contributions", "contributi_nascosti"),
    ("hidden_comments", "commenti_nascosti"),
)


def moderation_queue(programme=None) -> dict:
    """Online contributions and comments waiting for moderation (oldest first, so the queue is
    worked in order), and the hidden ones (newest first, to show them again), as querysets."""
    contributions = Contribution.objects.select_related("programme", "version", "author")
    comments = Comment.objects.select_related("contribution__programme", "author")
    if programme is not None:
        contributions = contributions.filter(programme=programme)
        comments = comments.filter(contribution__programme=programme)
    return {
        "pending_contributions": contributions.pending().order_by("created_at", "pk"),
        "hidden_contributions": contributions.filter(moderation=Moderation.HIDDEN).order_by(
            "-moderated_at", "-pk"
        ),
        "pending_comments": comments.pending().order_by("created_at", "pk"),
        "hidden_comments": comments.filter(moderation=Moderation.HIDDEN).order_by(
            "-moderated_at", "-pk"
        ),
    }


def _page_of(query: QueryDict, queryset, param: str):
    """The page of ``queryset`` that ``?<param>=`` of ``query`` asks for (the first for a
    missing or wrong number, the last past the end), with the addresses of its neighbours: the
    other lists keep their pages. Two queries (the count and the page)."""
    page = Paginator(queryset, MODERATION_PAGE_SIZE).get_page(query.get(param))

    def address(number):
        neighbour = query.copy()
        neighbour[param] = number
        return f"?{neighbour.urlencode()}"

    page.previous_address = address(page.previous_page_number()) if page.has_previous() else ""
    page.next_address = address(page.next_page_number()) if page.has_next() else ""
    return page


class ModerationQueueView(RedazioneRequiredMixin, View):
    """What waits for moderation, for every programme or one (``?programma=<slug>``): approve,
    or hide with a public reason; hidden items can be shown again. Each list is shown a page
    at a time."""

    template_name = "redazione/tavoli/moderation.html"

    def get(self, request):
        return render_queue(request, request.GET, back=request.get_full_path())


def render_queue(request, query: QueryDict, *, back: str, refused=None):
    """The moderation queue as ``query`` (its filter and pages) asks for it; ``back``: where
    its forms come back to. ``refused``: a moderation form the server refused, shown on its
    item with what was typed and why."""
    form = ProgrammeFilterForm(query or None)
    programme = form.cleaned_data["programma"] if form.is_valid() else None
    lists = moderation_queue(programme)
    pages = {name: _page_of(query, lists[name], param) for name, param in MODERATION_LISTS}
    queries.with_targets([*pages["pending_contributions"], *pages["hidden_contributions"]])
    context = {"filter_form": form, "programme": programme, "back": back, "refused": refused}
    waiting = [*pages["pending_contributions"], *pages["pending_comments"]]
    if refused is not None and refused.instance in waiting:
        # the reason's box of the item, as moderation.html names it; an item not on this page
        # (moderated meanwhile, or sent from another page) has its errors at the top instead
        kind = "c" if isinstance(refused.instance, Contribution) else "m"
        context["refused_box"] = f"mod-{kind}-{refused.instance.pk}-reason"
    return render(request, ModerationQueueView.template_name, {**context, **pages})


class ModerateView(RedazioneRequiredMixin, View):
    """Approve (or show again) or hide one item, then back to where the form was (``next``).
    A refusal (no reason, a reason too long, a conflict) changes nothing and shows that page
    again, the error next to the reason and what was typed still in it."""

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
            except ConflictError as exc:
                form.add_service_error(exc)
                return self.refused(form, back, status=409)
            except ValidationError as exc:
                form.add_service_error(exc)
        return self.refused(form, back, status=400)

    def refused(self, form: ModerationForm, back: str, status: int):
        """The page the form was sent from, showing why it was refused: the queue, with its
        filter and pages."""
        split = urlsplit(back)
        response = render_queue(self.request, QueryDict(split.query), back=back, refused=form)
        response.status_code = status
        return response


class ContributionModerateView(ModerateView):
    model = Contribution

    def refused(self, form: ModerationForm, back: str, status: int):
        """From the contribution's own page, that page; from the queue, the queue."""
        item = form.instance
        if urlsplit(back).path != reverse("redazione:tavoli_contribution", args=[item.pk]):
            return super().refused(form, back, status)
        page = ContributionPageView()
        page.setup(self.request, pk=item.pk)
        page.object = page.get_object()
        context = page.get_context_data(
            refused=form, refused_box=f"moderazione-{item.pk}-reason", back=back
        )
        return page.render_to_response(context, status=status)


class CommentModerateView(ModerateView):
    model = Comment


class ConsultationSettingsView(ItemEditView):
    """A programme's consultation: whether online contributions wait for approval, and which
    phases are consultations, with their window."""

    template_name = "redazione/tavoli/consultation_settings.html"
    object_name = "programme"
    form_class = ModerationSettingForm
    service = staticmethod(services.update_moderation_setting)
    success_message = gettext_lazy("Impostazione salvata.")

    def get_object(self) -> Programme:
        return get_object_or_404(Programme, slug=self.kwargs["slug"])

    def service_data(self, form) -> dict:
        return {"contributions_need_approval": form.cleaned_data["contributions_need_approval"]}

    def get_success_url(self, form, result) -> str:
        return reverse("redazione:tavoli_consultation", args=[self.object.slug])

    def get_context_data(self, phase_form=None, phase_conflict=None, **kwargs):
        programme = self.object
        phases = list(programme.phases.order_by("position"))
        for phase in phases:
            if phase_form is not None and phase_form.instance.pk == phase.pk:
                phase.form, phase.conflict = phase_form, phase_conflict
            else:
                phase.form = PhaseConsultationForm(instance=phase, prefix=f"fase{phase.pk}")
        return super().get_context_data(
            phases=phases, consultation=consultation_of(programme), **kwargs
        )


class PhaseConsultationView(ConsultationSettingsView):
    """The consultation page's form of one phase: whether it is a consultation, and when."""

    http_method_names = ["post"]
    form_name = "phase_form"
    conflict_name = "phase_conflict"

    def bound_form(self, data):
        phase = get_object_or_404(Phase, pk=self.kwargs["pk"], programme=self.object)
        return PhaseConsultationForm(data, instance=phase, prefix=f"fase{phase.pk}")

    def save(self, form):
        data = form.cleaned_data
        return services.update_phase_consultation(
            phase=form.instance,
            by=self.request.user,
            expected_revision=data["revision"],
            is_consultation=data["is_consultation"],
            consultation_opens_at=data["consultation_opens_at"],
            consultation_closes_at=data["consultation_closes_at"],
        )

    def get_success_message(self, form, result) -> str:
        return _("Fase «%(title)s» salvata.") % {"title": form.instance.title}

    def reread(self):
        return self.object  # a phase's settings change nothing the page shows of the programme
