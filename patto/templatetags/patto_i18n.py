"""The language links of the header."""

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """This page in ``language_code`` (its address under that language's prefix), query
    included. The language lives in the address, so switching needs no form, no cookie and no
    CSRF token: the page stays the same for every visitor and can be cached."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)
