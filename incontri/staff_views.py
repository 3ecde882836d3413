"""Staff pages for meetings: the list, scheduling, editing, cancelling, marking as held, the
minutes (Markdown or PDF) and the attendance. Every view is behind ``RedazioneRequiredMixin``;
every write goes through ``incontri.services``. The state changes answer htmx with the list's
row (so the list updates in place) and a plain POST with a redirect."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
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
from incontri.views import minutes_file_response
from patto.core.history import history_of
from patto.core.mixins import FilteredListMixin
from patto.core.permissions import RedazioneRequiredMixin
from patto.core.staff_views import (
    ItemEditView,
    ProgrammeItemCreateView,
    list_context,
    safe_next,
)


def staff_meetings():
    """Every meeting with what the staff list shows: those still ahead first."""
    return queries.meeting_list()


class MeetingListView(RedazioneRequiredMixin, FilteredListMixin, FilterView):
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


class MeetingPageView(ItemEditView):
    """A meeting: its details (editable), its state, minutes, attendance and history."""

    template_name = "redazione/incontri/meeting_detail.html"
    object_name = "meeting"
    form_class = MeetingForm
    service = staticmethod(services.update_meeting)
    success_message = gettext_lazy("Incontro salvato.")
    success_url_name = "redazione:incontri_meeting"

    def get_object(self) -> Meeting:
        return get_object_or_404(
            Meeting.objects.select_related(
                "programme", "phase", "province", "zone", "municipality__province"
            ).prefetch_related("tables"),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object, "programme": self.object.programme}

    def service_data(self, form) -> dict:
        return {"tables": form.cleaned_data["tables"], **form.service_data()}

    def get_context_data(self, **kwargs):
        meeting = self.object
        context = {
            "programme": meeting.programme,
            "held_form": HeldForm(instance=meeting),
            "cancel_form": CancelForm(instance=meeting),
            "restore_form": RestoreForm(instance=meeting),
            "minutes_form": MinutesForm(instance=meeting),
            "attendance_form": AttendanceForm(instance=meeting),
            "contribution_count": meeting.contributions.count(),
            "registration_counts": registration_counts(meeting),
            "history": history_of(meeting),
            "municipality_suggestions": MeetingForm.municipality_suggestions(),
            "today": timezone.localdate(),
        }
        return super().get_context_data(**(context | kwargs))  # a refused form replaces its own


class MeetingActionView(MeetingPageView):
    """A POST that changes the meeting's state through one service. From the list (htmx) the
    answer is the updated row; otherwise a redirect to ``next`` (or the meeting's page) with a
    message. A refused change says why, in the row or in the message, or on the meeting's page
    next to the form (``form_name``)."""

    http_method_names = ["post"]
    state_form_class = None  # the form this view's POST fills in, ``form_name`` on the page
    conflict_name = "action_conflict"

    def bound_form(self, data):
        return self.state_form_class(data, self.request.FILES, instance=self.object)

    def service_data(self, form) -> dict:
        return {}

    def get_success_url(self, form, result) -> str:
        return safe_next(self.request, super().get_success_url(form, result))

    def saved(self, form, result):
        if self.request.htmx and self.request.POST.get("row"):
            return self.row(form, saved=True)
        return super().saved(form, result)

    def refused(self, form, outcome):
        if self.request.htmx and self.request.POST.get("row"):
            return self.row(form, saved=False)
        if self.request.POST.get("row"):  # from the list, without script: back to it, with why
            messages.error(self.request, " ".join(_messages(form)))
            page = reverse("redazione:incontri_meeting", args=[self.object.pk])
            return HttpResponseRedirect(safe_next(self.request, page))
        return super().refused(form, outcome)

    def get_context_data(self, **kwargs):
        # only after a refusal; when the form's section is not on the page in the meeting's
        # state, the page says why at the top
        return super().get_context_data(
            action_form=kwargs[self.form_name],
            action_hidden=self.form_name not in visible_forms(self.object),
            **kwargs,
        )

    def row(self, form, *, saved):
        meeting = get_object_or_404(staff_meetings(), pk=self.object.pk)
        return render(
            self.request,
            "redazione/incontri/includes/meeting_row.html",
            {
                "meeting": meeting,
                "row_message": self.success_message if saved else None,
                "row_errors": _messages(form) if not saved else [],
                "next": safe_next(self.request, self.request.htmx.current_url_abs_path or ""),
                "today": timezone.localdate(),
            },
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
    state_form_class = HeldForm
    form_name = "held_form"
    service = staticmethod(services.mark_meeting_held)
    success_message = gettext_lazy("Incontro segnato come svolto.")

    def service_data(self, form) -> dict:
        return {"attendance": form.cleaned_data.get("attendance")}


class MeetingCancelView(MeetingActionView):
    """GET: the confirmation page; POST: the cancellation."""

    http_method_names = ["get", "post"]
    state_form_class = CancelForm
    form_name = "cancel_form"
    service = staticmethod(services.cancel_meeting)
    success_message = gettext_lazy("Incontro annullato.")

    def get(self, request, pk):
        meeting = self.get_object()
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


class MeetingRestoreView(MeetingActionView):
    state_form_class = RestoreForm
    form_name = "restore_form"
    service = staticmethod(services.restore_meeting)
    success_message = gettext_lazy("Incontro riportato in programma.")


class MeetingAttendanceView(MeetingActionView):
    state_form_class = AttendanceForm
    form_name = "attendance_form"
    service = staticmethod(services.record_attendance)
    success_message = gettext_lazy("Partecipanti registrati.")

    def service_data(self, form) -> dict:
        return {"attendance": form.cleaned_data.get("attendance")}


class MeetingMinutesView(MeetingActionView):
    # a body up to the upload limit (patto.core.guards)
    upload_limit_setting = "MINUTES_MAX_UPLOAD_MB"
    state_form_class = MinutesForm
    form_name = "minutes_form"
    service = staticmethod(services.record_minutes)
    success_message = gettext_lazy("Verbale salvato.")

    def service_data(self, form) -> dict:
        data = form.cleaned_data
        return {
            "minutes": data["minutes"],
            "minutes_file": data.get("minutes_file"),
            "remove_file": data.get("remove_file", False),
        }


class MinutesFileView(RedazioneRequiredMixin, View):
    """The minutes' PDF as stored, for the redazione to check what was uploaded."""

    def get(self, request, pk):
        return minutes_file_response(get_object_or_404(Meeting, pk=pk))


# Registrations --------------------------------------------------------------------------------


def presences_open(meeting: Meeting, today=None) -> bool:
    """Presences are recorded from the meeting's day on, unless it was cancelled."""
    today = today or timezone.localdate()
    return (
        meeting.status != MeetingStatus.CANCELLED
        and meeting.date is not None
        and meeting.date <= today
    )


class MeetingRegistrationsView(ItemEditView):
    """Who registered for a meeting (confirmed, waiting, cancelled, with counts) and, from the
    meeting's day on, one form to tick who came (posted to ``MeetingPresencesView``)."""

    http_method_names = ["get", "head", "options"]
    template_name = "redazione/incontri/meeting_registrations.html"
    object_name = "meeting"

    def get_object(self) -> Meeting:
        return get_object_or_404(Meeting.objects.select_related("programme"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        meeting = self.object
        groups = {status: [] for status in RegistrationStatus.values}
        for registration in queries.staff_registrations(meeting):
            groups[registration.status].append(registration)
        active = groups[RegistrationStatus.CONFIRMED] + groups[RegistrationStatus.WAITING]
        if "form" not in kwargs:  # from the registrations just read
            kwargs["form"] = PresencesForm(instance=meeting, registrations=active)
        return super().get_context_data(
            programme=meeting.programme,
            confirmed=groups[RegistrationStatus.CONFIRMED],
            waiting=groups[RegistrationStatus.WAITING],
            cancelled=groups[RegistrationStatus.CANCELLED],
            presences_open=presences_open(meeting),
            present_count=sum(1 for r in active if r.attended),
            **kwargs,
        )


class MeetingPresencesView(MeetingRegistrationsView):
    http_method_names = ["post"]
    service = staticmethod(services.record_presences)
    success_message = gettext_lazy("Presenze registrate.")
    success_url_name = "redazione:incontri_meeting_registrations"

    def bound_form(self, data):
        active = [
            r
            for r in queries.staff_registrations(self.object)
            if r.status != RegistrationStatus.CANCELLED
        ]
        return PresencesForm(data, instance=self.object, registrations=active)

    def service_data(self, form) -> dict:
        return {
            "present": [int(pk) for pk in form.cleaned_data["present"]],
            "update_attendance": form.cleaned_data["update_attendance"],
        }


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
