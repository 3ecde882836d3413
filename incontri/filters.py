"""The meeting list's filters. The state lives in the query string (``?programma=…&provincia=TO``),
so a filtered list can be shared as a link."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incontri.models import Meeting, MeetingKind
from patto.models import Programme
from zone.models import Province, Zone

UPCOMING, PAST, ALL = "prossimi", "passati", "tutti"


def select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class MeetingFilterSet(django_filters.FilterSet):
    programma = django_filters.ModelChoiceFilter(
        label=_("Programma"),
        field_name="programme",
        to_field_name="slug",
        queryset=Programme.objects.order_by("position", "title"),
        empty_label=_("Tutti i programmi"),
        widget=select(),
    )
    tipo = django_filters.ChoiceFilter(
        label=_("Tipo di incontro"),
        field_name="kind",
        choices=MeetingKind.choices,
        empty_label=_("Tutti i tipi"),
        widget=select(),
    )
    # Named in the URL by sigla (TO) or ISTAT code (001): choices are filled in __init__.
    provincia = django_filters.ChoiceFilter(
        label=_("Provincia"),
        method="filter_province",
        empty_label=_("Tutte le province"),
        widget=select(),
    )
    zona = django_filters.ModelChoiceFilter(
        label=_("Zona omogenea"),
        method="filter_zone",
        to_field_name="number",
        queryset=Zone.objects.order_by("number"),
        empty_label=_("Tutte le zone"),
        widget=select(),
    )
    quando = django_filters.ChoiceFilter(
        label=_("Quando"),
        method="filter_when",
        choices=[
            (ALL, _("Tutti, prima i prossimi")),
            (UPCOMING, _("Solo i prossimi")),
            (PAST, _("Solo i passati")),
        ],
        empty_label=None,
        widget=select(),
    )

    class Meta:
        model = Meeting
        fields = []

    def __init__(self, data=None, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        # one query for the provinces: the choices, and the ISTAT code → sigla translation
        provinces = list(Province.objects.order_by("name"))
        self.provinces = {p.abbreviation.upper(): p for p in provinces}
        if data is not None and data.get("provincia"):
            data = data.copy()
            data["provincia"] = self._province_key(data["provincia"], provinces)
        super().__init__(data, *args, **kwargs)
        self.filters["provincia"].extra["choices"] = [(p.abbreviation, p.name) for p in provinces]

    @staticmethod
    def _province_key(value, provinces):
        """The sigla for an ISTAT code ("1", "001") or a sigla in any case ("to")."""
        value = value.strip()
        if value.isdigit():
            code = value.zfill(3)
            return next((p.abbreviation for p in provinces if p.istat_code == code), value)
        return value.upper()

    def filter_province(self, queryset, name, value):
        """Meetings in the province, named directly or through their zone or comune."""
        province = self.provinces.get(value)
        if province is None:
            return queryset
        return queryset.in_province(province)

    def filter_zone(self, queryset, name, zone):
        """Meetings of the zone, named directly or through their comune."""
        if zone is None:
            return queryset
        return queryset.for_zone(zone)

    def filter_when(self, queryset, name, value):
        if value == UPCOMING:
            return queryset.not_past(self.today)
        if value == PAST:
            return queryset.past(self.today)
        return queryset
