"""A query of the site-wide search, read the way the action list reads its own
(``matrice.search``: lower case, no accents, Italian stems, stop words left out, at most
``MAX_TERMS`` words), and what a result shows of it: its words marked with ``<mark>`` in a
title or an excerpt, everything else escaped.

A comune's name is also found despite a typo («Pinerlo» finds Pinerolo): on PostgreSQL by
``pg_trgm``'s word similarity, on SQLite by the same trigrams computed here."""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from matrice.search import MAX_TERMS, PREFIX_STEM, Term, normalise, parse, stem_words

# The longest query read: a longer one is cut (whole words) before it is read, so a query of
# thousands of words or one endless word costs no more than this.
MAX_CHARS = 300
# A word of a query is at most this long: no word of the portal is longer, and a tsquery or a
# stem of a 300-letter "word" finds nothing anyway.
MAX_WORD = 40
# pieces of a query that look like an action's or an area's code: 1.2 or 2.2.1
_CODE = re.compile(r"\d+(?:\.\d+)+")
# a word of a text as it is shown (letters and digits of any alphabet, accents included)
_SHOWN_WORD = re.compile(r"[^\W_]+")


class _CodeShaped:
    """``parse``'s ``codes``: any piece of the query shaped like a code («2.2.1»)."""

    def __contains__(self, piece: str) -> bool:
        return bool(_CODE.fullmatch(piece))


@dataclass
class SearchQuery:
    """What a query looks for: its terms (each a word with its stem, or a code) and the notes
    that say, in words, what was left out of it and why."""

    text: str = ""
    terms: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms)

    @property
    def words(self) -> list[Term]:
        return [term for term in self.terms if not term.code]

    @property
    def codes(self) -> list[str]:
        return [term.code for term in self.terms if term.code]


def read(text: str) -> SearchQuery:
    """The terms of ``text`` (``matrice.search.parse``: control characters taken out, stop
    words left out unless there is nothing else, at most ``MAX_TERMS`` words), read from its
    first ``MAX_CHARS`` characters, each word cut to ``MAX_WORD`` letters."""
    text = text.strip()
    notes = []
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        text = cut.rsplit(None, 1)[0] if " " in cut.strip() else cut
        notes.append(
            _("La ricerca era molto lunga: abbiamo letto solo i primi %(max)d caratteri.")
            % {"max": MAX_CHARS}
        )
    parsed = parse(text, codes=_CodeShaped())
    terms = []
    for term in parsed.terms:
        if not term.code and len(term.word) > MAX_WORD:
            word = term.word[:MAX_WORD]
            term = Term(word, stem_words([word])[0])
        if term not in terms:
            terms.append(term)
    return SearchQuery(text=text, terms=terms[:MAX_TERMS], notes=notes + parsed.notes)


def tsquery(query: SearchQuery) -> str:
    """The words of ``query`` as the text of a PostgreSQL ``to_tsquery``, all of them required.
    The configuration stems each word; a word whose stem is ``PREFIX_STEM`` letters or longer
    also finds the words that begin with its stem (``famiglia:*``), as the action list's search
    does (a shorter one would find too much: «casa» is not looked for at the beginning of
    «cassa»). Only letters and digits reach it (``matrice.search.words``), so it is never a
    syntax error."""
    return " & ".join(
        f"{term.word}:*" if len(term.stem) >= PREFIX_STEM else term.word for term in query.words
    )


# Trigrams, as pg_trgm computes them, for the comuni's names on SQLite.

# A word of a comune's name this similar to a word of the query is taken for it (pg_trgm's
# ``similarity``: shared trigrams over all trigrams of the two). «pinerlo» and «pinerolo»: 0.55.
SIMILAR = 0.5
# Words shorter than this are never looked for by similarity (too many names are near them).
SIMILAR_MIN = 4


def trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def _matches(word: str, stem: str, term: Term) -> bool:
    """Whether a word of a text (``normalise``d, with its ``stem``) is one ``term`` finds:
    the same stem, or it begins with the word or (``PREFIX_STEM``) its stem."""
    return (
        stem == term.stem
        or word.startswith(term.word)
        or (len(term.stem) >= PREFIX_STEM and word.startswith(term.stem))
    )


def _marked_spans(text: str, query: SearchQuery, *, fuzzy: bool) -> list[tuple[int, int]]:
    spans = []
    for code in query.codes:
        for found in re.finditer(rf"(?<![\w.]){re.escape(code)}(?![\w]|\.\d)", text, re.I):
            spans.append(found.span())
    words = [(m.span(), normalise(m.group())) for m in _SHOWN_WORD.finditer(text)]
    if not words or not query.words:
        return sorted(spans)
    stems = stem_words([word for _span, word in words])
    for (span, word), stem in zip(words, stems, strict=True):
        for term in query.words:
            if _matches(word, stem, term) or (
                fuzzy and len(term.word) >= SIMILAR_MIN and similarity(word, term.word) >= SIMILAR
            ):
                spans.append(span)
                break
    return sorted(spans)


def highlight(text: str, query: SearchQuery, *, fuzzy: bool = False) -> SafeString:
    """``text`` escaped, with what ``query`` finds in it inside ``<mark>``: the words it finds
    (``_matches``; with ``fuzzy``, also the words similar to one of its words) and its codes."""
    parts, last = [], 0
    for start, end in _marked_spans(text, query, fuzzy=fuzzy):
        if start < last:
            continue
        parts.append(escape(text[last:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece of ``text`` went through escape()


EXCERPT = 220  # characters of an excerpt, about three lines


def excerpt(text: str, query: SearchQuery) -> SafeString:
    """About ``EXCERPT`` characters of ``text`` (plain text) around the first word ``query``
    finds in it, cut between words and marked with … where cut, highlighted. Empty when the
    text is."""
    text = " ".join(text.split())
    if not text:
        return mark_safe("")
    spans = _marked_spans(text, query, fuzzy=False)
    first = spans[0][0] if spans else 0
    start = max(0, first - EXCERPT // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + EXCERPT)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    shown = highlight(text[start:end], query)
    return mark_safe(("… " if start else "") + shown + (" …" if end < len(text) else ""))
