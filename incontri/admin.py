"""Back office for meetings and their registrations."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from incontri import services
from incontri.models import Meeting, Registration, RegistrationStatus
from patto.models import ActorCategory


class MeetingForm(forms.ModelForm):
    """The audiences as check boxes instead of raw JSON. The admin supplies model and fields."""

    audiences = forms.MultipleChoiceField(
        label=_("rivolto a"),
        choices=ActorCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Categorie di partecipanti a cui l'incontro è rivolto."),
    )


class RegistrationInline(admin.TabularInline):
    """Registrations are made and cancelled on the site (``incontri.services``), which keeps
    the capacity and the waiting list: here the status is read-only and none can be added."""

    model = Registration
    fields = ("user", "body_name", "actor_category", "status", "attended", "created_at")
    readonly_fields = ("user", "status", "created_at")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingForm
    list_display = (
        "title",
        "when",
        "kind",
        "status",
        "programme",
        "place",
        "province",
        "zone",
        "registrations_count",
    )
    list_filter = ("kind", "status", "programme", "province", "zone", "date")
    list_select_related = ("programme", "municipality__province", "province", "zone")
    search_fields = ("title", "venue", "address", "agenda", "municipality__name", "date_note")
    autocomplete_fields = ("municipality",)
    filter_horizontal = ("tables",)
    readonly_fields = ("ical_uid", "sequence", "created", "updated")
    inlines = [RegistrationInline]
    fieldsets = (
        (None, {"fields": ("programme", "phase", "kind", "title", "status")}),
        (
            _("Quando"),
            {"fields": ("date", "date_note", "expected_by", ("start_time", "end_time"))},
        ),
        (
            _("Dove"),
            {"fields": ("venue", "address", "municipality", "province", "zone")},
        ),
        (_("Per chi"), {"fields": ("tables", "audiences", "capacity")}),
        (_("Contenuto"), {"fields": ("agenda", "minutes", "minutes_file", "attendance")}),
        (_("Registrazione"), {"fields": ("source", "ical_uid", "sequence", "created", "updated")}),
    )

    def save_model(self, request, obj, form, change):
        # the same bookkeeping as the services: calendars that hold the meeting see the edit
        services.note_calendar_changes(obj)
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_registrations=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
                )
            )
        )

    # These fields have no verbose name in the model; the methods give them an Italian label.
    @admin.display(description=_("identificativo iCalendar"))
    def ical_uid(self, obj):
        return obj.uid

    @admin.display(description=_("inserito il"))
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("modificato il"))
    def updated(self, obj):
        return obj.updated_at

    @admin.display(description=_("data"), ordering="date")
    def when(self, obj):
        if obj.date is None:
            if obj.date_note:
                return f"{_('da confermare')} ({obj.date_note})"
            return _("da confermare")
        text = formats.date_format(obj.date, "SHORT_DATE_FORMAT")
        if obj.start_time:
            text += " " + formats.time_format(obj.start_time, "TIME_FORMAT")
        return text

    @admin.display(description=_("luogo"))
    def place(self, obj):
        return ", ".join(str(part) for part in (obj.venue, obj.municipality) if part) or None

    @admin.display(description=_("iscritti"), ordering="confirmed_registrations")
    def registrations_count(self, obj):
        return obj.confirmed_registrations


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "meeting",
        "status",
        "body_name",
        "actor_category",
        "attended",
        "created_at",
    )
    list_filter = ("status", "attended", "actor_category", "meeting__programme", "meeting")
    list_select_related = ("user", "meeting")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "body_name",
        "meeting__title",
    )
    readonly_fields = ("meeting", "user", "status", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # made on the site, where the capacity and the waiting list are kept
        return False
