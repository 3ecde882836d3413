"""The portal's 404 page: the message of a ``NotFound`` the code raised for the visitor, never
the wording of Django's own 404s (Django's handler shows the message of any 404, or the name of
its class)."""

from django.http import HttpResponseNotFound
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from patto.core.exceptions import NotFound


@requires_csrf_token
def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    message = exception.args[0] if isinstance(exception, NotFound) and exception.args else ""
    template = loader.get_template(template_name)
    return HttpResponseNotFound(template.render({"exception": message}, request))
