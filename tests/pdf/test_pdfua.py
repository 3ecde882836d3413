"""The plan's PDF against the Matterhorn checkpoints a machine can check (``matterhorn.py``):
the demo's version 1 and a large generated version pass them all; the checker finds what an
independent check found in WeasyPrint's own tagging (so a pass means something); and what a
person meets reading the file: running heads and footers are pagination artifacts, links are
described by their words, the contents has no dot leaders read as text, and ``pdftotext`` reads
the policy's label as a word."""

import io
from io import StringIO
from types import SimpleNamespace

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
        rendered = pdf.render_version(version)
        transaction.set_rollback(True)
    return rendered


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    """A generated version of 250 actions (about 75 pages), with Markdown links in its
    descriptions, rendered once for the module in parts of 150 (smaller than PART_SIZE's,
    assembled) and once whole; rolled back."""
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
        # parts of 150 (the version is smaller than one of PART_SIZE), and running heads in
        # batches of 30 pages, so that three batches meet the page numbers
        size, batch = pdf.PART_SIZE, pdf.HEADS_BATCH
        pdf.PART_SIZE, pdf.HEADS_BATCH = 150, 30
        try:
            assert len(plan_parts(version)) > 2
            rendered = pdf.render_version(version)
        finally:
            pdf.PART_SIZE, pdf.HEADS_BATCH = size, batch
        whole = pdf.render_html(pdf.build_html(version))
        transaction.set_rollback(True)
    return rendered, whole


@pytest.fixture(scope="module")
def large_pdf(large):
    return large[0]


def plan_parts(version):
    context = pdf.document_context(version)
    return pdf.plan_parts(context["policies"], context["contributions"], size=pdf.PART_SIZE)


def test_the_demos_pdf_passes_every_machine_checkable_checkpoint(demo_pdf):
    rendered = demo_pdf
    found = failures(rendered.content)
    assert found == [], summary(found)


def test_a_large_pdf_passes_every_machine_checkable_checkpoint(large_pdf):
    assert large_pdf.pages >= 70
    found = failures(large_pdf.content)
    assert found == [], summary(found)


def test_a_large_version_rendered_in_parts_reads_as_if_rendered_whole(large):
    """Page by page the same text, running heads and footers included, and the same
    contents with the same page numbers; one structure tree, one outline."""
    assembled, whole = large
    assert assembled.pages == whole.pages
    pages = run("pdftotext", data=assembled.content).split("\f")
    assert pages == run("pdftotext", data=whole.content).split("\f")
    assert f"pagina {assembled.pages} di {assembled.pages}" in pages[-2]
    with pikepdf.open(io.BytesIO(assembled.content)) as document:
        tree_root = document.Root.StructTreeRoot
        assert len(tree_root.K) == 1 and tree_root.K[0].S == "/Document"
        with document.open_outline() as outline:
            assert [item.title for item in outline.root] == ["Piano Sociale Metropolitano"]
            titles = [item.title for item in outline.root[0].children]
        assert titles[:2] == ["Indice", "Presentazione"]
        assert len(titles) == 2 + 5 + 2  # five policies, the record, the annex
        # the running heads and footers, drawn on each page as a pagination artifact
        for page in document.pages:
            drawn = page.obj.Contents[-1].read_bytes()
            assert drawn.startswith(b"\nQ\n/Artifact <</Type /Pagination>> BDC\n"), drawn


def test_running_heads_and_footers_are_pagination_artifacts(demo_pdf):
    """Each page after the cover has its title and policy at the top and its fingerprint and
    number at the bottom as pagination artifacts; the tree holds none of it, so a screen
    reader does not read "pagina 5 di 23" in the middle of the text."""
    rendered = demo_pdf
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
    rendered = demo_pdf
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
    rendered = demo_pdf
    text = run("pdftotext", data=rendered.content)
    assert ". . ." not in text
    toc = page_texts(rendered.content, 3)[1]
    assert "Il registro della validazione 21" in toc or "Il registro della validazione 22" in toc


def test_the_policy_label_reads_as_a_word(demo_pdf):
    rendered = demo_pdf
    text = run("pdftotext", data=rendered.content)
    assert "POLITICA 1" in text
    assert "P OLITICA" not in text


def test_a_draft_previewed_in_parts_is_marked_on_every_page(monkeypatch):
    """The preview of a draft assembled from parts (made small here) says it is a draft at
    the top and bottom of every page, the cover included, and passes the check too."""
    monkeypatch.setattr(pdf, "PART_SIZE", 8)
    plan = plan_programme()
    version = fill_draft(plan, policies=2, areas=2, actions=3)
    version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
    rendered = pdf.render_preview(version)
    found = failures(rendered.content)
    assert found == [], summary(found)
    pages = page_texts(rendered.content, rendered.pages)
    for number, text in enumerate(pages, start=1):
        assert text.startswith("BOZZA — non valida"), number
        assert f"pagina {number} di {rendered.pages}" in text, number


def _policy(code, area_sizes):
    areas = [
        SimpleNamespace(code=f"{code}.{n}", actions=SimpleNamespace(all=lambda s=size: [0] * s))
        for n, size in enumerate(area_sizes, start=1)
    ]
    return SimpleNamespace(code=code, action_areas=SimpleNamespace(all=lambda: areas))


def test_a_large_version_is_cut_into_parts_between_areas_and_contributions():
    small, large, last = _policy(1, [10, 10]), _policy(2, [60, 60, 60]), _policy(3, [5])
    parts = pdf.plan_parts([small, large, last], list(range(250)), size=150)
    assert parts[0].front and not parts[0].policies
    pieces = [
        [(p.policy.code, [a.code for a in p.areas], p.continued, p.matrix) for p in part.policies]
        for part in parts[1:4]
    ]
    # a policy that does not fit in what is left of a part starts the next one; one too large
    # for a part goes on in the next, between two areas, its matrix after its last area
    assert pieces == [
        [(1, ["1.1", "1.2"], False, True)],
        [(2, ["2.1", "2.2"], False, False)],
        [(2, ["2.3"], True, True), (3, ["3.1"], False, True)],
    ]
    annex = parts[4:]
    assert annex[0].validation and not annex[0].annex_continued
    assert [len(p.contributions) for p in annex] == [75, 150, 25]
    assert all(p.annex_continued for p in annex[1:])


def test_a_version_that_fits_is_one_part():
    (part,) = pdf.plan_parts([_policy(1, [40, 40])], list(range(60)), size=150)
    assert part.front and part.validation and part.annex and len(part.contributions) == 60


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
