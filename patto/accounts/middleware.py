"""The second factor, enforced: with ``settings.MFA_REQUIRED_FOR_PRIVILEGED``, a logged-in
privileged person (``patto.accounts.roles``) without an authenticator app or a security key is
sent to set one up from every page but those that do it (``second_factor.is_setup_page``),
logging out, static and media files and the session's status (the warning before it ends, on
the setup pages too). So no page of the staff area, of the spokesperson area or
of the Django admin answers them, whatever the request: a form sent from a page opened earlier
is not carried out either."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from patto.accounts import second_factor
from patto.accounts.session_expiry import status_paths

SETUP_URL_NAME = "mfa_activate_totp"


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        area = second_factor.required_by(request)
        if area is None:
            return None
        # for what the pages of the second factor say (templates/mfa/)
        request.second_factor_required_by = area
        if second_factor.has_second_factor(request.user):
            return None
        request.second_factor_missing = area
        if (
            second_factor.is_setup_page(request.resolver_match.url_name)
            or request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
            or request.path in status_paths()  # the warning before the session ends
        ):
            return None
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse(SETUP_URL_NAME))
        return redirect(SETUP_URL_NAME)
