"""The world of the monitoring tests: programme «piano» validated by zones 1 and 2, its plan in
force (version 1, published) with three actions — ``local`` applies to zone 1 only,
``everywhere`` to every zone, ``elsewhere`` to zone 2 only — and its people (``staff``, the
spokespersons ``sp1`` of zone 1 and ``sp2`` of zone 2, a ``registered`` person)."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from patto.models import VersionStatus
from tests.people import someone, two_zone_programme
from tests.versions import build_version, freeze


@dataclass
class World:
    programme: object
    version: object
    zone1: object
    zone2: object
    staff: object
    sp1: object
    sp2: object
    registered: object
    local: object
    everywhere: object
    elsewhere: object


def no_links(i, action, content):
    """Actions without tools or targets: monitoring does not read them."""


def make_world(actions: int = 3) -> World:
    people = two_zone_programme()
    content = build_version(people["programme"], actions=actions, link=no_links)
    local, everywhere, elsewhere = content.actions[:3]
    local.zones.add(people["zone1"])
    elsewhere.zones.add(people["zone2"])
    freeze(content.version, VersionStatus.PUBLISHED, published_at=timezone.now())
    content.version.refresh_from_db()
    return World(
        programme=people["programme"],
        version=content.version,
        zone1=people["zone1"],
        zone2=people["zone2"],
        staff=people["staff"],
        sp1=people["sp1"],
        sp2=people["sp2"],
        registered=someone("registered"),
        local=local,
        everywhere=everywhere,
        elsewhere=elsewhere,
    )


@pytest.fixture
def world(db) -> World:
    return make_world()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="relazione.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def fake_pdf(name="relazione.pdf"):
    """A text file renamed .pdf, declared as a PDF."""
    return SimpleUploadedFile(name, b"<html>Non sono un PDF</html>", content_type="application/pdf")
