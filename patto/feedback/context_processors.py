from patto.feedback.services import is_rated_page
from patto.models import NEGATIVE_ASPECTS, POSITIVE_ASPECTS, POSITIVE_FROM, FeedbackAspect


def page_rating(request):
    """Whether this page carries the rating widget (every public page), and its answers."""
    if not is_rated_page(request.path):
        return {}
    return {
        "page_rating": {
            "positive": POSITIVE_ASPECTS,
            "negative": NEGATIVE_ASPECTS,
            "positive_from": POSITIVE_FROM,
            "other": FeedbackAspect.OTHER,
        }
    }
