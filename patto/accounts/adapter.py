"""Allauth's adapter, in two points: its e-mails (sign-up, confirmation, password reset,
"you already have an account") go through the outbox (``patto.mail.outbox``), sent by the
worker like every other e-mail; and every link in them is built from ``SITE_URL``, never from
the Host and port of the request (``Host: localhost:6666`` must not end up in a reset link)."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from patto.accounts.roles import landing_page
from patto.mail import outbox
from patto.mail.sending import absolute


def _from_site_url(value, origin: str):
    """``value`` with the request's origin replaced by ``SITE_URL`` (links allauth built with
    ``request.build_absolute_uri``)."""
    if origin and isinstance(value, str) and value.startswith(origin):
        return absolute("/" + value[len(origin) :])
    return value


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """After a login with no page asked for (allauth follows ``next`` before asking here):
        the person's own area (``roles.landing_page``)."""
        return landing_page(request.user)

    def is_open_for_signup(self, request) -> bool:
        """No sign-up with a password when citizens log in with SPID or CIE only."""
        return settings.PASSWORD_LOGIN_FOR_CITIZENS

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        request = context.request
        origin = request.build_absolute_uri("/") if request is not None else ""
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **{key: _from_site_url(value, origin) for key, value in context_data.items()},
            "site_url": absolute("/"),
        }
        message = self.render_mail(template_prefix, email, ctx)
        outbox.store(message, template_prefix)
