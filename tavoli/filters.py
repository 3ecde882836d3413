"""The contribution list's filters. The state lives in the query string, so a filtered view can
be shared as a link (and the same link, on the open-data URLs, downloads the same rows)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from patto.models import ActorCategory
from tavoli.models import (
    Contribution,
    ContributionChannel,
    ContributionKind,
    ContributionStatus,
    ThematicTable,
)
from tavoli.queries import contribution_search


class TableChoiceField(ModelChoiceField):
    def label_from_instance(self, table):
        """The phase too: two phases may have tables with the same title."""
        if table.phase is None:
            return table.title
        return f"{table.title} ({table.phase.title})"


class TableChoiceFilter(django_filters.ModelChoiceFilter):
    """A table of the programme, named in the URL by its slug."""

    field_class = TableChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(*args, **kwargs)


class ContributionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cerca nel testo"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    tavolo = TableChoiceFilter(
        label=_("Tavolo"),
        field_name="table",
        queryset=ThematicTable.objects.none(),
        empty_label=_("Tutti i tavoli"),
    )
    tipo = django_filters.ChoiceFilter(
        label=_("Tipo"),
        field_name="kind",
        choices=ContributionKind.choices,
        empty_label=_("Tutti i tipi"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    esito = django_filters.ChoiceFilter(
        label=_("Esito"),
        field_name="status",
        choices=ContributionStatus.choices,
        empty_label=_("Tutti gli esiti"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    canale = django_filters.ChoiceFilter(
        label=_("Dove è stato presentato"),
        field_name="channel",
        choices=ContributionChannel.choices,
        empty_label=_("Ai tavoli, agli incontri e online"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    categoria = django_filters.ChoiceFilter(
        label=_("Categoria di chi l'ha presentato"),
        field_name="actor_category",
        choices=ActorCategory.choices,
        empty_label=_("Tutte le categorie"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Contribution
        fields = []

    def __init__(self, *args, programme, offer_tables=True, **kwargs):
        """``offer_tables`` false: the programme has no thematic tables, so the table filter,
        which would offer only «Tutti i tavoli», is left out (unless the query asks for a table:
        then the filter stays, to say that it is not one of the programme's)."""
        super().__init__(*args, **kwargs)
        if not offer_tables and not self.data.get("tavolo"):
            del self.filters["tavolo"]
            return
        self.filters["tavolo"].queryset = (
            ThematicTable.objects.filter(programme=programme)
            .select_related("phase")
            .order_by("phase__position", "position", "title")
        )

    def qs_without(self, *names):
        """The queryset filtered by every valid filter except ``names`` (for the outcome
        summary, which counts every outcome among what the other filters select). Only for a
        bound, valid filterset."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(contribution_search(value)) if value.strip() else queryset
