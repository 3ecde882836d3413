import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from incontri import calendar_links, ical, opendata, queries, services, structured_data
from incontri.filters import MeetingFilterSet
from incontri.forms import RegistrationForm
from incontri.models import Meeting, Registration, RegistrationStatus
from incontri.services import minutes_file_name
from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from patto.core.feeds import feed_links
from patto.core.mixins import FilteredListMixin, ProgrammeMixin
from patto.core.opendata import DownloadView
from patto.core.opendata import download as download_file
from patto.models import Programme

CALENDAR_TYPE = "text/calendar; charset=utf-8"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what <slug:…> accepts in an address


def meeting_url(request):
    """A function giving the absolute address of a meeting's page."""
    return lambda meeting: request.build_absolute_uri(
        reverse("incontri:detail", kwargs={"pk": meeting.pk})
    )


def download(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@method_decorator(public_page(params=MeetingFilterSet), name="dispatch")
class MeetingListView(FilteredListMixin, FilterView):
    """Every meeting: those still ahead first, then the past ones; filterable."""

    template_name = "incontri/meeting_list.html"
    filterset_class = MeetingFilterSet
    paginate_by = 20
    context_object_name = "meetings"

    def get_queryset(self):
        return queries.meeting_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        form = self.filterset.form
        selected = form.cleaned_data.get("programma") if form.is_valid() else None
        context["selected_programme"] = selected
        context["programmes"] = [selected] if selected else queries.programmes()
        context["atom_feeds"] = [
            link
            for programme in context["programmes"]
            for link in feed_links(programme, "meetings")
        ]
        return context


@method_decorator(public_page, name="dispatch")
class MeetingDetailView(DetailView):
    """A meeting, with the box to register for it (or the visitor's registration) and the ways
    to add it to a calendar."""

    template_name = "incontri/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return queries.meeting_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        box = queries.registration_box(self.object, user)
        context["registration"] = box
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["calendar_links"] = calendar_links.links(self.object, url=url)
        context["event_data"] = structured_data.meeting_event(
            self.object, url=url, registration=box
        )
        context["atom_feeds"] = feed_links(self.object.programme, "meetings")
        if "registration_form" not in context and user.is_authenticated and box.is_open:
            context["registration_form"] = RegistrationForm.for_user(user, box.mine)
        return context


def registration_anchor(meeting: Meeting) -> str:
    return reverse("incontri:detail", args=[meeting.pk]) + "#iscrizione"


class RegisterView(LoginRequiredMixin, MeetingDetailView):
    """POST: register the visitor (confirmed or on the waiting list). A GET, e.g. coming back
    from the login page, leads to the meeting's page."""

    def get(self, request, pk):
        return redirect(registration_anchor(get_object_or_404(Meeting, pk=pk)))

    def post(self, request, pk):
        self.object = self.get_object()
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = services.register(
                    meeting=self.object, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # closed, or already registered: say why
                    messages.error(request, " ".join(exc.messages))
                    return redirect(registration_anchor(self.object))
                form.add_service_error(exc)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(
                        request,
                        _("Iscrizione confermata. Ti abbiamo mandato un'email di conferma."),
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "I posti sono esauriti: sei in lista d'attesa. Se si libera un posto "
                            "passerai automaticamente tra gli iscritti e ti scriveremo."
                        ),
                    )
                return redirect(registration_anchor(self.object))
        context = self.get_context_data(object=self.object, registration_form=form)
        return self.render_to_response(context)


class CancelRegistrationView(LoginRequiredMixin, View):
    """GET: "do you really want to cancel?"; POST: cancel. Only one's own registration: any
    other is 404, whoever asks."""

    def get_registration(self) -> Registration:
        return get_object_or_404(
            Registration.objects.select_related("meeting__programme"),
            pk=self.kwargs["pk"],
            user=self.request.user,
        )

    def get(self, request, pk):
        registration = self.get_registration()
        if not registration.is_active:
            return redirect(registration_anchor(registration.meeting))
        return render(
            request,
            "incontri/registration_cancel.html",
            {"registration": registration, "meeting": registration.meeting},
        )

    def post(self, request, pk):
        registration = self.get_registration()
        try:
            services.cancel_registration(registration=registration, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("La tua iscrizione è annullata."))
        return redirect(registration_anchor(registration.meeting))


@method_decorator(public_page, name="dispatch")
class MeetingCalendarView(View):
    """One meeting as an .ics file. A meeting that never had a date has none; one whose date is
    to be confirmed again has its tentative event, at the last date published."""

    def get(self, request, pk):
        meeting = get_object_or_404(
            Meeting.objects.select_related("programme", "municipality"), pk=pk
        )
        if not ical.in_calendars(meeting):
            raise NotFound(
                _(
                    "La data di questo incontro è ancora da confermare: il file per il calendario "
                    "sarà disponibile quando la data sarà fissata."
                )
            )
        content = ical.meeting_calendar(meeting, url_for=meeting_url(request))
        name = slugify(meeting.title)[:60].strip("-") or "incontro"
        return download(
            content, content_type=CALENDAR_TYPE, filename=f"incontro-{meeting.pk}-{name}.ics"
        )


@method_decorator(public_page, name="dispatch")
class ProgrammeCalendarView(ProgrammeMixin, View):
    """The feed of a programme's meetings, to import or subscribe to."""

    def get(self, request, slug):
        content = ical.programme_calendar(
            self.programme,
            queries.calendar_meetings(self.programme),
            url_for=meeting_url(request),
        )
        return download(
            content, content_type=CALENDAR_TYPE, filename=f"incontri-{self.programme.slug}.ics"
        )


@method_decorator(public_page(params=("programma",)), name="dispatch")
class OpenDataView(DownloadView):
    """The meetings as open data, all or of one programme (``?programma=<slug>``)."""

    def get(self, request):
        programme = None
        slug = request.GET.get("programma")
        if slug:
            if not SLUG.fullmatch(slug):
                raise NotFound(_("Programma non trovato."))
            programme = get_object_or_404(Programme, slug=slug)
        rows = opendata.records(queries.opendata_meetings(programme), meeting_url(request))
        return download_file(
            request,
            opendata.MEETINGS,
            rows,
            format=self.format,
            stem=f"incontri-{programme.slug}" if programme else "incontri",
            programme=programme.slug if programme else None,
        )


def minutes_file_response(meeting: Meeting) -> FileResponse:
    """A meeting's minutes in PDF, as a download the browser never opens in the portal's own
    pages: an attachment, typed as PDF and not to be sniffed as anything else, and sandboxed
    (no script, no form, no plug-in, a unique origin) should a browser show it all the same.
    Both the public and the staff address answer with it."""
    if not meeting.minutes_file:
        raise NotFound(_("Questo incontro non ha un verbale in PDF."))
    response = FileResponse(
        meeting.minutes_file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=minutes_file_name(meeting),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # set here, the portal's own policy (csp.middleware) leaves it as it is
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


class MinutesFileView(View):
    """The minutes of a meeting as PDF, served by the portal (media need not be public)."""

    def get(self, request, pk):
        return minutes_file_response(get_object_or_404(Meeting, pk=pk))
