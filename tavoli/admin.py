"""Back office for the thematic tables, their member bodies and the contributions ("you said, we
did")."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from matrice.models import Action
from patto.core.admin import URL_FIELDS, delete_selected_unless
from patto.models import PlanVersion
from tavoli.models import Body, Comment, Contribution, TableMembership, ThematicTable


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("name", "category", "province", "website")
    list_filter = ("category", "province")
    list_select_related = ("province",)
    search_fields = ("name",)


class TableMembershipInline(admin.TabularInline):
    model = TableMembership
    fields = ("body", "role", "joined_on")
    autocomplete_fields = ("body",)
    extra = 0


# A table named by an action of a frozen version cannot be deleted: the link is part of the
# frozen text (and the database refuses to drop it).
TABLE_IN_FROZEN_VERSION = Q(actions__version__in=PlanVersion.objects.frozen())


@admin.register(ThematicTable)
class ThematicTableAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "phase", "position", "members_count")
    list_filter = ("programme", "phase")
    list_select_related = ("programme", "phase")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [TableMembershipInline]
    actions = [
        delete_selected_unless(
            TABLE_IN_FROZEN_VERSION,
            _("Alcuni tavoli sono citati da versioni non più in bozza: non si possono eliminare."),
        )
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(members_total=Count("memberships", distinct=True))
        )

    @admin.display(description=_("enti"), ordering="members_total")
    def members_count(self, obj):
        return obj.members_total

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and ThematicTable.objects.filter(TABLE_IN_FROZEN_VERSION, pk=obj.pk).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TableMembership)
class TableMembershipAdmin(admin.ModelAdmin):
    list_display = ("body", "table", "role", "joined_on")
    list_filter = ("table__programme", "table")
    list_select_related = ("body", "table")
    search_fields = ("body__name", "table__title", "role")
    autocomplete_fields = ("body",)


class ContributionForm(forms.ModelForm):
    """The actions a contribution led to are offered from its own programme, labelled with
    their version (the same action exists in every version). The admin supplies model and
    fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("led_to")
        if field is None:
            return
        actions = Action.objects.select_related("version__programme")
        if self.instance.programme_id:
            actions = actions.filter(version__programme_id=self.instance.programme_id)
        field.queryset = actions
        field.label_from_instance = lambda action: f"{action} ({action.version})"


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    form = ContributionForm
    list_display = (
        "title",
        "kind",
        "status",
        "channel",
        "moderation",
        "programme",
        "table",
        "body",
        "submitted_on",
    )
    list_filter = (
        "programme",
        "status",
        "channel",
        "moderation",
        "kind",
        "table",
        "actor_category",
    )
    list_select_related = ("programme", "table", "body")
    search_fields = ("title", "text", "author_name", "body__name", "body_name")
    autocomplete_fields = ("author", "answered_by", "moderated_by", "body", "meeting")
    filter_horizontal = ("led_to",)
    date_hierarchy = "submitted_on"
    readonly_fields = ("created", "updated")
    fieldsets = (
        (None, {"fields": ("programme", "kind", "title", "text")}),
        (
            _("Provenienza"),
            {
                "fields": (
                    "table",
                    "meeting",
                    "author_name",
                    "signed_publicly",
                    "author",
                    "body",
                    "body_name",
                    "actor_category",
                    "submitted_on",
                )
            },
        ),
        (
            _("Consultazione online"),
            {
                "fields": (
                    "channel",
                    "version",
                    "policy_key",
                    "action_key",
                    "moderation",
                    "hidden_reason",
                    "moderated_at",
                    "moderated_by",
                )
            },
        ),
        (
            _("Esito"),
            {"fields": ("status", "response", "answered_at", "answered_by", "led_to")},
        ),
        (_("Registrazione"), {"fields": ("created", "updated")}),
    )

    # The timestamps have no verbose name in the model; these give them an Italian label.
    @admin.display(description=_("inserito il"))
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("modificato il"))
    def updated(self, obj):
        return obj.updated_at


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contribution", "author_name", "moderation", "created_at")
    list_filter = ("moderation", "contribution__programme")
    list_select_related = ("contribution",)
    search_fields = ("text", "author_name", "contribution__title")
    autocomplete_fields = ("contribution", "author", "moderated_by")
    readonly_fields = ("created_at",)
    fields = (
        "contribution",
        "author",
        "author_name",
        "text",
        "moderation",
        "hidden_reason",
        "moderated_at",
        "moderated_by",
        "created_at",
    )
