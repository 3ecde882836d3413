from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.cache.pages import public_page
from zone import queries
from zone.forms import MunicipalitySearchForm


@method_decorator(public_page, name="dispatch")
class ZoneListView(TemplateView):
    """The 11 zone omogenee, with how much of their membership the portal knows."""

    template_name = "zone/zone_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            zones=queries.zone_list(),
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
            raise Http404(_("Zona omogenea non trovata."))
        return super().get_context_data(**kwargs, zone=zone)


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
        return super().get_context_data(
            **kwargs,
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
            raise Http404(_("Comune non trovato."))
        return super().get_context_data(**kwargs, municipality=municipality)
