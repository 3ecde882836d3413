"""A stand-in for the WeasyPrint renderer, for the tests of the lifecycle and of the pages:
a tiny, complete PDF in no time (the document itself is tested in test_document)."""

from patto.pdf.document import RenderedPdf


def fake_pdf(version) -> bytes:
    return b"%PDF-1.7\n% " + version.fingerprint.encode() + b"\n%%EOF\n"


def render_version(version) -> RenderedPdf:
    return RenderedPdf(content=fake_pdf(version), pages=1, seconds=0.0)


broken_calls = []


def render_broken(version) -> RenderedPdf:
    broken_calls.append(version.pk)
    raise RuntimeError("Pango ha esaurito la memoria")
