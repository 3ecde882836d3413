"""What the staff pages share: saving a form through a service (with optimistic locking and the
conflict shown), safe ``next`` addresses, list context, the "new item of a programme" page and
the page that edits one item."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from patto.core.locking import ConflictError
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_forms import ProgrammeChoiceForm
from patto.models import Programme


@dataclass
class Outcome:
    """The result of a form saved through a service: the saved item, or the service's refusal
    (now also on the form) and, after a conflict, what the other person changed."""

    result: object = None
    conflict: list | None = None
    error: ValidationError | None = None

    @property
    def ok(self):
        return self.result is not None


def save_through(form, service, **kwargs) -> Outcome:
    """Call ``service(**kwargs)``; a refusal goes onto ``form``. On a conflict the form keeps
    what was typed, shows the current values next to it and moves to the current revision."""
    try:
        return Outcome(result=service(**kwargs))
    except ConflictError as exc:
        return Outcome(conflict=form.add_conflict(exc), error=exc)
    except ValidationError as exc:
        form.add_service_error(exc)
        return Outcome(error=exc)


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


class ItemEditView(RedazioneRequiredMixin, TemplateResponseMixin, ContextMixin, View):
    """A staff page on one item whose form is saved through a service, with optimistic locking
    (``patto.core.locking``).

    GET shows the page, the form opened at the item's revision. POST binds the form and, when
    it is valid, calls ``save`` (by default ``service`` with the item, the user, the revision
    the form was opened at and ``service_data``). Saved: a message and a redirect. Refused: the
    page again, the form keeping what was typed with the service's errors and, after a conflict,
    what the other person saved next to it (answered with ``conflict_status``).

    Another form on the same page, posted to its own address, has a subclass of the page's view:
    it says where the page shows that form and its conflict (``form_name``, ``conflict_name``)
    and overrides ``bound_form`` and ``save`` (or ``service`` and ``service_data``)."""

    object_name = ""  # the item's name in the template, and the service's keyword for it
    form_class = None  # the page's own form, ``form`` in the template
    service = None  # a staticmethod: service(*, <object_name>, by, expected_revision, **data)
    success_message = ""
    success_url_name = ""  # reversed with the item's pk
    form_name = "form"
    conflict_name = "conflict"
    conflict_status = 409  # the save was refused: the page shows why, with both values

    def get_object(self):
        raise NotImplementedError

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object}

    def get_form(self, data=None):
        """The page's own form: bound to ``data``, or opened at the item's revision."""
        return self.form_class(data, **self.get_form_kwargs())

    def bound_form(self, data):
        """The form this view's POST fills in."""
        return self.get_form(data)

    def service_data(self, form) -> dict:
        return form.service_data()

    def save(self, form):
        """Save the valid ``form`` through the service; return what it returns."""
        return self.service(
            **{self.object_name: self.object},
            by=self.request.user,
            expected_revision=form.cleaned_data["revision"],
            **self.service_data(form),
        )

    def get_success_message(self, form, result) -> str:
        return self.success_message

    def get_success_url(self, form, result) -> str:
        return reverse(self.success_url_name, args=[self.object.pk])

    def reread(self):
        """The item the page shows after a refused save: read again, so that after a conflict
        the page shows what is stored now."""
        return self.get_object()

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.object_name, self.object)
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        kwargs.setdefault("conflict", None)
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.bound_form(request.POST)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(form, lambda: self.save(form))
        if outcome.ok:
            return self.saved(form, outcome.result)
        return self.refused(form, outcome)

    def saved(self, form, result):
        messages.success(self.request, self.get_success_message(form, result))
        return HttpResponseRedirect(self.get_success_url(form, result))

    def refused(self, form, outcome: Outcome):
        self.object = self.reread()
        context = self.get_context_data(
            **{self.form_name: form, self.conflict_name: outcome.conflict}
        )
        status = self.conflict_status if outcome.conflict is not None else 200
        return self.render_to_response(context, status=status)
