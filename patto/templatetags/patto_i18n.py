"""The language links of the header, a programme's name after a preposition and the article
before a date or a number."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from patto.core.articles import article_before_number, preposition_before, with_preposition

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """This page in ``language_code`` (its address under that language's prefix), query
    included. The language lives in the address, so switching needs no form, no cookie and no
    CSRF token: the page stays the same for every visitor and can be cached."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.filter(name="with_preposition")
def with_preposition_filter(title, preposition="di"):
    """``programme.title|with_preposition:"di"`` → "del Piano Sociale Metropolitano": the name
    after a preposition with its article (``patto.core.articles``). Used in Italian messages only;
    their English translations take the bare title."""
    return with_preposition(title, preposition)


@register.filter(name="preposition_before")
def preposition_before_filter(title, preposition="di"):
    """``programme.title|preposition_before:"di"`` → "del ", "dell'": what goes before the name in
    an Italian message written as ``{{ of_the }}{{ title }}``. In any other language it is empty:
    the translation writes its own preposition ("of %(of_the)s%(title)s"), and ``msgfmt
    --check-format`` wants every placeholder of the message in its translation."""
    if not (get_language() or "it").startswith("it"):
        return ""
    return preposition_before(title, preposition)


@register.filter(name="article_before_number")
def article_before_number_filter(value, article="il"):
    """``version.published_at|article_before_number:"il"`` → "l'" on the 8th, "il " on the 18th;
    ``:"dal"`` → "dall'", ``:"alle"`` → "all'" at one o'clock: the article before a date (its day,
    in local time), a time (its hour, after "alle"/"dalle") or a number ("l'80%") in an Italian
    message written as ``{{ on }}{{ date }}`` (``patto.core.articles``). In any other language it
    is empty: the translation writes its own words ("on %(on)s%(date)s")."""
    return article_before_number(value, article)
