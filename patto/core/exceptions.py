from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class FrozenVersionError(ValidationError):
    """Raised on any attempt to change the content of a version that is no longer a draft."""

    def __init__(self, version=None):
        if version is not None:
            message = _(
                "La versione %(number)s è %(status)s: il suo contenuto non si può più "
                "modificare. Crea una nuova versione per cambiarlo."
            ) % {"number": version.number, "status": version.get_status_display().lower()}
        else:
            message = _(
                "Questa versione non è più una bozza: il suo contenuto non si può più modificare."
            )
        super().__init__(message, code="frozen_version")


class TransitionError(ValidationError):
    """Raised when a state change is not allowed from the current state."""


class NotFound(Http404):
    """A 404 whose message is written for the visitor («Questo programma non ha ancora un piano
    in vigore»): the 404 page shows it (``patto.core.errors.page_not_found``). Django's own 404s
    (an unknown address, ``get_object_or_404``, a page number out of range) speak of queries
    and resolvers, and are not shown."""
