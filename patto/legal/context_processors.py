from django.conf import settings


def legal(request):
    """What the footer links to: AgID's accessibility statement once it is published."""
    return {"agid_accessibility_statement_url": settings.AGID_ACCESSIBILITY_STATEMENT_URL}
