from patto.feedback.services import is_rated_page, widget_answers


def page_rating(request):
    """Whether this page carries the rating widget (every public page), and its answers."""
    if not is_rated_page(request.path):
        return {}
    return {"page_rating": widget_answers()}
