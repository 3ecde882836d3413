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

Numbers take an article too, and it follows how the number is read aloud: "l'8 marzo" (otto),
"dall'11 aprile" (undici), "l'80%" (ottanta), "all'1:30" (all'una), "all'8° posto" (ottavo), but
"il 1° marzo" (primo), "il 18 maggio" (diciotto), "alle 8" (le otto). ``article_before_number``
gives the article, fused with its preposition, for a date, a time or a number, and messages write
``{{ on }}{{ date }}``: "Aggiunta {{ on }}{{ date }}." → "Added on %(on)s%(date)s.".
"""

import datetime
import unicodedata
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language

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


# The article before a number, from the form that goes before a consonant ("il", "dal", "alle")
# to the one that goes before a vowel. Words ending in "le" ("alle", "dalle") are the article of
# the hours: "alle 8", "dalle 13"; the others ("il", "dal", "al") the article of days and numbers.
_ELIDED_BEFORE_NUMBER = {
    "il": "l'",
    "del": "dell'",
    "al": "all'",
    "dal": "dall'",
    "nel": "nell'",
    "sul": "sull'",
    "le": "l'",
    "delle": "dell'",
    "alle": "all'",
    "dalle": "dall'",
    "nelle": "nell'",
    "sulle": "sull'",
}


# Before zero ("zero" starts with z): "lo 0%", "dallo 0,5".
_BEFORE_ZERO = {
    "il": "lo",
    "del": "dello",
    "al": "allo",
    "dal": "dallo",
    "nel": "nello",
    "sul": "sullo",
}


def reads_with_vowel(number, *, ordinal=False):
    """Whether the Italian reading of the whole ``number`` starts with a vowel: uno, otto, undici,
    ottanta, ottocento, ottomila, undicimila, un milione… The decimals do not count ("8,5" is
    "otto virgola cinque"). An ``ordinal`` (a day of the month, a place in a list) reads 1 as
    "primo" and a round million as "milionesimo"; otherwise it reads as the cardinal does
    ("ottavo", "undicesimo", "ottantesimo").

    >>> [n for n in range(100) if reads_with_vowel(n)]
    [1, 8, 11, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89]
    >>> [reads_with_vowel(n) for n in (100, 180, 800, 899, 1000, 1800, 8000, 11000, 18000)]
    [False, False, True, True, False, False, True, True, False]
    >>> [reads_with_vowel(n) for n in (80000, 800000, 1000000, 2000000, 8000000, 11000000000)]
    [True, True, True, False, True, True]
    >>> reads_with_vowel(1, ordinal=True), reads_with_vowel(8, ordinal=True)
    (False, True)
    >>> reads_with_vowel(Decimal("8.5")), reads_with_vowel(0.8), reads_with_vowel(-8)
    (True, False, False)
    """
    whole = int(number)
    if whole < 0:  # "meno otto"
        return False
    if ordinal and whole in (1, 10**6, 10**9):  # primo, milionesimo, miliardesimo
        return False
    for size in (10**9, 10**6):  # un miliardo, un milione; otto milioni, due miliardi
        if whole >= size:
            return whole // size == 1 or reads_with_vowel(whole // size)
    if whole >= 1000:  # mille; ottomila, undicimila, duemila
        return whole // 1000 != 1 and reads_with_vowel(whole // 1000)
    if whole >= 100:  # cento; ottocento, duecento
        return whole // 100 == 8
    if whole >= 20:  # ottanta, ottantuno…; venti, novanta
        return whole // 10 == 8
    return whole in (1, 8, 11)  # uno, otto, undici


def italian_article_before_number(value, article="il", *, ordinal=False):
    """The Italian ``article`` (given as it goes before a consonant: "il", "dal", "entro il",
    "alle", "Il") before ``value``, with its trailing space, or elided before a vowel.

    ``value`` is a date (its day: "l'8 marzo", "il 1° marzo"), a datetime (in local time: its
    day, or its hour after "alle"/"dalle"), a time (its hour: "all'1:30", "alle 13:00") or a
    number ("l'80%"; ``ordinal`` for a place in a list: "al 1° posto", "all'8° posto").

    >>> italian_article_before_number(datetime.date(2018, 3, 8))
    "l'"
    >>> italian_article_before_number(datetime.date(2018, 3, 1), "dal")
    'dal '
    >>> italian_article_before_number(datetime.time(1, 30), "alle")
    "all'"
    >>> italian_article_before_number(datetime.time(8, 0), "alle")
    'alle '
    >>> italian_article_before_number(11, "entro il"), italian_article_before_number(8, "Il")
    ("entro l'", "L'")
    >>> italian_article_before_number(0), italian_article_before_number(Decimal("0.5"), "dal")
    ('lo ', 'dallo ')
    """
    *before, last = article.split(" ")
    word = last.lower()
    if word not in _ELIDED_BEFORE_NUMBER:
        raise ValueError(f"unknown article: {article!r}")
    hours = word.endswith("le")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        number, ordinal = (value.hour, False) if hours else (value.day, True)
    elif isinstance(value, datetime.date):
        number, ordinal = value.day, True
    elif isinstance(value, datetime.time):
        number = value.hour
    else:
        number = Decimal(str(value).replace(",", "."))
        if 0 <= number < 1 and word in _BEFORE_ZERO:  # "zero", "zero virgola cinque"
            zero = _BEFORE_ZERO[word]
            zero = zero[:1].upper() + zero[1:] if last[:1].isupper() else zero
            return " ".join([*before, zero]) + " "
    # the hours: le due, le otto, le undici; only l'una elides
    elide = int(number) == 1 if hours else reads_with_vowel(number, ordinal=ordinal)
    if not elide:
        return f"{article} "
    elided = _ELIDED_BEFORE_NUMBER[word]
    if last[:1].isupper():
        elided = elided[:1].upper() + elided[1:]
    return " ".join([*before, elided])


def article_before_number(value, article="il", *, ordinal=False):
    """What goes before ``value`` after ``article`` in an Italian message written as
    ``{{ on }}{{ date }}`` (``italian_article_before_number``); "" in any other language, whose
    translation writes its own words ("on %(on)s%(date)s")."""
    if value is None or value == "":
        return ""
    if not (get_language() or "it").startswith("it"):
        return ""
    return italian_article_before_number(value, article, ordinal=ordinal)
