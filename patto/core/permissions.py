"""Who may do what, checked on the server in one place per kind of user.

- anonymous: public pages only; anything else redirects to the login page.
- registered user: public pages, their own account.
- spokesperson: the spokesperson area, deciding for the zones they currently speak for
  (``patto.validation.permissions``).
- redazione (regional staff): the staff area and every state change of programme content.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def is_redazione(user) -> bool:
    return bool(user and user.is_authenticated and user.is_redazione)


def require_redazione(user) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is in the redazione: the check of every
    service that only staff may call."""
    if not is_redazione(user):
        raise PermissionDenied(_("Solo la redazione può farlo."))


class RedazioneRequiredMixin(AccessMixin):
    """Staff area: anonymous → login page; logged in but not in the Redazione → 403."""

    permission_denied_message = _("Quest'area è riservata alla redazione.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_redazione:
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)
