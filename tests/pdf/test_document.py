"""The document itself, rendered with WeasyPrint and read back with poppler (pdftotext,
pdfinfo, pdffonts): what it says, that its table of contents and page footers are right, that
it is a tagged PDF in Italian with the project's own fonts embedded, and that it fetches
nothing from outside."""

import io
import re

import pypdf
import pytest
from django.db import connection, transaction

from patto.models import PlanVersion
from patto.pdf import document as pdf
from patto.templatetags.patto_pdf import markdown_below
from tests.pdf.builders import contributions, fill_draft, plan_programme
from tests.pdf.poppler import page_texts, run, toc_pages_match_headings
from tests.versions import validate

# Every test asks for the database, so that pytest-django sets up the test database before the
# module's shared document is built.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    """One mid-size version rendered once for the module; its data is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        name = connection.settings_dict["NAME"]
        assert name.startswith(("test_", "file:memorydb")), f"not a test database: {name}"
        plan = plan_programme()
        version = fill_draft(plan, policies=3, areas=2, actions=3)
        validate(version, by=plan.staff)
        version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
        made = contributions(plan, version)
        rendered = pdf.render_version(version)
        facts = {
            "fingerprint": version.fingerprint,
            "policies": [p.title for p in plan.policies],
            "zones": [str(z) for z in plan.zones],
            "spokespersons": [str(u) for u in plan.spokespersons],
            "contributions": {key: c.title for key, c in made.items()},
            "promoter": plan.programme.promoter,
            "title": plan.programme.title,
        }
        transaction.set_rollback(True)
    return rendered, facts


@pytest.fixture(scope="module")
def pages(document):
    rendered, _facts = document
    return page_texts(rendered.content, rendered.pages)


def test_it_contains_every_policy_and_the_validation_record(document, pages):
    _rendered, facts = document
    text = " ".join(pages)
    for title in facts["policies"]:
        assert title in text
    record = next(p for p in pages if "La decisione di ogni zona" in p)
    for zone in facts["zones"]:
        assert zone in record
    for name in facts["spokespersons"]:
        assert name in record
    assert record.count("Approvata") == len(facts["zones"])


def test_it_annexes_the_contributions_the_version_answers(document, pages):
    _rendered, facts = document
    annex = " ".join(pages[next(i for i, p in enumerate(pages) if "Allegato" in p[:200]) :])
    assert facts["contributions"]["led"] in annex
    assert "Azioni che ne sono nate: 1.1.1" in annex
    assert facts["contributions"]["answered"] in annex
    assert "Non accolto" in annex
    assert facts["contributions"]["waiting"] not in annex


def test_every_page_has_its_number_and_the_fingerprint(document, pages):
    rendered, facts = document
    info = run("pdfinfo", data=rendered.content)
    assert re.search(rf"^Pages:\s+{rendered.pages}$", info, re.M)
    for number, text in enumerate(pages, start=1):
        assert f"pagina {number} di {rendered.pages}" in text
        assert facts["fingerprint"] in text


def test_the_table_of_contents_points_at_the_right_pages(document, pages):
    headings = ["Presentazione", "Il registro della validazione", *document[1]["policies"]]
    toc_pages_match_headings(pages, headings)


def test_it_is_a_tagged_pdf_in_italian_with_its_metadata(document):
    rendered, facts = document
    info = run("pdfinfo", data=rendered.content)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Author:\s+{re.escape(facts['promoter'])}$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(facts['title'])} – versione 1$", info, re.M)
    catalog = pypdf.PdfReader(io.BytesIO(rendered.content)).trailer["/Root"]
    assert catalog["/Lang"] == "it-IT"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog


def test_it_embeds_only_the_projects_own_fonts(document):
    rendered, _facts = document
    rows = run("pdffonts", data=rendered.content).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_rest = row.split()
        assert re.match(r"[A-Z]{6}\+(Titillium-Web|Roboto-Mono)", name), row
        assert " yes yes yes " in row, row  # embedded, subset, with a Unicode map


def test_more_content_makes_more_pages(document):
    rendered, _facts = document
    plan = plan_programme(slug="piccolo", title="Piano piccolo")
    small = validate(fill_draft(plan, policies=1, areas=1, actions=1), by=plan.staff)
    small_pdf = pdf.render_version(small)
    assert small_pdf.pages < rendered.pages
    assert f"pagina 1 di {small_pdf.pages}" in page_texts(small_pdf.content, 1)[0]


@pytest.mark.parametrize(
    "resource",
    [
        '<img src="https://example.org/logo.png" alt="">',
        '<img src="file:///etc/hostname" alt="">',
        '<link rel="stylesheet" href="http://example.org/x.css">',
        "<style>@font-face { font-family: X; src: url(https://example.org/x.ttf) }</style>",
        '<img src="static:../../../../etc/hostname" alt="">',
    ],
)
def test_rendering_fetches_nothing_from_outside(resource):
    html = f"<!doctype html><html lang='it'><head><title>t</title></head><body>{resource}</body>"
    with pytest.raises(pdf.PdfRenderError):
        pdf.render_html(html)


def test_the_projects_static_fonts_are_served():
    fetcher = pdf.local_url_fetcher()
    response = fetcher.fetch(
        "static:fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf"
    )
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_markdown_headings_go_below_the_documents_own():
    html = str(markdown_below("## Uno\n\ntesto\n\n### Due", 4))
    assert "<h4>Uno</h4>" in html
    assert "<h5>Due</h5>" in html
    assert "<h2>" not in html
    assert str(markdown_below("solo testo", 3)) == "<p>solo testo</p>"
