"""What every page's header needs of the logged-in person: the areas they may enter."""

from django.utils.functional import SimpleLazyObject

from patto.accounts.roles import request_roles


def user_roles(request):
    """Which areas the logged-in person may enter, for the header, and whether they are
    privileged (``patto.accounts.roles``). No query for anonymous visitors; evaluated lazily
    otherwise, and once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": {}}
    return {"user_roles": SimpleLazyObject(lambda: request_roles(request))}
