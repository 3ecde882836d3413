"""What makes the plan's PDF cheaper to render must not change the document or the process
that renders it: the narrower user-agent stylesheet gives the same pages as WeasyPrint's own
(list items keep their markers), it is the one in use with the installed WeasyPrint, and the
garbage collector paused during a render runs again afterwards, also when the render fails."""

import gc

import pytest
import weasyprint
from weasyprint import html as weasyprint_html

from patto.models import PlanVersion
from patto.pdf import document as pdf
from tests.pdf.builders import contributions, fill_draft, plan_programme
from tests.pdf.poppler import page_texts
from tests.versions import validate

LISTS = """<!doctype html><html lang="it-IT"><head><title>Elenchi</title></head><body>
<ul><li>primo punto</li><li>secondo punto</li></ul>
<ol><li>primo passo</li><li>secondo passo</li></ol>
</body></html>"""


def render_with(html_class, html: str):
    document = html_class(
        string=html, base_url=pdf.STATIC_SCHEME, url_fetcher=pdf.local_url_fetcher()
    ).render(pdf_variant=pdf.PDF_VARIANT)
    return document.write_pdf(pdf_variant=pdf.PDF_VARIANT), len(document.pages)


def test_the_narrower_stylesheet_is_the_one_in_use():
    """If a WeasyPrint upgrade moves the rules it narrows, the stock stylesheet is used (the
    PDF is right but slower): this fails so that the rules are looked at again."""
    assert pdf.plan_user_agent_css(weasyprint_html.UA) is not None
    assert pdf._plan_html_class() is not weasyprint.HTML


def test_list_items_keep_their_markers():
    text = " ".join(page_texts(pdf.render_html(LISTS).content))
    assert "• primo punto • secondo punto" in text
    assert "1. primo passo 2. secondo passo" in text


@pytest.mark.django_db
def test_the_plan_reads_the_same_as_with_weasyprints_own_stylesheet():
    plan = plan_programme()
    version = fill_draft(plan, policies=2, areas=2, actions=2)
    validate(version, by=plan.staff)
    version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
    contributions(plan, version)
    html = pdf.build_html(version) + LISTS.split("<body>")[1].split("</body>")[0]
    lean, lean_pages = render_with(pdf._plan_html_class(), html)
    stock, stock_pages = render_with(weasyprint.HTML, html)
    assert lean_pages == stock_pages
    assert page_texts(lean, lean_pages) == page_texts(stock, stock_pages)


def test_the_collector_runs_again_after_a_render():
    assert gc.isenabled()
    pdf.render_html(LISTS)
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_failed_render():
    with pytest.raises(pdf.PdfRenderError):
        pdf.render_html(LISTS.replace("<ul>", '<img src="https://example.org/x.png" alt=""><ul>'))
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    try:
        pdf.render_html(LISTS)
        assert not gc.isenabled()
    finally:
        gc.enable()
