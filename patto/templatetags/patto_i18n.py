"""The language links of the header, and a programme's name after a preposition."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from patto.core.articles import preposition_before, with_preposition

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
