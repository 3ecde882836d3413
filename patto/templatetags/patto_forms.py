"""``{% text_limit n %}``: the attributes of a text box written out in a template that holds at
most ``n`` characters (``patto.core.widgets.limit_attrs``), the same as a form's boxes get."""

from django import template
from django.forms.utils import flatatt

from patto.core.widgets import limit_attrs

register = template.Library()


@register.simple_tag
def text_limit(limit):
    return flatatt(limit_attrs(int(limit)))
