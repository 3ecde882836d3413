"""The benchmark's WSGI entry point: the project's application, plus ``/__floor__``.

``/__floor__`` is the floor the pages are measured against: a trivial Django view that returns a
few bytes, served by the same gunicorn, the same Django handler and the same middleware stack as
every page (sessions, locale, CSRF, security headers…), with no template, query or cache call.
Every other path goes to the project's URLs unchanged.
"""

from django.http import HttpResponse
from django.urls import path

from patto.wsgi import application as project_application


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__floor__", floor)]


class FloorHandler(type(project_application)):
    """Django's WSGI handler; for ``/__floor__`` the request resolves against this module's
    URLs (``request.urlconf``), after passing through the whole middleware chain."""

    def get_response(self, request):
        if request.path_info == "/__floor__":
            request.urlconf = __name__
        return super().get_response(request)


application = FloorHandler()
