"""What every page's header needs: the programmes of the main menu."""

from patto.models import Programme


def navigation(request):
    """The programmes for the main menu. One query, evaluated only if a template uses it."""
    return {"nav_programmes": Programme.objects.only("slug", "title").order_by("position", "title")}
