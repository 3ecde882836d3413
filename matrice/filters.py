"""The action list's filters. The state lives in the query string, so a filtered view can be
shared as a link."""

from operator import attrgetter

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from matrice import queries, search
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.cache.pages import frozen_fragment
from patto.core.lookups import OneOf
from patto.core.titles import without_control_characters
from patto.core.widgets import QuickSelect
from tavoli.models import ThematicTable
from zone.models import Zone


class ItemChoiceFilter(django_filters.ChoiceFilter):
    """A choice among the version's items (or the zones, or the programme's tables), named in the
    URL by code. The items are read once by the filter set and serve both the choices shown and
    the validation of the value asked for: no query per filter used."""

    def __init__(self, *args, lookup, **kwargs):
        kwargs.setdefault("widget", QuickSelect(attrs={"class": "form-select"}))
        super().__init__(*args, choices=(), **kwargs)
        self.lookup = lookup
        self.items = {}

    def set_items(self, items, value_of):
        self.items = {str(value_of(item)): item for item in items}
        self.extra["choices"] = [(value, str(item)) for value, item in self.items.items()]

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return self.filter_item(qs, self.items[value])

    def filter_item(self, qs, item):
        return qs.filter(**{self.lookup: item.pk})


class SearchField(forms.CharField):
    """The text of a search as typed, control characters included: the search leaves them out
    and says so (``matrice.search.parse``) rather than refusing the whole query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class SearchInput(forms.TextInput):
    """The search box, which shows what was typed without its control characters (a NUL is
    not allowed in an HTML page)."""

    input_type = "search"

    def format_value(self, value):
        value = super().format_value(value)
        return without_control_characters(value) if value else value


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class ZoneChoiceFilter(ItemChoiceFilter):
    """Actions of that zone, and those that apply everywhere (no zone named): a condition of
    the list's own queries (``queries.applies_in_zone``), so its count stays a plain count."""

    def filter_item(self, qs, zone):
        return qs.filter(queries.applies_in_zone(zone))


# the filters whose choices are the version's own items (a frozen version's never change)
VERSION_ITEMS = ("politica", "ambito", "strumento", "destinatari")


class ActionFilterSet(django_filters.FilterSet):
    q = SearchFilter(
        label=_("Cerca nel testo"),
        method="filter_text",
        # a browser sends no more (the address stays under gunicorn's 4 KB request line); longer
        # queries from elsewhere are cut to their first words by the search
        widget=SearchInput(attrs={"class": "form-control", "maxlength": 500}),
    )
    politica = ItemChoiceFilter(
        label=_("Politica"), lookup="area__policy", empty_label=_("Tutte le politiche")
    )
    ambito = ItemChoiceFilter(
        label=_("Ambito d'azione"), lookup="area", empty_label=_("Tutti gli ambiti")
    )
    strumento = ItemChoiceFilter(
        label=_("Strumento"), lookup="tools", empty_label=_("Tutti gli strumenti")
    )
    destinatari = ItemChoiceFilter(
        label=_("Destinatari"), lookup="targets", empty_label=_("Tutti i destinatari")
    )
    zona = ZoneChoiceFilter(label=_("Zona"), lookup="zones", empty_label=_("Tutte le zone"))
    tavolo = ItemChoiceFilter(
        label=_("Tavolo di provenienza"), lookup="tables", empty_label=_("Tutti i tavoli")
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.search_notes: list[str] = []  # what the text search left out, and why
        code = attrgetter("code")
        catalogues = {
            "politica": (Policy.objects.filter(version=version), code),
            "ambito": (ActionArea.objects.filter(version=version), code),
            "strumento": (Tool.objects.filter(version=version), code),
            "destinatari": (Target.objects.filter(version=version), code),
            "zona": (Zone.objects.all(), attrgetter("number")),
            "tavolo": (
                ThematicTable.objects.filter(programme_id=version.programme_id),
                attrgetter("slug"),
            ),
        }
        # a narrower filter set may leave some out
        wanted = [name for name in catalogues if name in self.filters]
        # the version's own items: a frozen version's never change, so they are read once and
        # kept for good (one cache read instead of a query each)
        own = [name for name in wanted if name in VERSION_ITEMS]
        items = frozen_fragment(
            "action-filters:" + ",".join(own),
            lambda: {name: list(catalogues[name][0]) for name in own},
            version,
        )
        for name in wanted:
            found = items[name] if name in own else list(catalogues[name][0])
            if not found and not self.data.get(name):
                # nothing to choose (a programme without tables): no list offering only «all»
                del self.filters[name]
                continue
            self.filters[name].set_items(found, catalogues[name][1])

    def items(self, name) -> list:
        """The items offered by filter ``name``, as read for its choices (none when the filter
        was left out for having nothing to offer)."""
        found = self.filters.get(name)
        return list(found.items.values()) if found is not None else []

    def filter_text(self, queryset, name, value):
        """The actions ``matrice.search`` finds for ``value``, in the queryset's order."""
        found, self.search_notes = search.matching_actions(self.version, value)
        # the pks as one parameter (``OneOf``): a broad word finds hundreds of actions
        return queryset if found is None else queryset.filter(OneOf("pk", found))
