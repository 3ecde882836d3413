from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from patto.core.health import healthz
from patto.mail.views import UnsubscribeView
from patto.programme import sitemaps, views

# The admin has no login form of its own: /admin/login/ sends people to the portal's login,
# with allauth's rate limits on failed attempts (and anyone logged in who is not staff gets 403).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    # for machines, in one language: each sitemap names both languages of every page
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    # the DCAT-AP_IT catalogue of the open data, for dati.gov.it: one language (both inside)
    path("dati-aperti/catalogo", views.catalogue_address, name="catalogue"),
    *(
        path(
            f"dati-aperti/catalogo.{extension}",
            views.CatalogueView.as_view(format=extension),
            name=f"catalogue_{extension}",
        )
        for extension in ("ttl", "rdf", "jsonld")
    ),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("spid/", include("patto.accounts.spid.urls")),
    path("redazione/", include("patto.programme.staff_urls")),
    path("portavoce/", include("patto.validation.urls")),
    path("disiscrizione/<str:token>/", UnsubscribeView.as_view(), name="unsubscribe"),
    path("", include("patto.accounts.urls")),
    path("", include("patto.programme.urls")),
    path("", include("patto.legal.urls")),
    path("", include("patto.feedback.urls")),
    path("", include("patto.participation.urls")),
    path("", include("patto.monitoring.urls")),
    path("programmi/<slug:slug>/versioni/<int:number>/", include("matrice.urls")),
    path("", include("tavoli.urls")),
    path("", include("incontri.urls")),
    path("", include("zone.urls")),
    path("", include("patto.search.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
handler404 = "patto.core.errors.page_not_found"
