"""Template helpers of the plan's PDF: its download size for the status partial, and Markdown
whose headings fit under the document's own headings."""

import re

from django import template
from django.utils.safestring import mark_safe

from patto.core.markdown import render_markdown
from patto.pdf import document, worker

register = template.Library()

_HEADING = re.compile(r"<(/?)h([1-6])\b")


@register.filter
def markdown_below(text, level):
    """``text`` as sanitised Markdown, its headings moved down so that the highest becomes
    ``<h{level}>`` (a description's "## Title" must not compete with the document's own
    section headings). Levels past 6 stay at 6."""
    html = str(render_markdown(text))
    levels = [int(m.group(2)) for m in _HEADING.finditer(html) if not m.group(1)]
    if not levels:
        return mark_safe(html)  # render_markdown sanitises
    shift = int(level) - min(levels)

    def move(match):
        return f"<{match.group(1)}h{min(6, max(1, int(match.group(2)) + shift))}"

    return mark_safe(_HEADING.sub(move, html))  # only heading tags change


@register.simple_tag
def pdf_size(version):
    """The size in bytes of ``version``'s stored PDF, or None when the file is missing.
    Touches the storage, not the database."""
    return document.pdf_size(version)


@register.filter
def pdf_stuck(version):
    """The PDF has been pending or rendering for longer than any render may take."""
    return worker.pdf_render_is_stuck(version)
