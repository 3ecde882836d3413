"""The map in the plan's PDF: the zones that validate a version on a map, as vector graphics
tagged as a Figure with its alternative text, followed by the zones and their comuni as text;
none for a programme that no zone validates."""

import io

import pikepdf
import pytest

from patto.models import PlanVersion
from patto.pdf import document as pdf
from tests.factories import MunicipalityFactory, ProgrammeFactory
from tests.pdf.builders import fill_draft, plan_programme
from tests.pdf.poppler import page_texts
from tests.versions import build_version, validate
from zone.services import update_zone_shapes

pytestmark = pytest.mark.django_db


def figures(content: bytes) -> list[str]:
    """The alternative text of every Figure of the PDF's structure tree."""
    found = []

    def walk(node):
        if not isinstance(node, pikepdf.Dictionary):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid)

    with pikepdf.open(io.BytesIO(content)) as document:
        walk(document.Root.StructTreeRoot)
    return found


def test_the_plan_pdf_shows_the_zones_on_a_map_with_a_text_alternative():
    plan = plan_programme()
    for n, zone in enumerate(plan.zones):
        MunicipalityFactory(
            name=f"Comune della zona {zone.name}",
            zone=zone,
            province=zone.province,
            map_path=f"M{100 * n} 100l90 0 0 90-90 0z",
        )
    MunicipalityFactory(
        name="Comune di zona ignota", province=plan.zones[0].province, map_path="M0 300l90 0 0 90z"
    )
    update_zone_shapes()
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    validate(version, by=plan.staff)
    version = PlanVersion.objects.select_related("programme").get(pk=version.pk)

    rendered = pdf.render_version(version)

    (alt,) = [text for text in figures(rendered.content) if text.startswith("Mappa")]
    assert alt.startswith("Mappa delle 3 zone omogenee della Città Metropolitana di Torino")
    assert "Tratteggiato il comune di cui non si conosce ancora la zona." in alt
    assert alt.endswith("L'elenco delle zone e dei loro comuni segue la mappa.")
    text = " ".join(page_texts(rendered.content, rendered.pages))
    assert "Le zone omogenee sulla mappa" in text
    assert "Confini dei comuni: ISTAT, openpolis (CC BY 4.0)" in text
    for zone in plan.zones:
        assert f"{zone} (1 comune noto): Comune della zona {zone.name}." in text
    assert "Zona non nota (1 comune, tratteggiato): Comune di zona ignota." in text
    # vector graphics, not a picture: no image in the file
    with pikepdf.open(io.BytesIO(rendered.content)) as document:
        assert not any(page.get_images() for page in document.pages)


def test_no_map_in_the_pdf_of_a_programme_no_zone_validates():
    version = build_version(ProgrammeFactory(), actions=1).version

    assert pdf.document_context(version)["zone_map"] is None
