"""A programme's name after a preposition, with the article Italian puts before it.

Italian says "la versione 2 del Piano Sociale Metropolitano", "gli incontri della Programmazione
sociale", "dell'Agenda 2030": the preposition (di, a, da, in, su) fuses with the article, and the
article follows the gender, the number and the first sound of the name's first word. A programme
stores only its title, so the article is chosen here from that first word:

- a title that starts with an article ("La carta dei servizi") keeps it, fused with the preposition;
  one that starts with "un", "uno", "una" takes the bare preposition ("di Un nuovo Patto");
- the gender is masculine unless the first word is in ``FEMININE`` (or ``FEMININE_PLURAL``), a
  short table of the nouns that name public programmes and plans; ``MASCULINE_PLURAL`` lists the
  masculine plurals. A title whose first word is a feminine noun not in the table reads with a
  masculine article: add the noun to the table;
- the sound: "l'" before a vowel, "lo"/"gli" before s + consonant, z, gn, ps, pn, x, y and i +
  vowel, otherwise "il"/"i"; "la"/"le" for the feminine.

Messages take the two apart, ``{{ of_the }}{{ title }}`` with ``of_the`` from
``preposition_before`` (the template filter of the same name, which gives nothing in a language
other than Italian), so that a translation keeps the bare title: "File delle azioni
{{ of_the }}{{ title }}" → "Action files of %(of_the)s%(title)s".
"""

import unicodedata

FEMININE = frozenset(
    {
        "agenda",
        "alleanza",
        "azione",
        "carta",
        "convenzione",
        "delibera",
        "programmazione",
        "intesa",
        "iniziativa",
        "legge",
        "linea",
        "mappa",
        "misura",
        "pianificazione",
        "politica",
        "proposta",
        "rete",
        "riforma",
        "strategia",
    }
)
FEMININE_PLURAL = frozenset({"azioni", "iniziative", "linee", "misure", "politiche", "strategie"})
MASCULINE_PLURAL = frozenset(
    {"accordi", "indirizzi", "interventi", "orientamenti", "patti", "piani", "programmi", "servizi"}
)

# The article a title may already start with, and what it is.
_ARTICLES = {"il": "il", "lo": "lo", "la": "la", "i": "i", "gli": "gli", "le": "le"}

_INDEFINITE = frozenset({"un", "uno", "una"})

# The preposition fused with each article; "per" and "con" do not fuse.
_FUSED = {
    "di": {
        "il": "del",
        "lo": "dello",
        "la": "della",
        "l'": "dell'",
        "i": "dei",
        "gli": "degli",
        "le": "delle",
    },
    "a": {
        "il": "al",
        "lo": "allo",
        "la": "alla",
        "l'": "all'",
        "i": "ai",
        "gli": "agli",
        "le": "alle",
    },
    "da": {
        "il": "dal",
        "lo": "dallo",
        "la": "dalla",
        "l'": "dall'",
        "i": "dai",
        "gli": "dagli",
        "le": "dalle",
    },
    "in": {
        "il": "nel",
        "lo": "nello",
        "la": "nella",
        "l'": "nell'",
        "i": "nei",
        "gli": "negli",
        "le": "nelle",
    },
    "su": {
        "il": "sul",
        "lo": "sullo",
        "la": "sulla",
        "l'": "sull'",
        "i": "sui",
        "gli": "sugli",
        "le": "sulle",
    },
}
PREPOSITIONS = frozenset(_FUSED) | {"per", "con"}

_VOWELS = "aeiou"


def _plain(word):
    """The word in lower case without accents, so "Èra" compares as "era"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _wants_lo(word):
    """Whether a masculine word takes "lo"/"gli": s + consonant, z, gn, ps, pn, x, y, i + vowel."""
    if word[:1] in ("z", "x", "y"):
        return True
    if word[:2] in ("gn", "ps", "pn"):
        return True
    if word[:1] == "s" and len(word) > 1 and word[1] not in _VOWELS:
        return True
    return word[:1] == "i" and len(word) > 1 and word[1] in _VOWELS


def article_for(title):
    """The article before ``title`` and the title without an article it already had; the
    article is "" when the title starts with an indefinite one.

    >>> article_for("Piano Sociale Metropolitano")
    ('il', 'Piano Sociale Metropolitano')
    >>> article_for("La carta dei servizi")
    ('la', 'carta dei servizi')
    """
    title = title.strip()
    first, _, rest = title.partition(" ")
    plain = _plain(first)
    if plain in _ARTICLES and rest:
        return _ARTICLES[plain], rest
    if plain in _INDEFINITE or plain.startswith("un'"):
        return "", title
    if plain.startswith("l'") and len(plain) > 2:
        return "l'", title[2:]
    letters = "".join(c for c in plain if c.isalpha())
    if not letters:
        return "il", title
    if letters in FEMININE_PLURAL:
        return "le", title
    if letters in MASCULINE_PLURAL:
        return "gli" if letters[0] in _VOWELS or _wants_lo(letters) else "i", title
    if letters[0] in _VOWELS and not _wants_lo(letters):
        return "l'", title
    if letters in FEMININE:
        return "la", title
    return ("lo" if _wants_lo(letters) else "il"), title


def with_preposition(title, preposition="di"):
    """``title`` after ``preposition`` with its article: "del Piano Sociale Metropolitano",
    "della Programmazione sociale", "dell'Agenda 2030", "per il Patto per il sociale"."""
    if not title:
        return ""
    preposition = preposition.lower()
    if preposition not in PREPOSITIONS:
        raise ValueError(f"unknown preposition: {preposition!r}")
    article, rest = article_for(str(title))
    if not article:
        return f"{preposition} {rest}"
    fused = _FUSED.get(preposition)
    joined = fused[article] if fused else f"{preposition} {article}"
    separator = "" if joined.endswith("'") else " "
    return f"{joined}{separator}{rest}"


def preposition_before(title, preposition="di"):
    """What goes before ``title`` after ``preposition``: "del ", "della ", "dell'", "degli ".

    ``preposition_before(title) + title`` reads as ``with_preposition(title)``, except for a title
    that starts with an article, which cannot lose it: it gets the bare preposition ("di La carta
    dei servizi"). Store titles without a leading article."""
    if not title:
        return ""
    title = str(title).strip()
    phrase = with_preposition(title, preposition)
    if phrase.endswith(title):
        return phrase[: len(phrase) - len(title)]
    return f"{preposition.lower()} "
