"""The PDF of a plan version: the HTML document built from the version's frozen content, its
rendering with WeasyPrint (tagged PDF/UA-1, embedded fonts from the project's own
dependencies, no network) and its storage under a name that only ever points at a complete
file.

The lifecycle (pending → rendering → ready / failed) lives in ``patto.pdf.services`` and
``patto.pdf.worker``; this module only knows how to turn a version into bytes and bytes into a
stored file.
"""

import functools
import gc
import logging
import mimetypes
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from matrice.models import Action
from matrice.queries import build_matrix, plan_tree
from patto.models import PlanVersion
from patto.pdf.assembly import DEST_SCHEME, assemble
from patto.pdf.tagging import finish, finish_tags, link_labels
from tavoli.models import ANSWERED_STATUSES, Contribution, ThematicTable
from zone.maps import document_map

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO: keep its warnings, not its progress report.

PDF_VARIANT = "pdf/ua-1"
# Resources of the document are named ``static:<path>`` and served from the staticfiles
# finders (the fonts come with design-django-theme): nothing else can be fetched.
STATIC_SCHEME = "static:"
PDF_DIRECTORY = "pdf"


class PdfRenderError(Exception):
    """The document could not be rendered; the message says why, for the staff."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    seconds: float


# The document ---------------------------------------------------------------------------


def document_context(version: PlanVersion) -> dict:
    """Everything the document shows, read with a fixed number of queries per policy (the
    matrices) and otherwise independent of the size of the version."""
    programme = version.programme
    policies = plan_tree(version)
    actions = [
        action
        for policy in policies
        for area in policy.action_areas.all()
        for action in area.actions.all()
    ]
    prefetch_related_objects(
        actions,
        Prefetch("tables", queryset=ThematicTable.objects.order_by("position", "title")),
    )
    for policy in policies:
        policy.matrix = build_matrix(version, policy)
        policy.action_count = sum(len(area.actions.all()) for area in policy.action_areas.all())
    validation_record = version.validation_record()
    contributions = answered_contributions(version, actions)
    return {
        "programme": programme,
        "version": version,
        "policies": policies,
        "action_count": len(actions),
        "validation_record": validation_record,
        # the zones that validate the plan on a map (templates/patto/pdf/includes/zone_map.html)
        "zone_map": document_map() if validation_record else None,
        "contributions": contributions,
        "generated_at": timezone.now(),
        "toc": table_of_contents(policies),
        "part": whole_document(policies, contributions),
        "running_heads": True,
        "toc_link_prefix": "#",
    }


def table_of_contents(policies) -> list[dict]:
    """The entries of the table of contents: each with its anchor, its words and (filled in
    when the document is assembled from parts) its page; a policy's entries have children."""

    def entry(anchor, label, children=()):
        return {"anchor": anchor, "label": label, "page": None, "children": list(children)}

    return [
        entry("presentazione", gettext("Presentazione")),
        *(
            entry(
                f"politica-{policy.pk}",
                f"{policy.code}. {policy.title}",
                [
                    *(
                        entry(f"ambito-{area.pk}", f"{area.code} {area.title}")
                        for area in policy.action_areas.all()
                    ),
                    entry(f"matrice-{policy.pk}", gettext("La matrice strumenti × destinatari")),
                ],
            )
            for policy in policies
        ),
        entry("validazione", gettext("Il registro della validazione")),
        entry("contributi", gettext("Allegato – I contributi e il loro esito")),
    ]


@dataclass
class PolicyPiece:
    """A policy, or the rest of one (``continued``: its heading is in an earlier part), with
    the action areas of this part; its matrix closes its last piece."""

    policy: object
    areas: list
    continued: bool = False
    matrix: bool = True


@dataclass
class Part:
    """What one part of the document holds, in the document's order."""

    front: bool = False
    policies: list[PolicyPiece] = field(default_factory=list)
    validation: bool = False
    annex: bool = False
    annex_continued: bool = False
    contributions: list = field(default_factory=list)


def whole_document(policies, contributions) -> Part:
    return Part(
        front=True,
        policies=[PolicyPiece(policy, list(policy.action_areas.all())) for policy in policies],
        validation=True,
        annex=True,
        contributions=contributions,
    )


def answered_contributions(version: PlanVersion, actions: list[Action]) -> list[Contribution]:
    """The contributions this version answers: those that led to one of its actions (matched
    by stable key, so a contribution linked to the same action in an earlier version counts)
    and every answered contribution of the programme, as far as they belong to this version:
    none about a later version, none presented after the day it was frozen (sent to the
    zones). Each carries ``codes_here``: the codes of the actions of this version it led to.
    Two queries."""
    codes_by_key = {action.key: action.code for action in actions}
    keys_here = Action.objects.filter(version=version).values("key")
    belongs = ~Q(version__number__gt=version.number)
    if version.submitted_at is not None:
        frozen_on = timezone.localdate(version.submitted_at)
        belongs &= Q(submitted_on__isnull=True) | Q(submitted_on__lte=frozen_on)
    contributions = list(
        Contribution.objects.approved()
        .filter(programme_id=version.programme_id)
        .filter(belongs)
        .filter(Q(led_to__key__in=keys_here) | Q(status__in=ANSWERED_STATUSES))
        .distinct()
        .select_related("table", "meeting", "body")
        .prefetch_related(Prefetch("led_to", queryset=Action.objects.only("key", "code")))
        .order_by("submitted_on", "id")
    )
    for contribution in contributions:
        contribution.codes_here = sorted(
            {codes_by_key[a.key] for a in contribution.led_to.all() if a.key in codes_by_key},
            key=_natural_key,
        )
    return contributions


def _natural_key(code: str):
    """Sort "1.2.10" after "1.2.9"."""
    return [int(part) if part.isdigit() else part for part in code.replace("-", ".").split(".")]


def build_html(version: PlanVersion, *, preview: bool = False) -> str:
    """The document as HTML, in Italian whatever language the caller is using. ``preview``:
    the same document marked as a draft on every page and in its title."""
    with translation.override("it"):
        context = {**document_context(version), "preview": preview}
        return render_to_string("patto/pdf/plan.html", context)


# A part holds about this much: actions, action areas and contributions, each counted once
# (about half a page each: the bench's 100-action version, 418 of them, makes 168 pages). A
# version within it is rendered whole; a larger one part by part, so that WeasyPrint holds the
# layout of one part at a time. Measured (README, "Performance → The PDF"): a part of 450
# makes about 210 pages and peaks at about 310 MB in ``manage.py render_pdf``; each part
# rendered apart costs time (its own stylesheets, fonts, file), so parts are as large as that
# allows.
PART_SIZE = 450
# The running heads and footers of an assembled document are rendered this many pages at a
# time, their page numbers written in (a page of them holds little: 626 pages at once add
# nothing measurable to the peak).
HEADS_BATCH = 1000


def plan_parts(policies, contributions, size: int = PART_SIZE) -> list[Part]:
    """The parts of a document too large to render whole: the front (cover, contents,
    presentation); the policies, several to a part while they fit, a larger one split between
    its action areas; the validation record with the first contributions of the annex, and
    the rest of the annex. One part (the whole document) when everything fits in ``size``."""

    def weight(area):
        return 1 + len(area.actions.all())

    total = sum(weight(a) for p in policies for a in p.action_areas.all()) + len(contributions)
    if total <= size:
        return [whole_document(policies, contributions)]
    parts = [Part(front=True)]
    current, used = Part(), 0
    for policy in policies:
        areas = list(policy.action_areas.all())
        piece = PolicyPiece(policy, [], matrix=False)
        if used and used + sum(weight(a) for a in areas) > size:
            parts.append(current)
            current, used = Part(), 0
        current.policies.append(piece)
        for area in areas:
            if piece.areas and used + weight(area) > size:
                parts.append(current)
                piece = PolicyPiece(policy, [], continued=True, matrix=False)
                current, used = Part(policies=[piece]), 0
            piece.areas.append(area)
            used += weight(area)
        piece.matrix = True
    if current.policies:
        parts.append(current)
    first = size // 2  # after the validation record
    parts.append(Part(validation=True, annex=True, contributions=contributions[:first]))
    for start in range(first, len(contributions), size):
        parts.append(
            Part(
                annex=True, annex_continued=True, contributions=contributions[start : start + size]
            )
        )
    return parts


def running_head_texts(policies) -> dict[str, str]:
    """What the running head says from the page of each anchor on (as the document's
    ``string-set`` rules say it)."""
    heads = {
        f"politica-{policy.pk}": f"{gettext('Politica %(code)s') % {'code': policy.code}} "
        f"{policy.title}"
        for policy in policies
    }
    heads["validazione"] = gettext("Il registro della validazione")
    heads["contributi"] = gettext("Allegato – I contributi")
    return heads


# Rendering ------------------------------------------------------------------------------


def _weasyprint():
    # WeasyPrint loads Pango through cffi: import it when a document is rendered, not when
    # the web process starts.
    import pydyf
    import weasyprint
    from weasyprint import urls

    _remember_page_references(pydyf.PDF)
    return weasyprint, urls


def _remember_page_references(pdf_class):
    """Make pydyf's ``PDF.page_references`` remember its value while no page is added.

    The property builds the references of every page anew on each access, and WeasyPrint's
    tagging for PDF/UA reads it once per tagged element: for a 170-page plan some 20,000 times
    170 references, a tenth of the rendering. Pages are only ever appended, so the value is the
    same as long as their number is."""
    if getattr(pdf_class, "_remembers_page_references", False):
        return
    build = pdf_class.page_references.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        remembered = self.__dict__.get("_page_references")
        if remembered is None or remembered[0] != count:
            remembered = self.__dict__["_page_references"] = (count, build(self))
        return remembered[1]

    pdf_class.page_references = property(page_references)
    pdf_class._remembers_page_references = True


# WeasyPrint's user-agent stylesheet styles six pseudo-elements of *every* element
# (``::marker`` and the five of footnotes and notes), so each element of the document got six
# more computed styles: 49,000 for a 170-page plan, about a tenth of the rendering and of its
# memory. Markers only exist on list items (the only ``display: list-item`` elements here) and
# the plan has no footnotes or notes, so the same rules are given to list items and dropped
# for the notes: nothing the document shows changes.
_UNIVERSAL_PSEUDO_ELEMENT_RULES = {
    "marker": "li::marker",
    "footnote-call": None,
    "footnote-marker": None,
    "note-call": None,
    "note-marker": None,
    "note-callback": None,
}


def plan_user_agent_css(ua_css: str) -> str | None:
    """WeasyPrint's user-agent stylesheet ``ua_css`` with its rules for the pseudo-elements of
    every element narrowed to list items (markers) or dropped (footnotes and notes). None when
    one of those rules is not where it is expected (another WeasyPrint): then the stock
    stylesheet is used."""
    for pseudo, replacement in _UNIVERSAL_PSEUDO_ELEMENT_RULES.items():
        rule = re.compile(rf"^::{pseudo} (\{{[^}}]*\}})\n", re.M)
        if len(rule.findall(ua_css)) != 1:
            return None
        ua_css = rule.sub(rf"{replacement} \1\n" if replacement else "", ua_css)
    return ua_css


@functools.cache
def _plan_html_class():
    """``weasyprint.HTML`` with the plan's user-agent stylesheet (see above), built once."""
    weasyprint, _ = _weasyprint()
    from weasyprint import html as weasyprint_html
    from weasyprint.css.counters import CounterStyle

    ua_css = plan_user_agent_css(weasyprint_html.UA)
    if ua_css is None:
        logger.warning("WeasyPrint's user-agent stylesheet has changed: using it as it is")
        return weasyprint.HTML
    # Its @counter-style rules are already in WeasyPrint's own counter styles, which the
    # document uses: read into a throwaway set, they are not reported as redefinitions.
    stylesheet = weasyprint.CSS(string=ua_css, counter_style=CounterStyle())

    class PlanHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [stylesheet]

    return PlanHTML


@contextmanager
def _cyclic_collector_paused():
    """Run the block without Python's cyclic garbage collector.

    WeasyPrint builds millions of objects that all stay alive until the document is written,
    and each full collection walks all of them again: a dozen of them cost about a tenth of the
    rendering. What the layout drops is mostly freed by reference counting; the few cycles wait
    for the collector, which runs again as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def local_url_fetcher():
    """A WeasyPrint URL fetcher that serves ``static:<path>`` from the staticfiles finders
    and refuses every other URL, so rendering never reaches the network or arbitrary files.
    A refused or missing resource stops the rendering (no PDF with a fallback font)."""
    _, urls = _weasyprint()

    class LocalStaticFetcher(urls.URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=(), fail_on_errors=True)

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"Risorsa esterna rifiutata: {url}")
            relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
            path = finders.find(relative)
            if path is None:
                raise FileNotFoundError(f"File statico non trovato: {relative}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return urls.URLFetcherResponse(
                url, body=Path(path).read_bytes(), headers={"Content-Type": content_type}
            )

    return LocalStaticFetcher()


def render_html(html: str) -> RenderedPdf:
    """Lay out ``html`` and write it as a tagged PDF/UA-1, its tags finished by
    ``patto.pdf.tagging`` (running heads as artifacts, table headers, link texts)."""
    _, urls = _weasyprint()
    started = time.perf_counter()
    try:
        with _cyclic_collector_paused():
            document = _plan_html_class()(
                string=html, base_url=STATIC_SCHEME, url_fetcher=local_url_fetcher()
            ).render(pdf_variant=PDF_VARIANT)
            content = document.write_pdf(pdf_variant=PDF_VARIANT)
    except urls.FatalURLFetchingError as exc:  # a BaseException: make it an ordinary failure
        cause = exc.__cause__ or exc
        raise PdfRenderError(f"{exc} ({cause})") from exc
    pages = len(document.pages)
    check_pdf(content)
    content = finish_tags(content, labels=link_labels(html))
    check_pdf(content)
    return RenderedPdf(content=content, pages=pages, seconds=time.perf_counter() - started)


def render_version(version: PlanVersion) -> RenderedPdf:
    """The PDF of ``version``, entirely in memory: nothing is stored until it is complete."""
    return render_document(version)


def render_preview(version: PlanVersion) -> RenderedPdf:
    """The PDF of a draft, marked «BOZZA — non valida», for the redazione to look at: the
    document of ``render_version``, never stored."""
    return render_document(version, preview=True)


def render_document(version: PlanVersion, *, preview: bool = False) -> RenderedPdf:
    """The version's document: whole when it fits in one part (``plan_parts``), otherwise
    rendered part by part and assembled (``patto.pdf.assembly``), with the same content,
    tags, contents and page numbering."""
    # the collector is paused from the first query to the finished file: the rows, the HTML's
    # tree and the layout are millions of objects that stay alive, which each collection
    # walks again (about 0.8 s of the bench's 168-page version when paused for the layout only)
    with translation.override("it"), _cyclic_collector_paused():
        context = {**document_context(version), "preview": preview}
        parts = plan_parts(context["policies"], context["contributions"], size=PART_SIZE)
        if len(parts) == 1:
            return render_html(render_to_string("patto/pdf/plan.html", context))
        return _render_parts(context, parts)


def _render_parts(context: dict, parts: list[Part]) -> RenderedPdf:
    _, urls = _weasyprint()
    started = time.perf_counter()
    part_context = {**context, "running_heads": False, "toc_link_prefix": DEST_SCHEME}
    heads = running_head_texts(context["policies"])
    labels = {}

    def lay_out(part, toc):
        html = render_to_string("patto/pdf/plan.html", {**part_context, "part": part, "toc": toc})
        labels.update(link_labels(html))
        return _plan_html_class()(
            string=html, base_url=STATIC_SCHEME, url_fetcher=local_url_fetcher()
        ).render(pdf_variant=PDF_VARIANT)

    try:
        with _cyclic_collector_paused():
            # the front's pages: its page numbers are set aside, so their digits do not matter
            front = lay_out(parts[0], _toc_with_pages(context["toc"], {}))
            front_pages = len(front.pages)
            anchors = {a: n for n, page in enumerate(front.pages, start=1) for a in page.anchors}
            del front
            pdfs, sheets = [None], []
            for part in parts[1:]:
                document = lay_out(part, context["toc"])
                for page in document.pages:
                    sheets.append({"wide": page.width > page.height, "head": None})
                    sheets[-1]["number"] = front_pages + len(sheets)
                    for anchor in page.anchors:
                        anchors.setdefault(anchor, front_pages + len(sheets))
                        if anchor in heads:
                            sheets[-1]["head"] = heads[anchor]
                pdfs.append(document.write_pdf(pdf_variant=PDF_VARIANT))
                del document
                gc.collect()
            front = lay_out(parts[0], _toc_with_pages(context["toc"], anchors))
            pdfs[0] = front.write_pdf(pdf_variant=PDF_VARIANT)
            front_sheets = [
                {"wide": page.width > page.height, "head": None, "number": n}
                for n, page in enumerate(front.pages, start=1)
            ]
            if len(front_sheets) != front_pages:
                raise PdfRenderError("Le pagine dell'indice sono cambiate: riprova.")
            del front
            sheets = front_sheets + _carry_heads(sheets)
            heads_pdfs = []
            for start in range(0, len(sheets), HEADS_BATCH):
                batch = sheets[start : start + HEADS_BATCH]
                running = render_to_string(
                    "patto/pdf/running_heads.html",
                    {**context, "sheets": batch, "total": len(sheets), "first_batch": not start},
                )
                heads_pdfs.append(
                    _plan_html_class()(
                        string=running, base_url=STATIC_SCHEME, url_fetcher=local_url_fetcher()
                    ).write_pdf()
                )
    except urls.FatalURLFetchingError as exc:  # a BaseException: make it an ordinary failure
        cause = exc.__cause__ or exc
        raise PdfRenderError(f"{exc} ({cause})") from exc
    with assemble(pdfs, heads_pdfs) as pdf:
        pages = len(pdf.pages)
        content = finish(pdf, labels=labels)
    check_pdf(content)
    return RenderedPdf(content=content, pages=pages, seconds=time.perf_counter() - started)


def _toc_with_pages(toc: list[dict], pages: dict[str, int]) -> list[dict]:
    """The contents' entries with their pages (999 where not known yet: the numbers sit in
    a margin of their own and do not change the layout)."""
    return [
        {
            **entry,
            "page": pages.get(entry["anchor"], 999),
            "children": _toc_with_pages(entry["children"], pages),
        }
        for entry in toc
    ]


def _carry_heads(sheets: list[dict]) -> list[dict]:
    """Each page's running head is the last one set on it or before it."""
    head = None
    for sheet in sheets:
        head = sheet["head"] or head
        sheet["head"] = head
    return sheets


def check_pdf(content: bytes) -> None:
    """Refuse bytes that are not a complete PDF, so a broken file is never stored."""
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise PdfRenderError("Il PDF generato è incompleto.")


# Storage --------------------------------------------------------------------------------


def pdf_name(version: PlanVersion) -> str:
    """The file's name in the storage, addressed by the content and the status on the cover: the
    same document always lands on the same name, a different one (another text, or the cover of
    a version published since) never overwrites it."""
    return (
        f"{PDF_DIRECTORY}/{version.programme.slug}-v{version.number}-"
        f"{version.fingerprint[:12]}-{version.status}.pdf"
    )


def download_filename(version: PlanVersion, *, preview: bool = False) -> str:
    """The name a visitor's browser saves the file under."""
    suffix = "-BOZZA-non-valida" if preview else ""
    return f"{version.programme.slug}-versione-{version.number}{suffix}.pdf"


def store_pdf(version: PlanVersion, content: bytes, storage=None) -> str:
    """Write ``content`` under ``pdf_name(version)`` so that the name only ever holds a
    complete file, and return the name.

    On a local file system the bytes go to a temporary file in the same directory, are
    flushed to disk and then renamed over the final name (an atomic replace). Other storages
    (object stores) receive the complete bytes in one write; if such a storage does not
    overwrite, the name it returns differs, and the caller removes the old file once the
    version points at the new one."""
    storage = storage or default_storage
    check_pdf(content)
    name = pdf_name(version)
    if isinstance(storage, FileSystemStorage):
        final_path = Path(storage.path(name))
        final_path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_path = tempfile.mkstemp(
            dir=final_path.parent, prefix=f".{final_path.stem}-", suffix=".part"
        )
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(content)
                temp.flush()
                os.fsync(temp.fileno())
            if storage.file_permissions_mode is not None:
                os.chmod(temp_path, storage.file_permissions_mode)
            else:
                os.chmod(temp_path, 0o644)
            os.replace(temp_path, final_path)
        except BaseException:
            Path(temp_path).unlink(missing_ok=True)
            raise
        return name
    # An object store writes the whole object in one request: the bytes are complete here.
    return storage.save(name, ContentFile(content))


def pdf_size(version: PlanVersion) -> int | None:
    """The stored file's size in bytes, or None when it is missing. Touches the storage."""
    if not version.pdf_file:
        return None
    try:
        return version.pdf_file.size
    except OSError:
        logger.warning("PDF file %s of version %s is missing", version.pdf_file.name, version.pk)
        return None
