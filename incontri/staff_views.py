"""Staff pages for meetings: the list, scheduling, editing, cancelling, marking as held, the
minutes (Markdown or PDF) and the attendance. Every view is behind ``RedazioneRequiredMixin``;
every write goes through ``incontri.services``. The state changes answer htmx with the list's
row (so the list updates in place) and a plain POST with a redirect."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from incontri import queries, registration_export, services
from incontri.forms import (
    AttendanceForm,
    CancelForm,
    HeldForm,
    MeetingForm,
    MinutesForm,
    PresencesForm,
    RestoreForm,
    StaffMeetingFilterSet,
)
from incontri.models import Meeting, MeetingStatus, RegistrationStatus
from patto.core.history import history_of
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import (
    Outcome,
    ProgrammeItemCreateView,
    list_context,
    safe_next,
    save_through,
)


def staff_meetings():
    """Every meeting with what the staff list shows: those still ahead first."""
    return queries.meeting_list()


class MeetingListView(RedazioneRequiredMixin, FilterView):
    template_name = "redazione/incontri/meeting_list.html"
    filterset_class = StaffMeetingFilterSet
    context_object_name = "meetings"
    paginate_by = 25

    def get_queryset(self):
        return staff_meetings()

    def get_context_data(self, **kwargs):
        return list_context(self, super().get_context_data(**kwargs))


class MeetingCreateView(ProgrammeItemCreateView):
    chooser_title = gettext_lazy("Nuovo incontro")
    form_class = MeetingForm
    service = staticmethod(services.schedule_meeting)
    template_name = "redazione/incontri/meeting_form.html"
    success_message = gettext_lazy("Incontro messo in calendario.")
    success_url_name = "redazione:incontri_meeting"

    def service_data(self, form) -> dict:
        return {"tables": form.cleaned_data["tables"], **form.service_data()}

    def get_context(self) -> dict:
        return {"municipality_suggestions": MeetingForm.municipality_suggestions()}


class MeetingPageView(RedazioneRequiredMixin, View):
    """A meeting: its details (editable), its state, minutes, attendance and history."""

    template_name = "redazione/incontri/meeting_detail.html"

    def get_meeting(self) -> Meeting:
        return get_object_or_404(
            Meeting.objects.select_related(
                "programme", "phase", "province", "zone", "municipality__province"
            ).prefetch_related("tables"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, pk):
        return self.render(self.get_meeting())

    def post(self, request, pk):
        meeting = self.get_meeting()
        form = MeetingForm(request.POST, instance=meeting, programme=meeting.programme)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.update_meeting,
                meeting=meeting,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                tables=form.cleaned_data["tables"],
                **form.service_data(),
            )
            if outcome.ok:
                messages.success(request, _("Incontro salvato."))
                return redirect("redazione:incontri_meeting", pk=meeting.pk)
        return self.render(self.get_meeting(), form=form, conflict=outcome.conflict)

    def render(self, meeting, **forms):
        conflict = forms.pop("conflict", None)
        context = {
            "meeting": meeting,
            "programme": meeting.programme,
            "form": MeetingForm(instance=meeting, programme=meeting.programme),
            "held_form": HeldForm(instance=meeting),
            "cancel_form": CancelForm(instance=meeting),
            "restore_form": RestoreForm(instance=meeting),
            "minutes_form": MinutesForm(instance=meeting),
            "attendance_form": AttendanceForm(instance=meeting),
            "conflict": conflict,
            "contribution_count": meeting.contributions.count(),
            "registration_counts": registration_counts(meeting),
            "history": history_of(meeting),
            "municipality_suggestions": MeetingForm.municipality_suggestions(),
            "today": timezone.localdate(),
        }
        context.update(forms)
        return render(self.request, self.template_name, context)


class MeetingActionView(MeetingPageView):
    """A POST that changes the meeting's state through one service. From the list (htmx) the
    answer is the updated row; otherwise a redirect to ``next`` (or the meeting's page) with a
    message. A refused change says why, in the row or in the message."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""
    success_message = ""

    def call(self, meeting, form):
        raise NotImplementedError

    def post(self, request, pk):
        meeting = self.get_meeting()
        form = self.form_class(request.POST, request.FILES, instance=meeting)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(form, lambda: self.call(meeting=meeting, form=form))
        page = reverse("redazione:incontri_meeting", args=[meeting.pk])
        if request.htmx and request.POST.get("row"):
            meeting = get_object_or_404(staff_meetings(), pk=pk)
            return render(
                request,
                "redazione/incontri/includes/meeting_row.html",
                {
                    "meeting": meeting,
                    "row_message": self.success_message if outcome.ok else None,
                    "row_errors": _messages(form) if not outcome.ok else [],
                    "next": safe_next(request, request.htmx.current_url_abs_path or ""),
                    "today": timezone.localdate(),
                },
            )
        if outcome.ok:
            messages.success(request, self.success_message)
            return HttpResponseRedirect(safe_next(request, page))
        if request.POST.get("row"):  # from the list, without script: back to it, with why
            messages.error(request, " ".join(_messages(form)))
            return HttpResponseRedirect(safe_next(request, page))
        meeting = self.get_meeting()
        return self.render(
            meeting,
            **{self.form_name: form},
            action_form=form,
            action_conflict=outcome.conflict,
            # the form's section is not on the page in the meeting's state: say why at the top
            action_hidden=self.form_name not in visible_forms(meeting),
        )


def registration_counts(meeting: Meeting) -> dict:
    """Confirmed and waiting registrations of ``meeting``. One query."""
    return meeting.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )


def visible_forms(meeting: Meeting, today=None) -> set[str]:
    """The state-change forms the meeting's page shows in the meeting's current state."""
    today = today or timezone.localdate()
    if meeting.status == MeetingStatus.SCHEDULED:
        forms = {"cancel_form"}
        if meeting.date and meeting.date <= today:
            forms.add("held_form")
        return forms
    forms = {"restore_form"}
    if meeting.status == MeetingStatus.HELD:
        forms |= {"attendance_form", "minutes_form"}
    return forms


def _messages(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


class MeetingHeldView(MeetingActionView):
    form_class = HeldForm
    form_name = "held_form"
    success_message = gettext_lazy("Incontro segnato come svolto.")

    def call(self, *, meeting, form):
        return services.mark_meeting_held(
            meeting=meeting,
            by=self.request.user,
            expected_revision=form.cleaned_data["revision"],
            attendance=form.cleaned_data.get("attendance"),
        )


class MeetingCancelView(MeetingActionView):
    """GET: the confirmation page; POST: the cancellation."""

    http_method_names = ["get", "post"]
    form_class = CancelForm
    form_name = "cancel_form"
    success_message = gettext_lazy("Incontro annullato.")

    def get(self, request, pk):
        meeting = self.get_meeting()
        if meeting.status != MeetingStatus.SCHEDULED:
            messages.info(request, _("Questo incontro non è in programma: non c'è da annullarlo."))
            return redirect("redazione:incontri_meeting", pk=meeting.pk)
        return render(
            request,
            "redazione/incontri/meeting_cancel.html",
            {
                "meeting": meeting,
                "form": CancelForm(instance=meeting),
                "next": safe_next(request, ""),
            },
        )

    def call(self, *, meeting, form):
        return services.cancel_meeting(
            meeting=meeting, by=self.request.user, expected_revision=form.cleaned_data["revision"]
        )


class MeetingRestoreView(MeetingActionView):
    form_class = RestoreForm
    form_name = "restore_form"
    success_message = gettext_lazy("Incontro riportato in programma.")

    def call(self, *, meeting, form):
        return services.restore_meeting(
            meeting=meeting, by=self.request.user, expected_revision=form.cleaned_data["revision"]
        )


class MeetingAttendanceView(MeetingActionView):
    form_class = AttendanceForm
    form_name = "attendance_form"
    success_message = gettext_lazy("Partecipanti registrati.")

    def call(self, *, meeting, form):
        return services.record_attendance(
            meeting=meeting,
            by=self.request.user,
            expected_revision=form.cleaned_data["revision"],
            attendance=form.cleaned_data.get("attendance"),
        )


class MeetingMinutesView(MeetingActionView):
    form_class = MinutesForm
    form_name = "minutes_form"
    success_message = gettext_lazy("Verbale salvato.")

    def call(self, *, meeting, form):
        return services.record_minutes(
            meeting=meeting,
            by=self.request.user,
            expected_revision=form.cleaned_data["revision"],
            minutes=form.cleaned_data["minutes"],
            minutes_file=form.cleaned_data.get("minutes_file"),
            remove_file=form.cleaned_data.get("remove_file", False),
        )


class MinutesFileView(RedazioneRequiredMixin, View):
    """The minutes' PDF as stored, for the redazione to check what was uploaded."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        if not meeting.minutes_file:
            raise Http404(_("Questo incontro non ha un verbale in PDF."))
        return FileResponse(
            meeting.minutes_file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=services.minutes_file_name(meeting),
        )


# Registrations --------------------------------------------------------------------------------


def presences_open(meeting: Meeting, today=None) -> bool:
    """Presences are recorded from the meeting's day on, unless it was cancelled."""
    today = today or timezone.localdate()
    return (
        meeting.status != MeetingStatus.CANCELLED
        and meeting.date is not None
        and meeting.date <= today
    )


class MeetingRegistrationsView(RedazioneRequiredMixin, View):
    """Who registered for a meeting (confirmed, waiting, cancelled, with counts) and, from the
    meeting's day on, one form to tick who came."""

    template_name = "redazione/incontri/meeting_registrations.html"

    def get_meeting(self) -> Meeting:
        return get_object_or_404(Meeting.objects.select_related("programme"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render(self.get_meeting())

    def render(self, meeting, form=None, conflict=None):
        registrations = queries.staff_registrations(meeting)
        groups = {status: [] for status in RegistrationStatus.values}
        for registration in registrations:
            groups[registration.status].append(registration)
        active = groups[RegistrationStatus.CONFIRMED] + groups[RegistrationStatus.WAITING]
        if form is None:
            form = PresencesForm(instance=meeting, registrations=active)
        context = {
            "meeting": meeting,
            "programme": meeting.programme,
            "confirmed": groups[RegistrationStatus.CONFIRMED],
            "waiting": groups[RegistrationStatus.WAITING],
            "cancelled": groups[RegistrationStatus.CANCELLED],
            "presences_open": presences_open(meeting),
            "form": form,
            "conflict": conflict,
            "present_count": sum(1 for r in active if r.attended),
        }
        return render(self.request, self.template_name, context)


class MeetingPresencesView(MeetingRegistrationsView):
    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = self.get_meeting()
        active = [
            r
            for r in queries.staff_registrations(meeting)
            if r.status != RegistrationStatus.CANCELLED
        ]
        form = PresencesForm(request.POST, instance=meeting, registrations=active)
        outcome = Outcome()
        if form.is_valid():
            outcome = save_through(
                form,
                services.record_presences,
                meeting=meeting,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                present=[int(pk) for pk in form.cleaned_data["present"]],
                update_attendance=form.cleaned_data["update_attendance"],
            )
            if outcome.ok:
                messages.success(request, _("Presenze registrate."))
                return redirect("redazione:incontri_meeting_registrations", pk=meeting.pk)
        return self.render(self.get_meeting(), form=form, conflict=outcome.conflict)


class MeetingRegistrationsCSVView(RedazioneRequiredMixin, View):
    """The registrations as a spreadsheet (see ``incontri.registration_export``)."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        content = registration_export.to_csv(queries.staff_registrations(meeting))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"iscrizioni-incontro-{meeting.pk}.csv"
        )
        return response
