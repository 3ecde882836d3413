"""Who may enter the spokesperson area and decide for a zone: the person the zone's current
assignment names (``Zone.objects.for_spokesperson``)."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from zone.models import Zone


def is_spokesperson(user) -> bool:
    """Speaks for at least one zone today. Runs a query."""
    return bool(user and user.is_authenticated and Zone.objects.for_spokesperson(user).exists())


class SpokespersonRequiredMixin(AccessMixin):
    """Spokesperson area: anonymous → login page; not a current spokesperson → 403."""

    permission_denied_message = _("Quest'area è riservata ai portavoce delle zone omogenee.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.zones = list(Zone.objects.for_spokesperson(request.user).order_by("number"))
        if not self.zones:
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)
