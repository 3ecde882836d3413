"""Markdown in content, rendered and then sanitised with nh3: no script, no event handler, no
javascript: link ever reaches a page."""

import re
import threading
from html.parser import HTMLParser

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


_local = threading.local()


def _converter() -> md.Markdown:
    """One Markdown converter per thread, reset before each use: building one loads its
    extensions, which cost more than converting a paragraph (a 1,000-action PDF converts
    thousands)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        _local.converter = converter
    return converter


def render_markdown(text: str) -> SafeString:
    html = _converter().reset().convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)


class _TextExtractor(HTMLParser):
    """Markdown's HTML as plain text: paragraphs on their own lines, list items as "- " or
    "1. ", links followed by their address."""

    BLOCKS = {"p", "div", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None
        self.lists: list[int | None] = []  # for each open list, its counter (None: bullets)
        self.item_started = False  # just wrote a list marker, nothing after it yet

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            if self.lists and self.lists[-1] is not None:
                self.lists[-1] += 1
                marker = f"{self.lists[-1]}. "
            else:
                marker = "- "
            self.parts.append("\n" + "  " * max(len(self.lists) - 1, 0) + marker)
            self.item_started = True
            return
        if tag == "p" and self.lists:  # a paragraph inside a list item
            if not self.item_started:
                self.parts.append("\n" + "  " * len(self.lists))
            return
        if tag in {"ul", "ol"}:
            self.lists.append(int(dict(attrs).get("start") or 1) - 1 if tag == "ol" else None)
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS and not (self.lists and tag in {"ul", "ol"}):
            self.parts.append("\n\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        if tag == "a" and self.href:
            self.parts.append(f" ({self.href})")
            self.href = None
        elif tag in self.BLOCKS and not self.lists:
            self.parts.append("\n\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_data(self, data):
        if data.strip() or "\n" not in data:  # not the line breaks between block tags
            text = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1].endswith(("\n", " ")):
                text = text.lstrip()
            self.parts.append(text)
            self.item_started = False


def markdown_to_text(text: str) -> str:
    """``text`` as a reader sees it once rendered, in plain text: the words of the sanitised
    HTML, paragraphs on their own lines, list items as "- " or "1. ", links followed by their
    address. The iCalendar export writes an agenda with it; the comparison of two versions
    compares descriptions with it."""
    if not text.strip():
        return ""
    plain = _plain_paragraphs(text)
    return plain if plain is not None else _rendered_text(text)


def _rendered_text(text: str) -> str:
    """``markdown_to_text(text)``, by rendering ``text`` and reading the words of the HTML."""
    extractor = _TextExtractor()
    extractor.feed(str(render_markdown(text)))
    extractor.close()
    lines = [line.rstrip() for line in "".join(extractor.parts).splitlines()]
    out: list[str] = []
    for line in lines:  # at most one blank line in a row, none at the ends
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# What Markdown (with the "extra" extensions) or HTML could make something of: a character of
# markup, of an entity or of a tag, a control character or whitespace other than a space or a line
# break; a line a block could start with (a list, a quote, a heading's underline, a definition,
# indented code); a line break forced by two spaces.
_MARKUP = re.compile(r"[\\`*_{}\[\]<>&#|~!\x00-\x09\x0b-\x1f\x7f]|[^\S \n]|  \n")
_BLOCK_START = re.compile(r"^ *(?:[-+>=:]|\d+[.)])|^ {4}", re.MULTILINE)


def _plain_paragraphs(text: str) -> str | None:
    """``markdown_to_text(text)`` without rendering, for a text with no markup in it (most
    descriptions): its paragraphs, each on one line with its spaces collapsed. None when the
    text may hold markup. A comparison of two 1,000-action versions reads thousands of them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MARKUP.search(text) or _BLOCK_START.search(text):
        return None
    paragraphs, lines = [], []
    for line in [*text.split("\n"), ""]:
        if line.strip(" "):
            lines.append(line)
        elif lines:
            paragraphs.append(" ".join(" ".join(lines).split()))
            lines = []
    return "\n\n".join(paragraphs)
