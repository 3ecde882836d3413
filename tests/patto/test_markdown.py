"""Markdown in content: rendered and sanitised (``render_markdown``), and reduced to the text a
reader sees (``markdown_to_text``: the iCalendar export and the comparison of versions use it)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from patto.core.markdown import _plain_paragraphs, _rendered_text, markdown_to_text
from tests.conftest import IN_CI


def test_markdown_to_text():
    text = markdown_to_text(
        "Intro **forte** e [un link](https://example.org).\n\n- uno\n- due\n    - due.a\n\nFine"
    )
    assert text == (
        "Intro forte e un link (https://example.org).\n\n- uno\n- due\n  - due.a\n\nFine"
    )
    assert markdown_to_text("") == ""


def test_the_text_is_what_a_reader_sees():
    assert markdown_to_text("_Azione illustrativa._") == "Azione illustrativa."
    assert markdown_to_text("*Azione* __illustrativa__") == "Azione illustrativa"
    # what the sanitiser drops is not read either
    assert markdown_to_text("Prima <script>alert(1)</script>dopo") == "Prima dopo"
    assert markdown_to_text("[clic](javascript:alert(1))") == "clic"


# Pieces of text: words, spaces, line breaks, and what Markdown or HTML make something of.
WORDS_AND_SPACES = ["parola", "è", " ", "  ", "    ", "\n", "\n\n", "\r\n", "\t", "\u00a0"]
PUNCTUATION = [".", ",", "(", ")", '"', "'", "/", "1", "%", "-", "+", "1.", "2)", ":", "=", "!"]
MARKUP = ["*", "_", "#", ">", "<b>", "&amp;", "&", "`", "[", "]", "|", "~", "\\", "{", "}"]
PIECES = st.sampled_from([*WORDS_AND_SPACES, *PUNCTUATION, *MARKUP, "\x00", "\x0b"])


@settings(max_examples=500, deadline=None, derandomize=IN_CI, database=None)
@given(st.lists(PIECES, max_size=20).map("".join))
def test_a_text_without_markup_reads_the_same_without_rendering(text):
    """The short way (a text with no markup is not rendered) gives what rendering gives."""
    plain = _plain_paragraphs(text)
    if plain is not None and text.strip():
        assert plain == _rendered_text(text)


def test_most_descriptions_take_the_short_way():
    assert _plain_paragraphs("Un centro per le famiglie, in ogni zona.\n\nCon l'ASL.") == (
        "Un centro per le famiglie, in ogni zona.\n\nCon l'ASL."
    )
    assert _plain_paragraphs("_Azione illustrativa._") is None
    assert _plain_paragraphs("Elenco:\n- uno") is None
