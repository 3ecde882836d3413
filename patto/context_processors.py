from patto.models import Programme


def navigation(request):
    """The programmes for the main menu. One query, evaluated only if a template uses it."""
    return {"nav_programmes": Programme.objects.only("slug", "title").order_by("position", "title")}


def user_roles(request):
    """Which areas the logged-in person may enter, for the header. No query for anonymous
    visitors; evaluated lazily otherwise."""
    from django.utils.functional import SimpleLazyObject

    from patto.permissions import is_redazione, is_spokesperson

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": {}}
    return {
        "user_roles": SimpleLazyObject(
            lambda: {"redazione": is_redazione(user), "spokesperson": is_spokesperson(user)}
        )
    }
