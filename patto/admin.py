"""Back office for the programme: users, programmes and their phases, plan versions and the
zones' validations.

The admin is for fixes, not for the life of a version: a version's status, fingerprint and PDF
change only through the services (``patto.programme.services``, ``patto.pdf.services``; a new draft
is created by ``create_version`` here too). Validations are decided by the spokespersons and are
read-only here. A frozen version is read-only and cannot be deleted.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from patto.core.admin import VersionListFilter, delete_selected_unless
from patto.models import (
    MailJob,
    OutgoingEmail,
    Phase,
    PlanVersion,
    Programme,
    User,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from patto.programme import services

admin.site.site_header = _("Patto – amministrazione")

admin.site.site_title = _("Patto – amministrazione")

admin.site.index_title = _("Gestione del portale")


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows rows."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Dati personali"), {"fields": ("first_name", "last_name")}),
        (_("Partecipazione"), {"fields": ("body_name", "actor_category")}),
        (
            _("Permessi"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Date importanti"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "usable_password", "password1", "password2"),
            },
        ),
        (
            _("Dati personali"),
            {"fields": ("first_name", "last_name", "body_name", "actor_category")},
        ),
    )
    list_display = (
        "email",
        "username",
        "first_name",
        "last_name",
        "body_name",
        "actor_category",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "actor_category")
    search_fields = ("email", "username", "first_name", "last_name", "body_name")
    ordering = ("email",)


class PhaseInline(admin.StackedInline):
    model = Phase
    extra = 0
    fields = (("position", "title"), ("start_date", "end_date"), "description")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "promoter", "start_date", "end_date", "position")
    list_filter = ("kind",)
    search_fields = ("title", "subtitle", "promoter", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("validating_zones",)
    inlines = [PhaseInline]
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "slug", "kind", "position")}),
        (_("Promotore"), {"fields": ("promoter", "promoter_office")}),
        (_("Contenuto"), {"fields": ("summary", "description", "audience")}),
        (_("Periodo"), {"fields": (("start_date", "end_date"),)}),
        (_("Validazione"), {"fields": ("validating_zones",)}),
        (_("Consultazione"), {"fields": ("contributions_need_approval",)}),
        (_("Attuazione"), {"fields": ("monitoring_note",)}),
    )


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "programme",
        "position",
        "start_date",
        "end_date",
        "is_consultation",
    )
    list_filter = ("programme", "is_consultation")
    list_select_related = ("programme",)
    search_fields = ("title", "description", "programme__title")


class ValidationInline(ReadOnlyInline):
    model = Validation
    fields = ("zone", "decision", "reason", "decided_by", "decided_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("zone", "decided_by")


class NewVersionForm(forms.ModelForm):
    """Start a draft. The number and the copy of the content come from
    ``services.create_version``."""

    class Meta:
        model = PlanVersion
        fields = ("programme", "based_on", "change_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "based_on" in self.fields:
            self.fields["based_on"].queryset = PlanVersion.objects.select_related("programme")
            self.fields["based_on"].help_text = _(
                "Vuoto: si copia l'ultima versione del programma, se c'è."
            )

    def clean(self):
        cleaned = super().clean()
        programme, based_on = cleaned.get("programme"), cleaned.get("based_on")
        # The service refuses these too; checking here turns them into form errors.
        if programme and programme.versions.filter(status=VersionStatus.DRAFT).exists():
            self.add_error(
                "programme", _("Esiste già una bozza di questo programma: modifica quella.")
            )
        if programme and based_on and based_on.programme_id != programme.pk:
            self.add_error("based_on", _("La versione di partenza è di un altro programma."))
        return cleaned


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "pdf_status",
        "created_at",
        "submitted_at",
        "published_at",
    )
    list_filter = ("programme", "status", "pdf_status")
    list_select_related = ("programme",)
    search_fields = ("programme__title", "change_note", "fingerprint")
    date_hierarchy = "created_at"
    inlines = [ValidationInline]
    actions = [
        delete_selected_unless(
            ~Q(status=VersionStatus.DRAFT),
            _("Solo le bozze si possono eliminare: togli dalla selezione le altre versioni."),
        )
    ]
    add_form = NewVersionForm
    lifecycle_fields = (
        "status",
        "fingerprint",
        "created_at",
        "created_by",
        "submitted_at",
        "submitted_by",
        "validated_at",
        "validated_by",
        "published_at",
        "published_by",
        "archived_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    )
    pdf_fields = (
        "pdf_status",
        "pdf_file",
        "pdf_fingerprint_shown",
        "pdf_cover_status",
        "pdf_error",
        "pdf_rendered_at",
    )
    fieldsets = (
        (None, {"fields": ("programme", "number", "based_on", "change_note", "content")}),
        (_("Ciclo di vita"), {"fields": lifecycle_fields}),
        (_("PDF"), {"fields": pdf_fields}),
    )
    add_fieldsets = ((None, {"fields": ("programme", "based_on", "change_note")}),)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "programme",
                "based_on__programme",
                "created_by",
                "submitted_by",
                "validated_by",
                "published_by",
                "withdrawn_by",
            )
        )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ("programme", "number", "based_on", "content")
        if obj.is_frozen:
            readonly += ("change_note",)
        return readonly + self.lifecycle_fields + self.pdf_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_add_permission(self, request):
        # ``services.create_version`` is reserved to the redazione.
        return super().has_add_permission(request) and request.user.is_redazione

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.create_version(
            programme=obj.programme,
            by=request.user,
            change_note=obj.change_note,
            based_on=obj.based_on,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.display(description=_("impronta del contenuto del PDF"))
    def pdf_fingerprint_shown(self, obj):
        return obj.pdf_fingerprint  # the model field has no Italian label

    @admin.display(description=_("contenuto"))
    def content(self, obj):
        """Links to the version's content in the back office. Runs one query per kind."""
        kinds = [
            ("policy", obj.policies, _("politiche")),
            ("actionarea", obj.action_areas, _("ambiti d'azione")),
            ("action", obj.actions, _("azioni")),
            ("tool", obj.tools, _("strumenti")),
            ("target", obj.targets, _("destinatari")),
        ]
        return format_html_join(
            ", ",
            '<a href="{}?version__id__exact={}">{} {}</a>',
            (
                (reverse(f"admin:matrice_{name}_changelist"), obj.pk, related.count(), label)
                for name, related, label in kinds
            ),
        )


class ValidationRemarkInline(ReadOnlyInline):
    model = ValidationRemark
    fields = ("item_kind", "item_label", "item_key", "text")
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Validation)
class ValidationAdmin(ReadOnlyAdmin):
    """Decisions are taken by the spokespersons (``validation.services.decide_validation``)."""

    list_display = ("zone", "version", "decision", "decided_by", "decided_at")
    list_filter = (
        "decision",
        ("version__programme", admin.RelatedFieldListFilter),
        ("version", VersionListFilter),
        "zone",
    )
    list_select_related = ("zone", "version__programme", "decided_by")
    search_fields = (
        "reason",
        "zone__name",
        "decided_by__email",
        "decided_by__first_name",
        "decided_by__last_name",
    )
    date_hierarchy = "decided_at"
    inlines = [ValidationRemarkInline]


@admin.register(ValidationRemark)
class ValidationRemarkAdmin(ReadOnlyAdmin):
    list_display = ("item_label", "item_kind", "zone", "version", "short_text")
    list_filter = (
        "item_kind",
        ("validation__version__programme", admin.RelatedFieldListFilter),
        "validation__zone",
    )
    list_select_related = ("validation__zone", "validation__version__programme")
    search_fields = ("item_label", "text", "validation__zone__name")

    @admin.display(description=_("zona"), ordering="validation__zone__number")
    def zone(self, obj):
        return obj.validation.zone

    @admin.display(description=_("versione"))
    def version(self, obj):
        return obj.validation.version

    @admin.display(description=_("osservazione"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:80]}…"


@admin.register(MailJob)
class MailJobAdmin(ReadOnlyAdmin):
    """The e-mails owed (``patto.mail.outbox``): the sweep sends them again by itself; a job
    that has failed ``MAIL_MAX_ATTEMPTS`` times shows here with its last error."""

    list_display = ("task", "args", "created_at", "runs", "done_at", "last_error")
    list_filter = (("done_at", admin.EmptyFieldListFilter), "task")
    date_hierarchy = "created_at"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """Each message and whether it has left; what it says stays readable for a check."""

    list_display = ("to", "subject", "template", "created_at", "attempts", "sent_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "template")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("job",)
