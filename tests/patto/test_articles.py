"""A programme's name after a preposition takes the article Italian puts before it, and so
does a date, an hour or a number, by the way it is read aloud."""

import datetime
import doctest
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from patto.core import articles
from patto.core.articles import (
    article_before_number,
    italian_article_before_number,
    preposition_before,
    with_preposition,
)


@pytest.mark.parametrize(
    ("title", "preposition", "expected"),
    [
        ("Piano Sociale Metropolitano", "di", "del Piano Sociale Metropolitano"),
        (
            "Patto di sviluppo di comunità solidali",
            "di",
            "del Patto di sviluppo di comunità solidali",
        ),
        ("Programmazione sociale 2027", "di", "della Programmazione sociale 2027"),
        ("Strategia regionale", "a", "alla Strategia regionale"),
        ("Carta dei servizi", "su", "sulla Carta dei servizi"),
        ("Agenda 2030", "di", "dell'Agenda 2030"),
        ("Accordo di programma", "in", "nell'Accordo di programma"),
        ("Studio di fattibilità", "di", "dello Studio di fattibilità"),
        ("Zainetto sociale", "da", "dallo Zainetto sociale"),
        ("Piani di zona", "di", "dei Piani di zona"),
        ("Indirizzi regionali", "su", "sugli Indirizzi regionali"),
        ("Linee guida", "di", "delle Linee guida"),
        ("La carta dei servizi", "di", "della carta dei servizi"),
        ("Il Patto per il sociale", "a", "al Patto per il sociale"),
        ("Un nuovo Patto per il sociale", "di", "di Un nuovo Patto per il sociale"),
        ("Piano Sociale Metropolitano", "per", "per il Piano Sociale Metropolitano"),
        ("Agenda 2030", "per", "per l'Agenda 2030"),
        ("", "di", ""),
    ],
)
def test_the_article_follows_the_first_word(title, preposition, expected):
    assert with_preposition(title, preposition) == expected


def test_an_unknown_preposition_is_a_mistake_of_the_template():
    with pytest.raises(ValueError):
        with_preposition("Piano", "tra")


def test_the_template_filter_and_its_escaping():
    template = Template('{% load patto_i18n %}{{ title|with_preposition:"di" }}')
    assert template.render(Context({"title": "Piano <b>"})) == "del Piano &lt;b&gt;"
    assert template.render(Context({"title": "Agenda"})) == "dell&#x27;Agenda"


@pytest.mark.parametrize(
    ("title", "preposition", "expected"),
    [
        ("Piano Sociale Metropolitano", "di", "del "),
        ("Agenda 2030", "di", "dell'"),
        ("Programmazione sociale", "su", "sulla "),
        ("Un nuovo Patto", "a", "a "),
        ("La carta dei servizi", "di", "di "),
    ],
)
def test_the_preposition_alone_goes_before_the_bare_title(title, preposition, expected):
    assert preposition_before(title, preposition) == expected


def test_a_translation_gets_the_bare_title():
    """An Italian message fuses preposition and article; in English the filter gives nothing."""
    template = Template(
        '{% load patto_i18n %}{% with of_the=title|preposition_before:"di" %}'
        "{{ of_the }}{{ title }}{% endwith %}"
    )
    with translation.override("it"):
        assert template.render(Context({"title": "Agenda 2030"})) == "dell&#x27;Agenda 2030"
    with translation.override("en"):
        assert template.render(Context({"title": "Agenda 2030"})) == "Agenda 2030"


# The article before a number follows how the number is read aloud -------------------------


def test_the_rule_of_the_numbers_is_its_doctests():
    """The docstrings of patto.core.articles show the rule on whole ranges of numbers."""
    results = doctest.testmod(articles)
    assert results.attempted and not results.failed


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (8, "l'"),  # otto
        (11, "l'"),  # undici
        (18, "il "),  # diciotto
        (80, "l'"),  # ottanta
        (81, "l'"),  # ottantuno
        (88, "l'"),  # ottantotto
        (800, "l'"),  # ottocento
        (8000, "l'"),  # ottomila
        (11000, "l'"),  # undicimila
        (1, "l'"),  # uno: "l'1%"
        (2, "il "),
        (28, "il "),
        (31, "il "),
        (100, "il "),  # cento
        (1000, "il "),  # mille
        (Decimal("8.5"), "l'"),  # otto virgola cinque
    ],
)
def test_a_number_takes_the_article_of_its_italian_reading(number, expected):
    assert italian_article_before_number(number, "il") == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(1, "il "), (2, "il "), (8, "l'"), (11, "l'"), (18, "il "), (28, "il "), (31, "il ")],
)
def test_a_day_reads_the_first_as_primo(day, expected):
    assert italian_article_before_number(datetime.date(2018, 3, day), "il") == expected


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("il", "l'"),
        ("Il", "L'"),
        ("dal", "dall'"),
        ("al", "all'"),
        ("del", "dell'"),
        ("nel", "nell'"),
        ("sul", "sull'"),
        ("entro il", "entro l'"),
        ("fino al", "fino all'"),
    ],
)
def test_the_preposition_fuses_with_the_elided_article(article, expected):
    assert italian_article_before_number(datetime.date(2018, 3, 8), article) == expected
    assert italian_article_before_number(datetime.date(2018, 3, 18), article) == f"{article} "


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(0, "alle "), (1, "all'"), (8, "alle "), (11, "alle "), (13, "alle "), (21, "alle ")],
)
def test_only_one_o_clock_elides_the_article_of_the_hours(hour, expected):
    """«alle 8», «alle 13», but «all'1:30» (all'una)."""
    assert italian_article_before_number(datetime.time(hour, 30), "alle") == expected
    assert italian_article_before_number(datetime.time(hour, 30), "dalle") == (
        "dall'" if hour == 1 else "dalle "
    )


def test_a_place_in_a_list_reads_as_an_ordinal():
    """«al 1° posto» (primo), «all'8° posto» (ottavo), «all'11° posto» (undicesimo)."""
    assert italian_article_before_number(1, "al", ordinal=True) == "al "
    assert italian_article_before_number(8, "al", ordinal=True) == "all'"
    assert italian_article_before_number(11, "al", ordinal=True) == "all'"
    assert italian_article_before_number(12, "al", ordinal=True) == "al "


def test_a_datetime_is_read_in_local_time():
    """23:30 UTC on 7 March is already 8 March (and half past midnight) in Rome."""
    moment = datetime.datetime(2018, 3, 7, 23, 30, tzinfo=datetime.UTC)
    assert italian_article_before_number(moment, "il") == "l'"
    moment = datetime.datetime(2018, 3, 8, 0, 30, tzinfo=datetime.UTC)
    assert italian_article_before_number(moment, "alle") == "all'"


def test_an_unknown_article_is_a_mistake_of_the_template():
    with pytest.raises(ValueError):
        italian_article_before_number(8, "la")


def test_the_article_before_a_number_is_empty_in_another_language():
    template = Template(
        '{% load patto_i18n %}{% with on=day|article_before_number:"dal" %}'
        "{{ on }}{{ day|date:'j E Y' }}{% endwith %}"
    )
    context = Context({"day": datetime.date(2018, 3, 8)})
    with translation.override("it"):
        assert template.render(context) == "dall&#x27;8 marzo 2018"
    with translation.override("en"):
        assert template.render(context) == "8 March 2018"
    with translation.override("en"):
        assert article_before_number(8, "il") == ""
    with translation.override("it"):
        assert article_before_number(None, "il") == ""
