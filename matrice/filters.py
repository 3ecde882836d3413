"""The action list's filters. The state lives in the query string, so a filtered view can be
shared as a link."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.queries import search_filter
from tavoli.models import ThematicTable
from zone.models import Zone


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among the version's items, named in the URL by code rather than database id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(*args, **kwargs)


class ActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cerca nel testo"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    politica = CodeChoiceFilter(
        label=_("Politica"),
        field_name="area__policy",
        queryset=Policy.objects.none(),
        empty_label=_("Tutte le politiche"),
    )
    ambito = CodeChoiceFilter(
        label=_("Ambito d'azione"),
        field_name="area",
        queryset=ActionArea.objects.none(),
        empty_label=_("Tutti gli ambiti"),
    )
    strumento = CodeChoiceFilter(
        label=_("Strumento"),
        field_name="tools",
        queryset=Tool.objects.none(),
        empty_label=_("Tutti gli strumenti"),
    )
    destinatari = CodeChoiceFilter(
        label=_("Destinatari"),
        field_name="targets",
        queryset=Target.objects.none(),
        empty_label=_("Tutti i destinatari"),
    )
    zona = django_filters.ModelChoiceFilter(
        label=_("Zona"),
        queryset=Zone.objects.all(),
        method="filter_zone",
        to_field_name="number",
        empty_label=_("Tutte le zone"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tavolo = django_filters.ModelChoiceFilter(
        label=_("Tavolo di provenienza"),
        field_name="tables",
        to_field_name="slug",
        queryset=ThematicTable.objects.none(),
        empty_label=_("Tutti i tavoli"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["politica"].queryset = Policy.objects.filter(version=version)
        self.filters["ambito"].queryset = ActionArea.objects.filter(version=version)
        self.filters["strumento"].queryset = Tool.objects.filter(version=version)
        self.filters["destinatari"].queryset = Target.objects.filter(version=version)
        self.filters["tavolo"].queryset = ThematicTable.objects.filter(
            programme_id=version.programme_id
        )

    def filter_text(self, queryset, name, value):
        return queryset.filter(search_filter(value)) if value.strip() else queryset

    def filter_zone(self, queryset, name, zone):
        """Actions of that zone, and those that apply everywhere (no zone named)."""
        if zone is None:
            return queryset
        return queryset.filter(Q(zones=zone) | Q(zones__isnull=True)).distinct()
