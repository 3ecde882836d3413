"""An uploaded minutes PDF, checked by its content, not its name (``check_minutes_pdf``): it
must start like a PDF, parse as one (with qpdf, through pikepdf) and stay within
``settings.MINUTES_MAX_UPLOAD_MB``; it may hold no active content (JavaScript, actions run by
themselves or that start programs or send data, attached files, XFA forms, rich media); and its
streams, decoded, may not add up to more than ``settings.MINUTES_MAX_INFLATED_MB`` (a
decompression bomb). The check itself runs in bounded memory and time: streams are inflated a
piece at a time and counted, never held whole; what qpdf decodes by itself while opening the
file is held to the same bound by qpdf's own limits; and what neither can bound (LZW, a
/Filter given by reference) is refused unread. It reads the file and stores nothing."""

import base64
import binascii
import io
import re
import zlib
from collections.abc import Iterable, Iterator

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"

MB = 1024 * 1024
DEFAULT_MAX_INFLATED_MB = 200
INFLATE_CHUNK = MB  # the most any decoding step holds at once
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
PDF_DELIMITER = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"
# Entries that make a viewer run a script, act by itself, or carry a file or a program:
# JavaScript (an action's /JS, the document's /JavaScript name tree), actions run on events
# (/AA), attached files (/EmbeddedFiles, a file specification's /EF), XFA forms, rich media.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Actions (the /S of an action dictionary) that run code, start a program, send or read data,
# or open an attached file, wherever they are (a link, a bookmark, a form field, /Next).
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
)
ACTIVE_SUBTYPES = frozenset({"/RichMedia", "/3D", "/FileAttachment"})
# A link may open a web page, write an e-mail or call a number; not run a script or a file.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URI_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# The abbreviations are those of inline images, which qpdf also accepts on streams.
FILTER_NAMES = {
    "/Fl": "/FlateDecode",
    "/AHx": "/ASCIIHexDecode",
    "/A85": "/ASCII85Decode",
    "/LZW": "/LZWDecode",
    "/RL": "/RunLengthDecode",
    "/CCF": "/CCITTFaxDecode",
    "/DCT": "/DCTDecode",
}
# Images are left as they are: what they decode to is pixels for the screen, not more PDF.
IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"})
GENERIC_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/ASCIIHexDecode",
        "/ASCII85Decode",
        "/LZWDecode",
        "/RunLengthDecode",
        "/Crypt",
    }
)
RUN_LENGTH_MAX_RATIO = 64  # 2 bytes of RunLength give at most 128


def _name_pattern(name: str) -> bytes:
    """A regular expression for the PDF name ``/name`` however it is spelled: any of its
    characters may be written as ``#`` and two hex digits."""
    parts = []
    for char in name:
        code = f"{ord(char):02X}"
        hex_digits = "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in code)
        parts.append(f"(?:{re.escape(char)}|#{hex_digits})")
    return ("/" + "".join(parts)).encode() + PDF_DELIMITER


_SPACE = rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*+[\r\n])*+"  # white space and comments
_NAME = rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]{0,127}+"
_REFERENCE = rb"[0-9]{1,10}+" + _SPACE + rb"[0-9]{1,5}+" + _SPACE + rb"R" + PDF_DELIMITER
# What qpdf would decode with no bound before any check of ours can run: a stream in LZW
# (obsolete since PDF 1.2, and with no memory limit in qpdf) and a /Filter given by reference
# (which may point into a compressed object stream, out of sight of a search of the bytes).
UNCHECKABLE_COMPRESSION = re.compile(
    b"|".join(
        [
            _name_pattern("LZWDecode"),
            _name_pattern("LZW"),
            # a reference as the /Filter, or in its array after at most 24 names (qpdf decodes
            # no stream of more than 25 filters)
            _name_pattern("Filter")
            + _SPACE
            + rb"(?:\["
            + _SPACE
            + rb"(?:"
            + _NAME
            + _SPACE
            + rb"){0,24})?"
            + _REFERENCE,
        ]
    )
)


class _TooLarge(Exception):
    """The streams decode to more than the limit."""


class _Unchecked(Exception):
    """A stream is compressed in a way whose size cannot be known without the risk of
    decoding it."""


class _Tally:
    """The bytes decoded from the whole file, up to ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.total = 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise _TooLarge

    def count(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.add(len(chunk))
            yield chunk


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Flate, inflated a bounded piece at a time, up to the end of the data or to where it is
    damaged (where a viewer stops too)."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = chunk
            while True:
                out = inflater.decompress(data, INFLATE_CHUNK)
                if out:
                    yield out
                if inflater.eof:
                    return
                data = inflater.unconsumed_tail
                if not data and len(out) < INFLATE_CHUNK:  # all taken in, nothing pending
                    break
    except zlib.error:
        return


def _ascii_hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        data = pending + chunk.translate(None, PDF_WHITESPACE)
        end = data.find(b">")
        if end >= 0:
            data = data[:end] + (b"0" if end % 2 else b"")  # an odd last digit: followed by 0
        whole = len(data) - len(data) % 2
        try:
            yield binascii.unhexlify(data[:whole])
        except binascii.Error:
            return
        pending = data[whole:]
        if end >= 0:
            return


def _ascii85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    first = True
    for chunk in chunks:
        data = pending + chunk.translate(None, PDF_WHITESPACE)
        if first:
            if len(data) < 2:
                pending = data
                continue
            if data.startswith(b"<~"):
                data = data[2:]
            first = False
        end = data.find(b"~>")
        held = b""
        if end >= 0:
            data = data[:end]
        elif data.endswith(b"~"):  # perhaps the end marker, cut by the chunk
            data, held = data[:-1], b"~"
        data = data.replace(b"z", b"!!!!!")  # "z" stands for four zero bytes
        whole = len(data) - len(data) % 5
        try:
            yield base64.a85decode(data[:whole])
            if end >= 0 and len(data) > whole:  # a last, partial group
                short = len(data) - whole
                yield base64.a85decode(data[whole:] + b"u" * (5 - short))[: short - 1]
        except ValueError:
            return
        if end >= 0:
            return
        pending = data[whole:] + held


STREAMED_FILTERS = {
    "/FlateDecode": _inflate,
    "/ASCIIHexDecode": _ascii_hex,
    "/ASCII85Decode": _ascii85,
}


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    names = value if isinstance(value, pikepdf.Array) else [value]
    return [
        FILTER_NAMES.get(str(name), str(name)) if isinstance(name, pikepdf.Name) else ""
        for name in names
    ]


def _decode_for_size(stream: pikepdf.Stream, tally: _Tally) -> None:
    """Add to ``tally`` what ``stream`` decodes to, decoding it from its raw bytes a bounded
    piece at a time (never with qpdf's ``read_bytes``, which holds it all in memory). Every
    step's output is counted, so a stream of filters that expand one another is too."""
    filters = _filters(stream)
    chunks: Iterator[bytes] = iter([stream.read_raw_bytes()])
    for position, name in enumerate(filters):
        if name in STREAMED_FILTERS:
            chunks = tally.count(STREAMED_FILTERS[name](chunks))
        elif name == "/Crypt" and position == 0:  # qpdf has decrypted the raw bytes already
            continue
        elif name == "/RunLengthDecode" and set(filters[position + 1 :]) <= IMAGE_FILTERS:
            # bounded by its worst case rather than decoded
            tally.add(sum(len(chunk) for chunk in chunks) * RUN_LENGTH_MAX_RATIO)
            return
        elif name not in GENERIC_FILTERS:
            break  # an image, or a filter that nothing decodes
        else:
            raise _Unchecked
    for _chunk in chunks:
        pass


def _is_active(obj: pikepdf.Dictionary | pikepdf.Stream) -> bool:
    keys = obj.keys()
    if keys & ACTIVE_KEYS:
        return True
    if str(obj.get("/S", "")) in ACTIVE_ACTIONS or str(obj.get("/Subtype", "")) in (
        ACTIVE_SUBTYPES
    ):
        return True
    if obj.get("/Type") == "/EmbeddedFile":
        return True
    if "/OpenAction" in keys:
        # opening at a page is what an /OpenAction is for; anything else acts by itself
        action = obj["/OpenAction"]
        if isinstance(action, pikepdf.Dictionary) and (
            action.get("/S") != "/GoTo" or "/Next" in action
        ):
            return True
    if obj.get("/S") == "/URI":
        uri = re.sub(r"[\x00-\x20\x7f]", "", str(obj.get("/URI", "")))
        scheme = URI_SCHEME.match(uri)
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            return True
    return False


def _direct_containers(values: Iterable) -> list:
    """The arrays and dictionaries written inside an object; those it refers to are objects of
    their own, each looked at once."""
    return [
        value
        for value in values
        if isinstance(value, pikepdf.Array | pikepdf.Dictionary) and not value.is_indirect
    ]


def _holds_active(obj) -> bool:
    """Whether ``obj`` or anything written inside it is active (no recursion)."""
    pending = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Array):
            pending.extend(_direct_containers(item))
            continue
        if _is_active(item):
            return True
        pending.extend(_direct_containers(item.values()))
    return False


# The names without which no object is active, as qpdf writes an object out (each name in one
# spelling): a quick search of that text spares walking the objects that cannot be.
_SUSPECT_NAMES = ACTIVE_KEYS | ACTIVE_ACTIONS | ACTIVE_SUBTYPES | {"/EmbeddedFile", "/OpenAction"}
SUSPECT = re.compile(
    b"/(?:"
    + b"|".join(re.escape(name[1:].encode()) for name in sorted(_SUSPECT_NAMES | {"/URI"}))
    + b")"
    + PDF_DELIMITER
)


def _inspect(pdf: pikepdf.Pdf, *, max_inflated: int) -> str | None:
    """``"active"`` if ``pdf`` has active content, ``"too_large"`` if its streams decode to
    more than ``max_inflated`` bytes in all, else None. Every object of the file as qpdf lists
    them (reachable or not), each once, with everything written inside it."""
    tally = _Tally(max_inflated)
    try:
        for obj in [pdf.trailer, *pdf.objects]:
            if isinstance(obj, pikepdf.Stream):
                text = obj.stream_dict.unparse()
            elif isinstance(obj, pikepdf.Array | pikepdf.Dictionary):
                text = obj.unparse(resolved=True)
            else:
                continue
            if SUSPECT.search(text) and _holds_active(obj):
                return "active"
            if isinstance(obj, pikepdf.Stream):
                _decode_for_size(obj, tally)
    except _TooLarge:
        return "too_large"
    return None


def _bound_qpdf_decoding(max_inflated: int) -> None:
    """qpdf decodes the object and cross-reference streams itself, while it opens the file:
    none of its decoders may hold more than ``max_inflated`` bytes. The limits are qpdf's, for
    the whole process (nothing else here uses qpdf)."""
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=max_inflated,
        run_length_max_memory=max_inflated,
        png_max_memory=max_inflated,
        tiff_max_memory=max_inflated,
    )


PDF_ERRORS = (
    pikepdf.PikepdfError,
    RuntimeError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    OverflowError,
    OSError,
)


def check_minutes_pdf(upload: File) -> None:
    """Refuse an upload that is not a PDF by its content (whatever its name or declared type),
    is larger than ``settings.MINUTES_MAX_UPLOAD_MB``, holds active content (scripts, actions
    run by themselves, attached files or programs, XFA forms, rich media) or decodes to more
    than ``settings.MINUTES_MAX_INFLATED_MB`` (a decompression bomb). Reads the file, in
    bounded memory and time; stores nothing."""
    limit_mb = settings.MINUTES_MAX_UPLOAD_MB
    too_large = ValidationError(
        {
            "minutes_file": _(
                "Il file è troppo grande (%(size).1f MB): il verbale in PDF può essere al "
                "massimo di %(limit)s MB."
            )
            % {"size": (upload.size or 0) / MB, "limit": limit_mb}
        },
        code="too_large",
    )
    if upload.size is not None and upload.size > limit_mb * MB:
        raise too_large
    not_pdf = ValidationError(
        {
            "minutes_file": _(
                "Il file non è un PDF valido: carica il verbale in formato PDF (il nome del "
                "file non basta, conta il contenuto)."
            )
        },
        code="not_pdf",
    )
    upload.seek(0)
    content = upload.read(limit_mb * MB + 1)
    upload.seek(0)
    if len(content) > limit_mb * MB:
        raise too_large
    if not content.startswith(PDF_MAGIC):
        raise not_pdf
    if UNCHECKABLE_COMPRESSION.search(content):
        raise _unchecked_compression()
    max_inflated_mb = getattr(settings, "MINUTES_MAX_INFLATED_MB", DEFAULT_MAX_INFLATED_MB)
    _bound_qpdf_decoding(max_inflated_mb * MB)
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if len(pdf.pages) < 1:
                raise not_pdf
            finding = _inspect(pdf, max_inflated=max_inflated_mb * MB)
    except _Unchecked as exc:
        raise _unchecked_compression() from exc
    except PDF_ERRORS as exc:
        raise not_pdf from exc
    if finding == "active":
        raise ValidationError(
            {
                "minutes_file": _(
                    "Il PDF contiene contenuti attivi (script o azioni automatiche) che il "
                    "portale non accetta: salvalo di nuovo come PDF semplice (per esempio con "
                    "«Stampa > Salva come PDF») e caricalo ancora."
                )
            },
            code="active_content",
        )
    if finding == "too_large":
        raise ValidationError(
            {
                "minutes_file": _(
                    "Il PDF contiene dati compressi troppo grandi: una volta aperti "
                    "supererebbero %(limit)s MB. Salvalo di nuovo come PDF semplice (per "
                    "esempio con «Stampa > Salva come PDF») e caricalo ancora."
                )
                % {"limit": max_inflated_mb}
            },
            code="too_large_inflated",
        )


def _unchecked_compression() -> ValidationError:
    return ValidationError(
        {
            "minutes_file": _(
                "Il PDF usa un tipo di compressione vecchio o insolito che il portale non può "
                "controllare: salvalo di nuovo come PDF semplice (per esempio con «Stampa > "
                "Salva come PDF») e caricalo ancora."
            )
        },
        code="unchecked_compression",
    )
