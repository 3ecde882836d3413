"""Helpers every app's admin module shares: the bulk delete refused for frozen rows, URL
fields, the version filter."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import models
from django.db.models import Q

from patto.models import PlanVersion


def delete_selected_unless(frozen: Q, message):
    """The site-wide "delete selected" action, refused (with ``message``) when any selected row
    matches ``frozen``. ``has_delete_permission`` alone does not cover the bulk action, which only
    asks for the permission without an object."""

    def action(modeladmin, request, queryset):
        if queryset.filter(frozen).exists():
            modeladmin.message_user(request, message, messages.ERROR)
            return None
        return delete_selected(modeladmin, request, queryset)

    action.__name__ = "delete_selected"  # replaces the site-wide action of the same name
    action.allowed_permissions = delete_selected.allowed_permissions
    action.short_description = delete_selected.short_description
    return action


# Addresses typed without a scheme are taken as https (Django 6's default; silences its warning).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class VersionListFilter(admin.RelatedFieldListFilter):
    """Filter on a foreign key to PlanVersion: one query for the choices (a version's label
    names its programme), narrowed to the programme chosen in the programme filter, if any."""

    def field_choices(self, field, request, model_admin):
        versions = PlanVersion.objects.select_related("programme")
        programme = request.GET.get(f"{self.field_path}__programme__id__exact", "")
        if programme.isdigit():
            versions = versions.filter(programme_id=programme)
        return [(version.pk, str(version)) for version in versions]
