"""What every page's header needs of the logged-in person: the areas they may enter."""

from django.utils.functional import SimpleLazyObject

from patto.core.permissions import is_redazione
from patto.validation.permissions import is_spokesperson


def user_roles(request):
    """Which areas the logged-in person may enter, for the header. No query for anonymous
    visitors; evaluated lazily otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": {}}
    return {
        "user_roles": SimpleLazyObject(
            lambda: {"redazione": is_redazione(user), "spokesperson": is_spokesperson(user)}
        )
    }
