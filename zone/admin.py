"""Back office for the territory: provinces, zone omogenee, comuni and the zones'
spokespersons."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patto.core.admin import URL_FIELDS, delete_selected_unless
from patto.models import PlanVersion
from zone.models import MembershipImport, Municipality, Province, SpokespersonAssignment, Zone


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "istat_code", "is_metropolitan_city")
    list_filter = ("is_metropolitan_city",)
    search_fields = ("name", "abbreviation", "istat_code")


class SpokespersonAssignmentInline(admin.TabularInline):
    model = SpokespersonAssignment
    fields = ("user", "role", "start_date", "end_date")
    autocomplete_fields = ("user",)
    extra = 0


# A zone named by an action of a frozen version cannot be deleted: the link is part of the
# frozen text (and the database refuses to drop it).
ZONE_IN_FROZEN_VERSION = Q(actions__version__in=PlanVersion.objects.frozen())


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("number", "name", "full_name", "province", "municipalities_count")
    list_display_links = ("number", "name")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_fields = ("name", "full_name")
    inlines = [SpokespersonAssignmentInline]
    actions = [
        delete_selected_unless(
            ZONE_IN_FROZEN_VERSION,
            _("Alcune zone sono citate da versioni non più in bozza: non si possono eliminare."),
        )
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(municipalities_total=Count("municipalities", distinct=True))
        )

    @admin.display(description=_("comuni"), ordering="municipalities_total")
    def municipalities_count(self, obj):
        return obj.municipalities_total

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Zone.objects.filter(ZONE_IN_FROZEN_VERSION, pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("name", "istat_code", "province", "zone", "zone_origin", "population_2011")
    list_filter = ("province", "zone", "zone_origin")
    list_select_related = ("province", "zone")
    # ``search_name`` lets "cirie" or "albiano d ivrea" find "Ciriè" and "Albiano d'Ivrea".
    search_fields = ("name", "search_name", "istat_code")
    list_per_page = 50


class CurrentListFilter(admin.SimpleListFilter):
    title = _("in carica")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("Sì")), ("no", _("No"))]

    def queryset(self, request, queryset):
        current = SpokespersonAssignment.objects.current().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(SpokespersonAssignment)
class SpokespersonAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "zone", "role", "start_date", "end_date", "is_current")
    list_filter = (CurrentListFilter, "zone")
    list_select_related = ("user", "zone")
    search_fields = ("user__email", "user__first_name", "user__last_name", "role", "zone__name")
    autocomplete_fields = ("user",)
    date_hierarchy = "start_date"

    @admin.display(description=_("in carica"), boolean=True)
    def is_current(self, obj):
        return obj.is_current(timezone.localdate())


@admin.register(MembershipImport)
class MembershipImportAdmin(admin.ModelAdmin):
    """The record of the official lists uploaded at /redazione/zone/importa/: read only, since
    loading one goes through its preview and confirmation there."""

    list_display = ("file_name", "uploaded_by", "uploaded_at", "status", "applied_by", "applied_at")
    list_filter = ("status",)
    list_select_related = ("uploaded_by", "applied_by")
    fields = (
        "file_name",
        "sha256",
        "source_url",
        "uploaded_by",
        "uploaded_at",
        "status",
        "applied_by",
        "applied_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
