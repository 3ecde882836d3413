from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from zone import maps, queries
from zone.forms import MunicipalitySearchForm


@method_decorator(public_page, name="dispatch")
class ZoneListView(TemplateView):
    """The 11 zone omogenee, with how much of their membership the portal knows."""

    template_name = "zone/zone_list.html"

    def get_context_data(self, **kwargs):
        zones = queries.zone_list()
        return super().get_context_data(
            **kwargs,
            zones=zones,
            zone_map=maps.zone_map(queries.map_data(zones)),
            totals=queries.metropolitan_totals(),
            official_page=queries.official_page(),
            form=MunicipalitySearchForm(),
        )


@method_decorator(public_page, name="dispatch")
class ZoneDetailView(TemplateView):
    template_name = "zone/zone_detail.html"

    def get_context_data(self, **kwargs):
        zone = queries.zone_detail(self.kwargs["number"])
        if zone is None:
            raise NotFound(_("Zona omogenea non trovata."))
        title = _("Mappa della Città Metropolitana di Torino: in evidenza la %(zone)s") % {
            "zone": zone
        }
        return super().get_context_data(
            **kwargs, zone=zone, zone_map=maps.zone_map(zone=zone, title=title)
        )


@method_decorator(public_page(params=("q",)), name="dispatch")
class MunicipalitySearchView(TemplateView):
    """ "In quale zona è il mio comune?", over every comune of Piemonte."""

    template_name = "zone/municipality_search.html"

    def get_context_data(self, **kwargs):
        form = MunicipalitySearchForm(self.request.GET or None)
        query, results, more = "", [], False
        if form.is_valid():
            query = form.cleaned_data["q"]
            results, more = queries.search_municipalities(query)
        found = [m.istat_code for m in results if m.province.is_metropolitan_city]
        zone_map = None
        if found:
            title = _("Mappa della Città Metropolitana di Torino: in evidenza i comuni trovati")
            zone_map = maps.zone_map(highlight=found, title=title)
        return super().get_context_data(
            **kwargs,
            zone_map=zone_map,
            form=form,
            query=query,
            results=results,
            has_more=more,
            limit=queries.SEARCH_LIMIT,
        )


@method_decorator(public_page, name="dispatch")
class MunicipalityDetailView(TemplateView):
    """A comune: its province and, in the Città Metropolitana, its zona omogenea and what the
    programmes the zone validates do there; or, plainly, that its zone is not known yet."""

    template_name = "zone/municipality_detail.html"

    def get_context_data(self, **kwargs):
        municipality = queries.municipality_detail(self.kwargs["istat_code"])
        if municipality is None:
            raise NotFound(_("Comune non trovato."))
        zone_map = None
        if municipality.province.is_metropolitan_city:
            title = _("Mappa della Città Metropolitana di Torino: in evidenza %(name)s") % {
                "name": municipality.name
            }
            zone_map = maps.zone_map(
                zone=municipality.zone, highlight=[municipality.istat_code], title=title
            )
        return super().get_context_data(**kwargs, municipality=municipality, zone_map=zone_map)
