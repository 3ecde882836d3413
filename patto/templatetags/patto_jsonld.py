"""``{{ data|json_ld }}``: a JSON-LD data block (``<script type="application/ld+json">``).

Serialised as Django's ``json_script`` does (which only writes ``type="application/json"``):
``<``, ``>`` and ``&`` become ``\\u003C``, ``\\u003E`` and ``\\u0026``, so no text in the data
(a meeting called ``</script><script>…``) can close the element or open another; JSON readers
read them back as the same characters. A data block is not run by the browser, so the
Content-Security-Policy, which allows no inline script, has nothing to block."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(name="json_ld")
def json_ld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
