"""Minutes in PDF that could act on whoever opens them are refused at upload, through the staff
form, with a message saying what to do; nothing is stored and the meeting stays as it was:

- active content: JavaScript (an /OpenAction, the document's /JavaScript name tree, a link, a
  page's /AA), programs started (/Launch), data sent or read (/SubmitForm, /ImportData),
  attached files, XFA forms, rich media, ``javascript:`` links; also spelled with #-escapes or
  hidden in a compressed object stream;
- decompression bombs: streams that inflate, one or together, past the limit (here a stream of
  1 MiB that inflates to 1 GiB, built in a few milliseconds: one megabyte of zeros compressed
  once and its compressed block repeated), also compressed twice or hidden in the object
  stream that qpdf itself decodes while opening the file; compression that cannot be bounded
  without decoding it (LZW, a /Filter given by reference);
- a file whose structure qpdf cannot take is "not a valid PDF".

The PDFs of ordinary writers (links to web pages and e-mail addresses, an /OpenAction that
opens at a page) are accepted, and the stored minutes are served, on the public and the staff
address, as an attachment a browser does not run anything from."""

import base64
import datetime
import html
import io
import struct
import tracemalloc
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pikepdf import Array, Dictionary, Name, String

from incontri.minutes_pdf import check_minutes_pdf
from incontri.models import Meeting, MeetingStatus
from tests.factories import MeetingFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_client")]

GIB = 1024**3
MIB = 1024**2
ACTIVE = (
    "Il PDF contiene contenuti attivi (script o azioni automatiche) che il portale non accetta: "
    "salvalo di nuovo come PDF semplice (per esempio con «Stampa > Salva come PDF») e caricalo "
    "ancora."
)
TOO_LARGE = "Il PDF contiene dati compressi troppo grandi: una volta aperti supererebbero"
UNCHECKED = "Il PDF usa un tipo di compressione vecchio o insolito"
NOT_PDF = "Il file non è un PDF valido"


@pytest.fixture(autouse=True)
def _qpdf_limits():
    """The check sets qpdf's limits for the process: back as they were after each test."""
    saved = pikepdf.settings.get_qpdf_limits()
    yield
    pikepdf.settings.set_qpdf_limits(**saved)


@pytest.fixture
def held(db):
    meeting = MeetingFactory(
        programme=ProgrammeFactory(slug="patto"),
        title="Incontro provinciale di Cuneo",
        date=datetime.date(2017, 10, 19),
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    meeting.refresh_from_db()
    return meeting


def post_minutes(client, meeting, content: bytes):
    return client.post(
        reverse("redazione:incontri_meeting_minutes", args=[meeting.pk]),
        {
            "revision": meeting.revision,
            "minutes": "Testo",
            "minutes_file": SimpleUploadedFile("verbale.pdf", content, "application/pdf"),
        },
    )


def stored_files(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "verbali"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_refused(response, message: str, meeting, settings) -> None:
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    meeting.refresh_from_db()
    assert not meeting.minutes_file
    assert meeting.minutes == "" and meeting.revision == 1
    assert stored_files(settings) == []


# PDFs ----------------------------------------------------------------------------------------


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def one_page(change=None, **options) -> bytes:
    """A PDF of one blank page, first changed by ``change(pdf)``."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        if change:
            change(pdf)
        return saved(pdf, **options)


def link(pdf, action: Dictionary) -> None:
    """A link annotation on the first page that runs ``action`` when clicked."""
    pdf.pages[0].Annots = Array(
        [Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 100, 20], A=action)]
    )


def javascript(code="app.alert('x')") -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def open_action_javascript(pdf):
    pdf.Root.OpenAction = javascript()


def open_action_uri(pdf):
    pdf.Root.OpenAction = Dictionary(S=Name.URI, URI=String("https://example.com/"))


def launch(pdf):
    link(pdf, Dictionary(S=Name.Launch, F=String("calc.exe")))


def page_additional_actions(pdf):
    pdf.pages[0].AA = Dictionary(O=javascript())


def embedded_file(pdf):
    pdf.attachments["dati.txt"] = pikepdf.AttachedFileSpec(pdf, b"dati")


def javascript_name_tree(pdf):
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("avvio"), pdf.make_indirect(javascript())]))
    )


def xfa_form(pdf):
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


def submit_form(pdf):
    link(pdf, Dictionary(S=Name.SubmitForm, F=String("https://example.com/raccogli")))


def import_data(pdf):
    link(pdf, Dictionary(S=Name.ImportData, F=String("dati.fdf")))


def rich_media(pdf):
    pdf.pages[0].Annots = Array(
        [Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 100, 100])]
    )


def javascript_link(pdf):
    link(pdf, Dictionary(S=Name.URI, URI=String("java\tscript:alert(1)")))


def next_in_a_chain(pdf):
    """A harmless-looking link whose second action is a script."""
    link(pdf, Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=javascript()))


def in_an_object_stream() -> bytes:
    content = one_page(open_action_javascript, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in content  # compressed: only a decoder sees it
    return content


def with_escaped_names() -> bytes:
    content = one_page(open_action_javascript, compress_streams=False)
    assert content.count(b"/JavaScript") == 1
    return content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS", b"/J#53")


ACTIVE_PDFS = {
    "open action javascript": lambda: one_page(open_action_javascript),
    "open action web page": lambda: one_page(open_action_uri),
    "launch": lambda: one_page(launch),
    "page additional actions": lambda: one_page(page_additional_actions),
    "embedded file": lambda: one_page(embedded_file),
    "javascript name tree": lambda: one_page(javascript_name_tree),
    "xfa form": lambda: one_page(xfa_form),
    "submit form": lambda: one_page(submit_form),
    "import data": lambda: one_page(import_data),
    "rich media": lambda: one_page(rich_media),
    "javascript link": lambda: one_page(javascript_link),
    "script after a link": lambda: one_page(next_in_a_chain),
    "in an object stream": in_an_object_stream,
    "names with escapes": with_escaped_names,
}


def ordinary_features(pdf):
    """What word processors write: links to a web page and to an e-mail address, opening at
    the first page, a bookmark."""
    first = pdf.pages[0].obj
    pdf.Root.OpenAction = Array([first, Name.Fit])
    pdf.pages[0].Annots = Array(
        [
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=[0, 0, 100, 20],
                A=Dictionary(S=Name.URI, URI=String(uri)),
            )
            for uri in ("https://www.regione.piemonte.it/", "mailto:redazione@example.org")
        ]
    )
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Presenti", 0))


def flate_bomb(size: int = GIB, block: int = MIB) -> bytes:
    """A zlib stream of ``size`` zero bytes, about a thousandth of that, built without ever
    holding the zeros: ``block`` zeros are compressed once, each time from a fresh start (a
    full flush), so the same compressed block stands for every further ``block``; then an
    empty last block and the checksum (the Adler-32 of n zeros is ``n mod 65521 << 16 | 1``)."""
    compressor = zlib.compressobj(9)
    zeros = bytes(block)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = struct.pack(">I", (size % 65521) << 16 | 1)
    return first + again * (size // block - 1) + b"\x03\x00" + checksum


def test_the_bomb_is_what_it_says():
    bomb = flate_bomb(size=64 * MIB)
    assert len(bomb) < 80_000
    inflater, total, data = zlib.decompressobj(), 0, bomb
    while data:
        total += len(inflater.decompress(data, 8 * MIB))
        data = inflater.unconsumed_tail
    assert inflater.eof and total == 64 * MIB  # a valid zlib stream, checksum included


def with_content(*streams: bytes, filters=Name.FlateDecode) -> bytes:
    """One page whose content is ``streams``, each already encoded with ``filters``."""

    def change(pdf):
        contents = []
        for data in streams:
            stream = pikepdf.Stream(pdf, b"")
            stream.write(data, filter=filters)
            contents.append(pdf.make_indirect(stream))
        pdf.pages[0].Contents = Array(contents)

    # as they are: decoding them to write the file would inflate the bombs here
    return one_page(
        change, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none
    )


def filter_by_reference() -> bytes:
    def change(pdf):
        filters = pdf.make_indirect(Array([Name.FlateDecode]))
        pdf.pages[0].Contents = pdf.make_stream(zlib.compress(b"q Q"), Filter=filters)

    return one_page(change, compress_streams=False)


def object_stream_bomb() -> bytes:
    """The page in an object stream that inflates to 1 GiB, which qpdf decodes by itself while
    it opens the file, before anyone can look at it (written by hand: no writer makes one)."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    head = b"3 0".ljust(20) + page + b" "
    compressor = zlib.compressobj(9)
    first = compressor.compress(head + bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    # the Adler-32 of the head followed by n zeros: the second sum grows by n times the first
    adler = zlib.adler32(head)
    low, high = adler & 0xFFFF, (adler >> 16) + (adler & 0xFFFF) * GIB
    data = first + again * 1023 + b"\x03\x00" + struct.pack(">I", (high % 65521) << 16 | low)
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}

    def obj(number, body):
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    obj(
        4,
        b"<< /Type /ObjStm /N 1 /First 20 /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
        b"endstream" % (len(data), data),
    )
    xref_at = len(out)
    rows = [(0, 0, 65535), (1, offsets[1], 0), (1, offsets[2], 0), (2, 4, 0)]
    rows += [(1, offsets[4], 0), (1, xref_at, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    obj(
        5,
        b"<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream"
        % (len(table), table),
    )
    out.extend(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


def pages_nested(depth: int) -> bytes:
    """A page tree ``depth`` levels deep, one /Pages inside the other."""

    def change(pdf):
        node = pdf.Root.Pages
        page = pdf.pages[0].obj
        for _ in range(depth):
            kid = pdf.make_indirect(Dictionary(Type=Name.Pages, Count=1, Parent=node))
            node.Kids = Array([kid])
            node = kid
        node.Kids = Array([page])
        page.Parent = node

    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        change(pdf)
        return saved(pdf)


# Refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_with_active_content_is_refused(client, held, settings, build):
    assert_refused(post_minutes(client, held, build()), ACTIVE, held, settings)


def test_a_decompression_bomb_is_refused(client, held, settings):
    bomb = with_content(flate_bomb())
    assert len(bomb) < 2 * MIB
    assert_refused(post_minutes(client, held, bomb), TOO_LARGE + " 200 MB", held, settings)


def test_the_check_of_a_bomb_holds_a_bounded_piece_at_a_time():
    """The 1 GiB stream is inflated a megabyte at a time and counted up to the limit: the check
    never holds more than a few megabytes (``read_bytes`` would hold the whole gigabyte)."""
    upload = SimpleUploadedFile("verbale.pdf", with_content(flate_bomb()))
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="dati compressi troppo grandi"):
            check_minutes_pdf(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MIB


@pytest.mark.parametrize(
    "build",
    [
        lambda: with_content(zlib.compress(flate_bomb()), filters=[Name.FlateDecode] * 2),
        lambda: with_content(
            base64.a85encode(flate_bomb(size=64 * MIB)) + b"~>",
            filters=[Name.ASCII85Decode, Name.FlateDecode],
        ),
    ],
    ids=["compressed twice", "ascii85 then flate"],
)
def test_a_bomb_behind_other_filters_is_refused(client, held, settings, build):
    settings.MINUTES_MAX_INFLATED_MB = 32
    assert_refused(post_minutes(client, held, build()), TOO_LARGE + " 32 MB", held, settings)


def test_the_limit_is_on_all_the_streams_together(client, held, settings):
    settings.MINUTES_MAX_INFLATED_MB = 1
    half = zlib.compress(bytes(600 * 1024))
    assert_refused(post_minutes(client, held, with_content(half, half)), TOO_LARGE, held, settings)
    assert post_minutes(client, held, with_content(half)).status_code == 302


def test_a_bomb_in_the_object_stream_qpdf_decodes_itself_is_refused(client, held, settings):
    settings.MINUTES_MAX_INFLATED_MB = 16
    response = post_minutes(client, held, object_stream_bomb())
    assert_refused(response, NOT_PDF, held, settings)  # qpdf stops at 16 MB: no page left
    assert pikepdf.settings.get_qpdf_limits()["flate_max_memory"] == 16 * MIB


@pytest.mark.parametrize(
    "build",
    [
        lambda: with_content(b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", filters=Name.LZWDecode),
        filter_by_reference,
    ],
    ids=["lzw", "filter by reference"],
)
def test_compression_that_cannot_be_bounded_is_refused(client, held, settings, build):
    assert_refused(post_minutes(client, held, build()), UNCHECKED, held, settings)


def test_a_page_tree_too_deep_for_qpdf_is_not_a_valid_pdf(client, held, settings):
    assert_refused(post_minutes(client, held, pages_nested(400)), NOT_PDF, held, settings)


# Accepted and served ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: one_page(),
        lambda: one_page(ordinary_features),
        lambda: with_content(zlib.compress(b"0 0 m 100 100 l S\n" * 50_000)),
        lambda: one_page(object_stream_mode=pikepdf.ObjectStreamMode.generate),
        lambda: pages_nested(20),
    ],
    ids=["blank", "links and bookmarks", "real content", "object streams", "nested pages"],
)
def test_an_ordinary_pdf_is_accepted(client, held, settings, build):
    response = post_minutes(client, held, build())
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.minutes_file and held.minutes == "Testo"


@pytest.mark.parametrize("address", ["incontri:minutes", "redazione:incontri_meeting_minutes_file"])
def test_the_minutes_are_served_as_an_attachment_nothing_runs_from(client, held, address):
    pdf = one_page(ordinary_features)
    assert post_minutes(client, held, pdf).status_code == 302
    held.refresh_from_db()

    response = client.get(reverse(address, args=[held.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="verbale-{held.pk}-incontro-provinciale-di-cuneo.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert b"".join(response.streaming_content) == pdf


def test_the_public_page_links_the_download(client, held):
    post_minutes(client, held, one_page())
    page = client.get(reverse("incontri:detail", args=[held.pk])).text
    assert f'href="{reverse("incontri:minutes", args=[held.pk])}"' in page
    assert "Scarica il verbale" in page
