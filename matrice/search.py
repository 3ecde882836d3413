"""The free-text search of a version's actions (the action list's «Cerca nel testo»).

A query is cut into words, written the way the index is: lower case, accents removed
(«disabilità» finds «disabilita»), Italian stems (Snowball's, through PyStemmer) so that
«famiglia» finds «famiglie». Every word must be found in the action, in any of what describes
it: its code, title and description, lead body, partners and indicators, the titles of its
action area and policy, the names of its tools and targets. A word also finds the words that
begin with it or with its stem («disab» finds «disabili», «anziano» finds «anziani»), and a
word that is an action's code («1.2.3») finds that action.

The index is computed, never stored in the version's rows (a frozen version's content cannot be
written): for a frozen version it is read once, in two queries, and kept for good with the other
fragments of frozen versions (``patto.cache.pages.frozen_fragment``), and by each process for
the versions searched last (``patto.cache.kept.kept_frozen``); a query then runs in memory, the
same on SQLite and PostgreSQL. At most ``MAX_TERMS`` words of a query are looked for.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass, field

import Stemmer
from django.utils.translation import gettext as _

from matrice.models import Action
from patto.cache.kept import kept_frozen
from patto.core.titles import CONTROL_CHARACTERS, without_control_characters

MAX_TERMS = 10

# Words that say nothing of an action (articles, prepositions, conjunctions): left out of a
# query, unless it has nothing else.
_STOP_WORDS = """
a ad al all alla alle allo agli ai c che ci col con d da dal dall dalla dalle dallo dagli dai de
dei del dell della delle dello degli di e ed gli i il in l la le lo ma ne negli nei nel nell nella
nelle nello non o od per quel s si su sugli sui sul sull sulla sulle sullo tra fra un una uno
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[^\W_]+")  # letters and digits: markup and punctuation separate words
# the blocks of combining marks (accents, once NFKD has taken them off their letters)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """One Italian stemmer per thread (a PyStemmer stemmer is not shared between threads)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("italian")
    return stemmer


def stem_words(words_: list[str]) -> list[str]:
    """The Italian Snowball stem of each of ``words_`` (already ``normalise``d)."""
    return _stemmer().stemWords(words_)


def normalise(text: str) -> str:
    """``text`` in lower case without accents (NFKD, combining marks dropped)."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The words of ``text`` as the index writes them (``normalise``)."""
    return _WORD.findall(normalise(text))


# The index.


def index_entry(code: str, texts) -> tuple[str, str, str]:
    """An action's entry: its code in lower case, then its distinct words and their stems,
    each as one string with a space before and after every word (a word is looked up as a
    substring: ``" stem "`` for a stem, ``" word"`` for the beginning of a word)."""
    found = set()
    for text in texts:
        if text:
            found.update(words(text))
    ordered = sorted(found)
    stems = set(_stemmer().stemWords(ordered))
    return code.casefold(), f" {' '.join(ordered)} ", f" {' '.join(sorted(stems))} "


def build_index(version) -> tuple[tuple[int, str, str, str], ...]:
    """``(pk, code, words, stems)`` for every action of ``version``, in no particular order.
    Two queries: the actions with their action area and policy, and the names of their tools
    and targets."""
    names: dict[int, list[str]] = {}
    tools = (
        Action.tools.through.objects.filter(action__version=version)
        .values_list("action_id", "tool__name")
        .union(
            Action.targets.through.objects.filter(action__version=version).values_list(
                "action_id", "target__name"
            ),
            all=True,
        )
    )
    for action_id, name in tools:
        names.setdefault(action_id, []).append(name)
    rows = Action.objects.filter(version=version).values_list(
        "pk",
        "code",
        "title",
        "description",
        "lead_body",
        "partners",
        "indicators",
        "area__title",
        "area__policy__title",
    )
    return tuple(
        (pk, *index_entry(code, (code, *texts, *names.get(pk, ())))) for pk, code, *texts in rows
    )


def version_index(version) -> tuple[tuple[int, str, str, str], ...]:
    """``build_index(version)``, kept for good when the version is frozen, and by the process
    for the versions searched last (``kept_frozen``)."""
    return kept_frozen("search", lambda: build_index(version), version)


# The query.


# A stem this long or longer also finds the words that begin with it: «anziano» (stem «anzi»)
# finds «anziani» (stem «anzian»). A shorter one would find too much: «casa» (stem «cas») is
# not looked for at the beginning of «cassa».
PREFIX_STEM = 4


@dataclass(frozen=True)
class Term:
    """One word of a query: found in an action whose code it is (``code``), or which has a
    word with the same stem, or beginning with the word or (``PREFIX_STEM``) its stem."""

    word: str
    stem: str
    code: str = ""

    def matches(self, code: str, words: str, stems: str) -> bool:
        if self.code:
            return code == self.code
        return (
            f" {self.stem} " in stems
            or f" {self.word}" in words
            or (len(self.stem) >= PREFIX_STEM and f" {self.stem}" in words)
        )


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the person should know, in words

    def __bool__(self):
        return bool(self.terms)


def parse(text: str, *, codes=()) -> Query:
    """The terms of ``text``: each word in it (``words``), or a whole piece of it between
    spaces that is one of ``codes`` (lower case), without stop words unless there is nothing
    else, each once, at most ``MAX_TERMS``. The notes say what was left out and why."""
    query = Query()
    if CONTROL_CHARACTERS.search(text):
        text = without_control_characters(text)
        query.notes.append(_("La ricerca conteneva caratteri non validi: li abbiamo tolti."))
    terms, stop = [], []
    for piece in text.split():
        code = piece.strip(".,;:!?()[]«»\"'").casefold()
        if code and code in codes:
            terms.append(Term(code, code, code=code))
            continue
        for word in words(piece):
            (stop if word in STOP_WORDS else terms).append(Term(word, ""))
    terms = list(dict.fromkeys(terms or stop))  # each once, in the order written
    if not terms:
        if text.strip():
            query.notes.append(
                _("La ricerca non contiene parole: scrivi almeno una parola da cercare.")
            )
        return query
    if len(terms) > MAX_TERMS:
        query.notes.append(
            _("Hai scritto molte parole: la ricerca usa solo le prime %(max)d.")
            % {"max": MAX_TERMS}
        )
        terms = terms[:MAX_TERMS]
    stems = _stemmer().stemWords([term.word for term in terms])
    query.terms = [
        term if term.code else Term(term.word, stem)
        for term, stem in zip(terms, stems, strict=True)
    ]
    return query


def matching_actions(version, text: str) -> tuple[list[int] | None, list[str]]:
    """The pks of the actions of ``version`` that ``text`` finds, and the notes of its parsing.
    None instead of the pks when the text has no word to look for (nothing to filter by)."""
    index = version_index(version)
    query = parse(text, codes={code for _pk, code, _words, _stems in index})
    if not query:
        return None, query.notes
    found = [
        pk
        for pk, code, words_, stems in index
        if all(term.matches(code, words_, stems) for term in query.terms)
    ]
    return found, query.notes
