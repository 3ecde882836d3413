"""Italian words the zone pages need around numbers."""

from django import template

register = template.Library()


@register.filter
def vowel_number(number) -> bool:
    """Whether ``number``, read in Italian, starts with a vowel ("otto", "undici", "ottanta…",
    "ottocento…"), so that it takes "gli"/"degli" rather than "i"/"dei": "tutti gli 8 comuni",
    "2 degli 11 comuni"."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return False
    return number in (8, 11) or 80 <= number <= 89 or 800 <= number <= 899
