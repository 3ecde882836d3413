from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from patto.cache.pages import public_page
from patto.core.opendata import LICENCE_URL


def _owner() -> dict:
    return {
        "owner": settings.PORTAL_OWNER,
        "controller_contact": settings.PRIVACY_CONTROLLER_CONTACT,
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        "contact_email": settings.CONTACT_EMAIL,
        "accessibility_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL,
    }


@method_decorator(public_page, name="dispatch")
class PrivacyView(TemplateView):
    """The privacy notice: what the portal keeps of whom, why, for how long, and your rights.
    The periods are read from the settings that enforce them."""

    template_name = "legal/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            **_owner(),
            mail_keep_days=settings.MAIL_KEEP_DAYS,
            session_idle_minutes=settings.SESSION_IDLE_MINUTES,
            session_max_hours=settings.SESSION_MAX_HOURS,
            spid_enabled=settings.SPID_ENABLED,
        )


@method_decorator(public_page, name="dispatch")
class LegalNotesView(TemplateView):
    template_name = "legal/legal_notes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **_owner(), licence_url=LICENCE_URL)


@method_decorator(public_page, name="dispatch")
class CookiesView(TemplateView):
    """The cookie notice: the portal sets only technical cookies, so it asks no consent and
    shows no banner. The names and durations are the settings' own."""

    template_name = "legal/cookies.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            session_cookie=settings.SESSION_COOKIE_NAME,
            session_hours=settings.SESSION_COOKIE_AGE // 3600,
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            csrf_days=settings.CSRF_COOKIE_AGE // 86400,
            language_cookie=settings.LANGUAGE_COOKIE_NAME,
        )


@method_decorator(public_page, name="dispatch")
class ContactsView(TemplateView):
    template_name = "legal/contacts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **_owner())
