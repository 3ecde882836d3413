from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from patto import views
from patto.health import healthz
from patto.unsubscribe_views import UnsubscribeView

# The admin has no login form of its own: /admin/login/ sends people to the portal's login,
# with allauth's rate limits on failed attempts (and anyone logged in who is not staff gets 403).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("redazione/", include("patto.staff_urls")),
    path("portavoce/", include("patto.spokesperson_urls")),
    path("disiscrizione/<str:token>/", UnsubscribeView.as_view(), name="unsubscribe"),
    path("", include("patto.account_urls")),
    path("", include("patto.public_urls")),
    path("programmi/<slug:slug>/versioni/<int:number>/", include("matrice.urls")),
    path("", include("tavoli.urls")),
    path("", include("incontri.urls")),
    path("", include("zone.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
