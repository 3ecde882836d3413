"""Staff pages for the thematic tables, their member bodies and the contributions ("you said,
we did"). Every view is behind ``RedazioneRequiredMixin`` and every write goes through
``tavoli.services``. Also the pieces the meetings' staff pages share: the history of an item,
saving a form through a service with optimistic locking, the "which programme?" first step."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView
from simple_history.utils import get_m2m_reverse_field_name

from matrice.models import Action
from patto.locking import ConflictError
from patto.models import Programme
from patto.permissions import RedazioneRequiredMixin
from tavoli import services
from tavoli.forms import (
    AnswerForm,
    BodyForm,
    ContributionForm,
    MembershipForm,
    ProgrammeChoiceForm,
    StaffBodyFilterSet,
    StaffContributionFilterSet,
    StaffTableFilterSet,
    StatusForm,
    TableForm,
    conflict_rows,
    display_value,
    waiting_first,
)
from tavoli.models import Body, Contribution, TableMembership, ThematicTable

# History -------------------------------------------------------------------------------------

HISTORY_LIMIT = 50
NOT_SHOWN = {"revision", "updated_at", "created_at", "uid", "id", "key", "search_name"}
LONG_TEXT = 120


@dataclass
class Change:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted
    summary: str
    changes: list[Change] = field(default_factory=list)


def _m2m_rows(history_model, m2m_fields, records) -> dict:
    """The many-to-many rows of each historical record, by (field name, history id) → set of
    related ids. One query per many-to-many field."""
    ids = [r.history_id for r in records]
    rows = {}
    for m2m_field in m2m_fields:
        row_model = history_model.__dict__[m2m_field.name].model
        target = f"{get_m2m_reverse_field_name(m2m_field)}_id"
        for history_id, related_id in row_model.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            rows.setdefault((m2m_field.name, history_id), set()).add(related_id)
    return rows


def history_of(instance) -> list[HistoryEntry]:
    """Who changed what and when in ``instance``, newest first: one entry per historical
    record, each with the fields that differ from the record before (``diff_against``),
    related items named. A fixed number of queries whatever the length of the history."""
    model = type(instance)
    history_model = instance.history.model
    tracked = {f.name for f in getattr(history_model, "_history_m2m_fields", [])}
    m2m_fields = [f for f in model._meta.many_to_many if f.name in tracked]
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    # the record before the oldest shown is fetched too, so that every entry shown has a diff
    shown, before = records[:HISTORY_LIMIT], records[HISTORY_LIMIT:]
    pairs = list(zip(shown, [*shown[1:], *before, None][: len(shown)], strict=True))
    m2m_rows = _m2m_rows(history_model, m2m_fields, records)

    # name the related items in one query per related model
    wanted: dict = {}
    deltas = []
    for new, old in pairs:
        delta = None
        m2m = []
        if old is not None and new.history_type == "~":
            delta = new.diff_against(
                old, excluded_fields=[*NOT_SHOWN, *(f.name for f in m2m_fields)]
            )
            for change in delta.changes:
                rel = model._meta.get_field(change.field)
                if rel.is_relation:
                    wanted.setdefault(rel.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
            for m2m_field in m2m_fields:
                old_ids = m2m_rows.get((m2m_field.name, old.history_id), set())
                new_ids = m2m_rows.get((m2m_field.name, new.history_id), set())
                if old_ids != new_ids:
                    m2m.append((m2m_field, old_ids, new_ids))
                    wanted.setdefault(m2m_field.related_model, set()).update(old_ids | new_ids)
        deltas.append((new, delta, m2m))
    names = {
        related: {
            pk: str(obj) for pk, obj in related._base_manager.select_related().in_bulk(ids).items()
        }
        for related, ids in wanted.items()
    }

    def name_of(related, pk):
        return names.get(related, {}).get(pk) or _("#%(pk)s (eliminato)") % {"pk": pk}

    entries = []
    for record, delta, m2m in deltas:
        changes = []
        for change in delta.changes if delta else []:
            rel = model._meta.get_field(change.field)
            label = str(rel.verbose_name)
            if rel.is_relation:
                old = name_of(rel.related_model, change.old) if change.old else "—"
                new = name_of(rel.related_model, change.new) if change.new else "—"
            else:
                old = display_value(model, change.field, change.old)
                new = display_value(model, change.field, change.new)
            changes.append(Change(label, old, new, long=len(old) + len(new) > LONG_TEXT))
        for m2m_field, old_ids, new_ids in m2m:
            added = sorted(name_of(m2m_field.related_model, pk) for pk in new_ids - old_ids)
            removed = sorted(name_of(m2m_field.related_model, pk) for pk in old_ids - new_ids)
            changes.append(
                Change(
                    str(m2m_field.verbose_name),
                    _("tolti: %(list)s") % {"list": "; ".join(removed)} if removed else "—",
                    _("aggiunti: %(list)s") % {"list": "; ".join(added)} if added else "—",
                )
            )
        if record.history_type == "+":
            summary = _("Creato")
        elif record.history_type == "-":
            summary = _("Eliminato")
        elif changes:
            summary = _("Modificato")
        else:
            summary = _("Salvato senza modifiche visibili")
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, record.history_type, summary, changes
            )
        )
    return entries


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


# Saving through a service --------------------------------------------------------------------


@dataclass
class Outcome:
    """The result of a form saved through a service: the saved item, or the form (now
    carrying the errors) and, after a conflict, what the other person changed."""

    result: object = None
    conflict: list | None = None

    @property
    def ok(self):
        return self.result is not None


def save_through(form, service, **kwargs) -> Outcome:
    """Call ``service(**kwargs)``; a refusal goes onto ``form``. On a conflict the form keeps
    what was typed, shows the current values next to it and moves to the current revision."""
    try:
        return Outcome(result=service(**kwargs))
    except ConflictError as exc:
        rows = conflict_rows(exc, form)
        form.add_error(None, exc)
        form.show_current_revision(exc.current.revision)
        return Outcome(conflict=rows)
    except ValidationError as exc:
        form.add_service_error(exc)
        return Outcome()


def safe_next(request, default: str) -> str:
    """The ``next`` address of a POST if it is one of ours, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def list_context(view, context):
    """The query string without the page, for the pagination links and the ``next`` field."""
    query = view.request.GET.copy()
    query.pop("page", None)
    context["query_without_page"] = query.urlencode()
    context["is_filtered"] = any(v for k, v in view.request.GET.items() if k != "page")
    return context


class ProgrammeFromQueryMixin:
    """For "new" pages: the programme comes from ``?programma=<slug>``; without it the page
    asks for it first (a plain GET form, no script needed)."""

    chooser_title = gettext_lazy("Nuovo elemento")

    @cached_property
    def programme(self) -> Programme | None:
        slug = self.request.GET.get("programma")
        if not slug:
            return None
        return get_object_or_404(Programme, slug=slug)

    def choose_programme(self, request):
        return render(
            request,
            "redazione/tavoli/choose_programme.html",
            {"form": ProgrammeChoiceForm(), "page_title": self.chooser_title},
        )


class ProgrammeItemCreateView(RedazioneRequiredMixin, ProgrammeFromQueryMixin, View):
    """A "new" page for an item of a programme: asks the programme first, then a form whose
    valid data goes to ``service``; on success, a message and the new item's page."""

    form_class = None
    service = None  # a staticmethod: service(*, programme, by, **data)
    template_name = ""
    success_message = ""
    success_url_name = ""

    def get_initial(self) -> dict:
        return {}

    def service_data(self, form) -> dict:
        return form.service_data()

    def get_context(self) -> dict:
        return {}

    def get(self, request):
        if self.programme is None:
            return self.choose_programme(request)
        return self.render(self.form_class(programme=self.programme, initial=self.get_initial()))

    def post(self, request):
        if self.programme is None:
            raise Http404
        form = self.form_class(request.POST, programme=self.programme)
        if form.is_valid():
            outcome = save_through(
                form,
                self.service,
                programme=self.programme,
                by=request.user,
                **self.service_data(form),
            )
            if outcome.ok:
                messages.success(request, self.success_message)
                return redirect(self.success_url_name, pk=outcome.result.pk)
        return self.render(form)

    def render(self, form):
        context = {"form": form, "programme": self.programme, **self.get_context()}
        return render(self.request, self.template_name, context)


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
        return get_object_or_404(
            Contribution.objects.select_related(
                "programme", "table__phase", "meeting", "body", "answered_by", "author"
            ).prefetch_related(
                Prefetch("led_to", queryset=Action.objects.select_related("version"))
            ),
            pk=self.kwargs["pk"],
        )

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
