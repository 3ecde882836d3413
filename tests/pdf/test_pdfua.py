"""The plan's PDF against the Matterhorn checkpoints a machine can check (``matterhorn.py``):
the demo's version 1 and a large generated version pass them all; the checker finds what an
independent check found in WeasyPrint's own tagging (so a pass means something); and what a
person meets reading the file: running heads and footers are pagination artifacts, links are
described by their words, the contents has no dot leaders read as text, and ``pdftotext`` reads
the policy's label as a word."""

import io
from io import StringIO

import pikepdf
import pytest
import weasyprint
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from matrice.models import Action
from patto.models import PlanVersion
from patto.pdf import document as pdf
from patto.pdf.tagging import finish_tags, link_labels
from tests.pdf.builders import contributions, fill_draft, plan_programme
from tests.pdf.matterhorn import failures, summary
from tests.pdf.poppler import page_texts, run
from tests.versions import validate

pytestmark = pytest.mark.django_db


def _in_test_database():
    name = connection.settings_dict["NAME"]
    assert name.startswith(("test_", "file:memorydb")), f"not a test database: {name}"


@pytest.fixture(scope="module")
def demo_pdf(django_db_setup, django_db_blocker):
    """The demo's version 1 (``load_demo``), rendered once for the module; rolled back."""
    test_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        _in_test_database()
        call_command("load_demo", stdout=StringIO())
        version = PlanVersion.objects.select_related("programme").get(
            programme__slug="piano-sociale-metropolitano", number=1
        )
        html = pdf.build_html(version)
        rendered = pdf.render_html(html)
        transaction.set_rollback(True)
    return rendered, html


@pytest.fixture(scope="module")
def large_pdf(django_db_setup, django_db_blocker):
    """A generated version of 250 actions (about 75 pages), with Markdown links in its
    descriptions, rendered once for the module; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        _in_test_database()
        plan = plan_programme()
        version = fill_draft(plan, policies=5, areas=5, actions=10)
        Action.objects.filter(version=version, code__endswith=".1").update(
            description="Vedi [la scheda del servizio](https://www.example.org/servizi/scheda) "
            "e il **regolamento** della zona."
        )
        validate(version, by=plan.staff)
        version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
        contributions(plan, version)
        rendered = pdf.render_version(version)
        transaction.set_rollback(True)
    return rendered


def test_the_demos_pdf_passes_every_machine_checkable_checkpoint(demo_pdf):
    rendered, _html = demo_pdf
    found = failures(rendered.content)
    assert found == [], summary(found)


def test_a_large_pdf_passes_every_machine_checkable_checkpoint(large_pdf):
    assert large_pdf.pages >= 70
    found = failures(large_pdf.content)
    assert found == [], summary(found)


def test_running_heads_and_footers_are_pagination_artifacts(demo_pdf):
    """Each page after the cover has its title and policy at the top and its fingerprint and
    number at the bottom as pagination artifacts; the tree holds none of it, so a screen
    reader does not read "pagina 5 di 23" in the middle of the text."""
    rendered, _html = demo_pdf
    texts = page_texts(rendered.content, rendered.pages)
    with pikepdf.open(io.BytesIO(rendered.content)) as document:
        for number, page in enumerate(document.pages, start=1):
            assert f"pagina {number} di {rendered.pages}" in texts[number - 1]
            data = page.Contents.read_bytes()
            # the fingerprint and the page number; after the cover, the title (and the policy,
            # on the pages of a policy)
            expected = 2 if number == 1 else 3
            assert data.count(b"/Artifact\n<</Type /Pagination>>\nBDC") >= expected, number


def test_links_are_described_by_their_words(demo_pdf):
    rendered, _html = demo_pdf
    with pikepdf.open(io.BytesIO(rendered.content)) as document:
        contents = [
            str(annotation.Contents)
            for page in document.pages[1:3]
            for annotation in page.obj.get("/Annots", ())
        ]
    assert "1. Sostegno alle Famiglie, ai Minori e alla Genitorialità" in contents
    assert "Il registro della validazione" in contents
    assert not [text for text in contents if text.startswith(("politica-", "ambito-"))]


def test_the_contents_reads_as_entries_and_page_numbers(demo_pdf):
    """No dot leaders in the text (the rule under each entry is drawn, not written), and each
    entry is followed by its page number."""
    rendered, _html = demo_pdf
    text = run("pdftotext", data=rendered.content)
    assert ". . ." not in text
    toc = page_texts(rendered.content, 3)[1]
    assert "Il registro della validazione 21" in toc or "Il registro della validazione 22" in toc


def test_the_policy_label_reads_as_a_word(demo_pdf):
    rendered, _html = demo_pdf
    text = run("pdftotext", data=rendered.content)
    assert "POLITICA 1" in text
    assert "P OLITICA" not in text


def test_link_labels_are_read_from_the_html():
    labels = link_labels(
        '<a href="#politica-3">3. <span>Salute</span> &amp; cura</a> '
        '<a class="x" href="https://example.org/a?b=1&amp;c=2">la scheda</a>'
    )
    assert labels == {
        "politica-3": "3. Salute & cura",
        "https://example.org/a?b=1&c=2": "la scheda",
    }


# The checker itself: it must find what is wrong, or its passes mean nothing. WeasyPrint's own
# tagging of the markup the plan used to have (a block inside a heading, a box and a leader
# inside a link, table headers, running heads) and an image without alternative text.
FLAWED = """<!doctype html><html lang="it-IT"><head><title>Prova</title><style>
@page { @bottom-right { content: "pagina " counter(page) } }
.toc a { display: block } .toc a::after { content: leader(". ") target-counter(attr(href), page) }
h2 span { display: block }
</style></head><body>
<h1>Prova</h1>
<nav class="toc"><a href="#uno"><span style="display: inline-block">1.</span> Uno</a></nav>
<h2 id="uno"><span>Politica 1</span> Uno</h2>
<table><thead><tr><th scope="col">A</th><th scope="col">B</th></tr></thead>
<tbody><tr><th scope="row">r</th><td>1</td></tr></tbody></table>
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='9' height='9'/%3E">
</body></html>"""


@pytest.fixture(scope="module")
def flawed_pdf():
    return weasyprint.HTML(string=FLAWED).write_pdf(pdf_variant=pdf.PDF_VARIANT)


def test_the_checker_finds_what_weasyprints_own_tagging_leaves(flawed_pdf):
    found = summary(failures(flawed_pdf))
    assert set(found) == {"01-mcid", "14-003", "15-003", "28-011", "28-012", "13-004"}, found


def test_finishing_the_tags_leaves_only_what_the_markup_must_fix(flawed_pdf):
    """The pass on the written PDF fixes the running heads, the table headers and the links'
    descriptions; a heading inside a heading, a Link inside a Link or in a Span and a figure
    without alternative text are the document's own to avoid (and the plan does)."""
    finished = finish_tags(flawed_pdf, labels=link_labels(FLAWED))
    found = summary(failures(finished))
    assert set(found) == {"14-003", "28-011", "13-004"}, found
