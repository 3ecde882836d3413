"""The benchmark's WSGI entry point: the project's application, plus ``/__floor__`` and
``/__least__``.

``/__floor__`` is the floor the pages are measured against: a trivial Django view that returns a
few bytes, served by the same gunicorn, the same Django handler and the same middleware stack as
every page (sessions, locale, CSRF, security headers…), with no template, query or cache call.

``/__least__`` is the least a page that is not in the page cache can cost: the portal's layout
(``base.html``, its kept parts as any page has them, ``patto.cache.kept``) around a heading, and
one query, never cached. What the cache misses reach is read against it: a page with content
does this and more. Every other path goes to the project's URLs unchanged.
"""

from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from patto.wsgi import application as project_application  # first: it sets Django up

# isort: split
from patto import urls as project_urls
from patto.models import Programme

LEAST = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<div class="container my-4"><h1>'
    "{{ programme.title }}</h1></div>{% endblock %}"
)


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


def least(request):
    programme = Programme.objects.only("title").order_by("pk").first()
    return TemplateResponse(request, LEAST, {"programme": programme})


# the project's own after them: the layout links to its pages
urlpatterns = [path("__floor__", floor), path("__least__", least), *project_urls.urlpatterns]


class FloorHandler(type(project_application)):
    """Django's WSGI handler; for ``/__floor__`` and ``/__least__`` the request resolves
    against this module's URLs (``request.urlconf``), after passing through the whole middleware
    chain."""

    def get_response(self, request):
        if request.path_info in ("/__floor__", "/__least__"):
            request.urlconf = __name__
        return super().get_response(request)


application = FloorHandler()
