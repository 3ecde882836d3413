"""What the staff pages share: saving a form through a service (with optimistic locking and the
conflict shown), safe ``next`` addresses, list context, and the "new item of a programme" page."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views import View

from patto.core.locking import ConflictError
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_forms import ProgrammeChoiceForm, conflict_rows
from patto.models import Programme


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
