"""A programme's name after a preposition takes the article Italian puts before it."""

import pytest
from django.template import Context, Template
from django.utils import translation

from patto.core.articles import preposition_before, with_preposition


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
