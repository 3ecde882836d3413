"""Recording a page's rating. An answer carries no personal data: no account, no address, only
the day; the free text is cut to 200 characters, and the widget asks not to put names in it."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from patto.core.titles import without_control_characters
from patto.models import (
    NEGATIVE_ASPECTS,
    POSITIVE_ASPECTS,
    POSITIVE_FROM,
    FeedbackAspect,
    PageRating,
)

# Where the widget is not shown, so no answer may name them: the private areas and the
# widget's own pages (``PRIVATE_PREFIXES`` without the language prefix).
PRIVATE_PREFIXES = (
    "/redazione/",
    "/portavoce/",
    "/account/",
    "/profilo/",
    "/admin/",
    "/disiscrizione/",
    "/valuta/",
)
# The language each address prefix says (i18n_patterns: Italian, the default, has none).
LANGUAGE_PREFIXES = {"/en/": "en"}
# How long the link to add details to a rating (the form without JavaScript) stays valid.
DETAILS_MAX_AGE = 3600
_SALT = "patto.feedback.details"


def is_rated_page(path: str) -> bool:
    """Whether ``path`` is a public page of the portal, the kind that carries the widget, in
    either language. The address is resolved in the language its prefix says, whatever the
    language of the request that asks (``/en/incontri/`` only resolves in English)."""
    if len(path) > PageRating._meta.get_field("page").max_length:
        return False
    bare, language = path, settings.LANGUAGE_CODE
    for prefix, prefix_language in LANGUAGE_PREFIXES.items():
        if path.startswith(prefix):
            bare, language = path[len(prefix) - 1 :], prefix_language
    if any(bare.startswith(prefix) for prefix in PRIVATE_PREFIXES):
        return False
    try:
        with translation.override(language):
            resolve(path)
    except Resolver404:
        return False
    return True


def widget_answers() -> dict:
    """What the widget offers after the stars: the answers of a good rating (from
    ``positive_from`` stars) and of a poor one."""
    return {
        "positive": POSITIVE_ASPECTS,
        "negative": NEGATIVE_ASPECTS,
        "positive_from": POSITIVE_FROM,
        "other": FeedbackAspect.OTHER,
    }


def aspects_for(rating: int) -> tuple:
    return POSITIVE_ASPECTS if rating >= POSITIVE_FROM else NEGATIVE_ASPECTS


def _clean(*, rating: int, aspect: str, comment: str) -> tuple[str, str]:
    if aspect and aspect not in aspects_for(rating):
        raise ValidationError(
            {"aspect": _("Scegli una delle risposte proposte per la valutazione che hai dato.")},
            code="aspect_mismatch",
        )
    comment = " ".join(without_control_characters(comment).split())
    limit = PageRating._meta.get_field("comment").max_length
    if len(comment) > limit:
        raise ValidationError(
            {"comment": _("Scrivi al massimo %(limit)d caratteri.") % {"limit": limit}},
            code="too_long",
        )
    return aspect, comment


@transaction.atomic
def record_rating(*, page: str, rating: int, aspect: str = "", comment: str = "") -> PageRating:
    if not is_rated_page(page):
        raise ValidationError(
            {"page": _("Questa pagina non si può valutare.")}, code="unknown_page"
        )
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Scegli da 1 a 5 stelle.")}, code="rating_out_of_range")
    aspect, comment = _clean(rating=rating, aspect=aspect, comment=comment)
    return PageRating.objects.create(page=page, rating=rating, aspect=aspect, comment=comment)


def details_token(rating: PageRating) -> str:
    """What the form without JavaScript sends back to add details to the rating just given."""
    return signing.dumps(rating.pk, salt=_SALT)


def _awaiting_details(token: str, ratings) -> PageRating:
    """The rating of ``ratings`` that ``token`` names, while its link is valid and it has no
    details yet; a ValidationError that says why otherwise."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=DETAILS_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("Il tempo per aggiungere dettagli è scaduto: la tua valutazione è comunque salva."),
            code="expired",
        ) from exc
    rating = ratings.filter(pk=pk).first()
    if rating is None or rating.aspect or rating.comment:
        raise ValidationError(
            _("Hai già aggiunto i dettagli a questa valutazione: grazie."), code="already_done"
        )
    return rating


def rating_awaiting_details(token: str) -> PageRating | None:
    """The rating ``token`` names, if its link is still valid and it has no details yet."""
    try:
        return _awaiting_details(token, PageRating.objects.all())
    except ValidationError:
        return None


@transaction.atomic
def add_details(*, token: str, aspect: str, comment: str) -> PageRating:
    """Add the follow-up answer and the free text to a rating given within the hour, once."""
    rating = _awaiting_details(token, PageRating.objects.select_for_update())
    rating.aspect, rating.comment = _clean(rating=rating.rating, aspect=aspect, comment=comment)
    rating.save(update_fields=["aspect", "comment"])
    return rating
