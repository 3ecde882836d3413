"""The sitemap of the public site, for search engines: ``/sitemap.xml`` is an index of one sitemap
per kind of page (``/sitemap-<section>.xml``), so a region with many plans stays under the
50,000 addresses a sitemap may hold (a section pages on with ``?p=2``).

Every address is there in Italian and in English, each with the other as its ``hreflang``
alternate (``x-default``: the Italian one), absolute from ``SITE_URL`` rather than from the
request's host or the sites framework. Only what anyone may read: public versions and their
actions, approved contributions. Each section is one query: the items are the URL arguments,
read with ``values_list``.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from incontri.models import Meeting
from matrice.models import Action
from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from patto.models import PlanVersion, Programme
from tavoli.models import Contribution, ThematicTable
from zone.models import Municipality, Zone

XML = "application/xml; charset=utf-8"


class PublicSitemap(Sitemap):
    """Items are ``(URL name, args)`` pairs."""

    i18n = True
    alternates = True
    x_default = True

    def location(self, item):
        name, args = item
        return reverse(name, args=args)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(PublicSitemap):
    def items(self):
        names = [
            "home",
            "incontri:list",
            "zone:list",
            "patto:open_data",
            "patto:accessibility",
            "participation:portal",
        ]
        return [(name, ()) for name in names]


class ProgrammesSitemap(PublicSitemap):
    PAGES = (
        "patto:programme",
        "patto:versions",
        "tavoli:list",
        "tavoli:contributions",
        "participation:programme",
        "monitoring:overview",
    )

    def items(self):
        slugs = Programme.objects.order_by("position", "title").values_list("slug", flat=True)
        return [(name, (slug,)) for slug in slugs for name in self.PAGES]


class VersionsSitemap(PublicSitemap):
    PAGES = ("patto:version", "matrice:matrix", "matrice:actions")

    def items(self):
        versions = (
            PlanVersion.objects.public()
            .order_by("programme__position", "number")
            .values_list("programme__slug", "number")
        )
        return [(name, tuple(version)) for version in versions for name in self.PAGES]


class ActionsSitemap(PublicSitemap):
    def items(self):
        actions = (
            Action.objects.filter(version__in=PlanVersion.objects.public())
            .order_by("version__programme__position", "version__number", "code")
            .values_list("version__programme__slug", "version__number", "code")
        )
        return [("matrice:action", tuple(action)) for action in actions]


class TablesSitemap(PublicSitemap):
    def items(self):
        tables = ThematicTable.objects.order_by("programme__position", "slug").values_list(
            "programme__slug", "slug"
        )
        return [("tavoli:detail", tuple(table)) for table in tables]


class ContributionsSitemap(PublicSitemap):
    def items(self):
        contributions = (
            Contribution.objects.approved()
            .order_by("programme__position", "pk")
            .values_list("programme__slug", "pk")
        )
        return [("tavoli:contribution", tuple(c)) for c in contributions]


class MeetingsSitemap(PublicSitemap):
    def items(self):
        return [
            ("incontri:detail", (pk,))
            for pk in Meeting.objects.order_by("pk").values_list("pk", flat=True)
        ]


class ZonesSitemap(PublicSitemap):
    def items(self):
        numbers = Zone.objects.order_by("number").values_list("number", flat=True)
        return [("zone:detail", (number,)) for number in numbers]


class MunicipalitiesSitemap(PublicSitemap):
    """The comuni of the Città Metropolitana, whose pages the zone pages link."""

    def items(self):
        codes = (
            Municipality.objects.filter(province__is_metropolitan_city=True)
            .order_by("istat_code")
            .values_list("istat_code", flat=True)
        )
        return [("zone:municipality", (code,)) for code in codes]


SECTIONS = {
    "pagine": PagesSitemap,
    "programmi": ProgrammesSitemap,
    "versioni": VersionsSitemap,
    "azioni": ActionsSitemap,
    "tavoli": TablesSitemap,
    "contributi": ContributionsSitemap,
    "incontri": MeetingsSitemap,
    "zone": ZonesSitemap,
    "comuni": MunicipalitiesSitemap,
}


def _absolute(path: str) -> str:
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{site.netloc}{path}"


@public_page
def index(request):
    """``/sitemap.xml``: the address of each section's sitemap (each of its pages)."""
    sitemaps = []
    for section, sitemap_class in SECTIONS.items():
        location = _absolute(reverse("sitemap_section", args=[section]))
        pages = sitemap_class().paginator.num_pages
        sitemaps.append({"location": location})
        sitemaps += [{"location": f"{location}?p={page}"} for page in range(2, pages + 1)]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": sitemaps}, content_type=XML)


@public_page(params=("p",))
def section(request, section):
    """``/sitemap-<section>.xml``: the section's addresses, in both languages."""
    sitemap_class = SECTIONS.get(section)
    if sitemap_class is None:
        raise NotFound(_("Sitemap non trovata."))
    sitemap = sitemap_class()
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise NotFound(_("Pagina della sitemap non trovata.")) from error
    return TemplateResponse(request, "sitemap.xml", {"urlset": urls}, content_type=XML)
