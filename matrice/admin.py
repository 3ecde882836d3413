"""Back office for the content of plan versions: tools, targets, policies, action areas and
actions.

Content of a frozen (non-draft) version is shown read-only and cannot be deleted; new content
can only be added to a draft. The models and the database refuse such writes anyway: the admin
just does not offer them.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.core.admin import VersionListFilter, delete_selected_unless
from patto.models import PlanVersion, VersionStatus
from tavoli.models import ThematicTable

FROZEN_CONTENT = ~Q(version__status=VersionStatus.DRAFT)
FROZEN_MESSAGE = _(
    "Alcune voci selezionate appartengono a una versione non più in bozza: non si possono "
    "eliminare."
)


def _is_frozen(obj):
    """True when ``obj`` (a content row, or None) belongs to a frozen version. May run a
    query for the version."""
    return obj is not None and obj.version_id is not None and obj.version.is_frozen


def _code_and_title(obj):
    return f"{obj.code} {obj}"


class VersionScopedForm(forms.ModelForm):
    """Offers, for the fields in ``scoped``, only content of the form's version: the object's
    own version, else the version chosen in the form (or passed as ``?version=`` to the add
    page), else any draft. Like the other admin forms it has no ``Meta``: ``ModelAdmin.get_form``
    supplies the model and the fields."""

    scoped: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_id = self.instance.version_id or self._chosen_version_id()
        if self.version_id:
            scope = Q(version_id=self.version_id)
        else:
            scope = Q(version__status=VersionStatus.DRAFT)
        for name, model in self.scoped.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(scope)

    def _chosen_version_id(self):
        value = self.data.get("version") if self.is_bound else self.initial.get("version")
        value = str(value or "")
        return int(value) if value.isdigit() else None


class ActionAreaForm(VersionScopedForm):
    scoped = {"policy": Policy}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "policy" in self.fields:
            self.fields["policy"].label_from_instance = _code_and_title


class ActionForm(VersionScopedForm):
    scoped = {"area": ActionArea, "tools": Tool, "targets": Target}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "area" in self.fields:
            self.fields["area"].label_from_instance = _code_and_title
        if "tables" in self.fields and self.version_id:
            self.fields["tables"].queryset = ThematicTable.objects.filter(
                programme__versions=self.version_id
            )


class VersionContentAdmin(admin.ModelAdmin):
    """Common behaviour of the content of a version."""

    list_filter = (
        ("version__programme", admin.RelatedFieldListFilter),
        ("version", VersionListFilter),
        "version__status",
    )
    list_select_related = ("version__programme",)
    actions = [delete_selected_unless(FROZEN_CONTENT, FROZEN_MESSAGE)]

    @admin.display(description=_("stato della versione"), ordering="version__status")
    def version_status(self, obj):
        return obj.version.get_status_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__programme")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if _is_frozen(obj):
            opts = self.model._meta
            return [f.name for f in [*opts.fields, *opts.many_to_many] if not f.primary_key]
        # Content does not move between versions.
        return (*self.readonly_fields, "version", "key")

    def has_change_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = PlanVersion.objects.filter(
                status=VersionStatus.DRAFT
            ).select_related("programme")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tool)
class ToolAdmin(VersionContentAdmin):
    list_display = ("code", "name", "version", "version_status", "position")
    search_fields = ("code", "name", "description")


@admin.register(Target)
class TargetAdmin(VersionContentAdmin):
    list_display = ("code", "name", "version", "version_status", "position")
    search_fields = ("code", "name", "description")


class ActionAreaInlineFormSet(forms.BaseInlineFormSet):
    """Areas edited inside their policy take the policy's version; their codes must be new in
    that version (the form has no version field, so model validation cannot check it)."""

    def clean(self):
        super().clean()
        version_id = self.instance.version_id
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            form.instance.version_id = version_id
            code = data.get("code")
            if not code or not version_id:
                continue
            taken = (
                ActionArea.objects.filter(version_id=version_id, code=code)
                .exclude(pk=form.instance.pk)
                .exists()
            )
            if code in seen or taken:
                form.add_error("code", _("Codice già usato in questa versione."))
            seen.add(code)


class ActionAreaInline(admin.TabularInline):
    model = ActionArea
    formset = ActionAreaInlineFormSet
    fields = ("code", "title", "position")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Policy)
class PolicyAdmin(VersionContentAdmin):
    list_display = ("code", "title", "version", "version_status", "position")
    search_fields = ("code", "title", "description")
    inlines = [ActionAreaInline]


@admin.register(ActionArea)
class ActionAreaAdmin(VersionContentAdmin):
    form = ActionAreaForm
    list_display = ("code", "title", "policy", "version", "version_status", "position")
    list_select_related = ("version__programme", "policy")
    search_fields = ("code", "title", "description", "policy__title")


@admin.register(Action)
class ActionAdmin(VersionContentAdmin):
    form = ActionForm
    list_display = ("code", "title", "area", "version", "version_status", "lead_body", "budget")
    list_filter = (*VersionContentAdmin.list_filter, "zones", "tables")
    list_select_related = ("version__programme", "area")
    search_fields = ("code", "title", "description", "lead_body", "partners", "area__title")
    filter_horizontal = ("tools", "targets", "zones", "tables")
    fieldsets = (
        (None, {"fields": ("version", "key", "area", "code", "title", "position")}),
        (_("Contenuto"), {"fields": ("description", "lead_body", "partners", "indicators")}),
        (_("Matrice"), {"fields": ("tools", "targets")}),
        (_("Territorio e provenienza"), {"fields": ("zones", "tables")}),
        (_("Periodo e risorse"), {"fields": (("start_date", "end_date"), "budget")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the stable key is assigned on creation
            first = ("version", "area", "code", "title", "position")
            return ((None, {"fields": first}), *self.fieldsets[1:])
        return self.fieldsets
