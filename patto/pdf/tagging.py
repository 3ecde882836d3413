"""What WeasyPrint's PDF/UA-1 tagging leaves undone, finished on the written PDF with pikepdf.

WeasyPrint (70) tags the page's margin boxes (the running title, the policy, the fingerprint,
*pagina X di Y*) as structure elements that hang from nothing: their parent says /Document,
which does not list them. Here that content becomes what it is, a pagination artifact: its
marked-content sequences are rewritten as ``/Artifact <</Type /Pagination>>`` and their
ParentTree entries removed, so the orphaned elements are no longer written.

It also gives every table header cell a /Scope (Column in a THead, Row elsewhere: the plan's
tables put column headers in ``<thead>`` and row headers in ``<tbody>``, see
``templates/patto/pdf/plan.html``) and the StructTreeRoot the /IDTree that resolves the cells'
/Headers, and replaces each link annotation's /Contents, which WeasyPrint sets to the link's
target ("politica-1"), with the link's words.

What it checks against is ``tests/pdf/matterhorn.py``: the Matterhorn checkpoints a machine can
check, run on the demo's PDF and on a large one (``tests/pdf/test_pdfua.py``).
"""

import html
import io
import re
import zlib

import pikepdf

# How pydyf writes the start of a marked-content sequence with an MCID.
_MARKED = re.compile(rb"/(\w+)\n<</MCID (\d+)>>\nBDC")
_PAGINATION = b"/Artifact\n<</Type /Pagination>>\nBDC"
_LINK = re.compile(r'<a\s[^>]*?href="([^"]+)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def link_labels(document_html: str) -> dict[str, str]:
    """The words of each link of ``document_html`` by its target, as WeasyPrint names the
    target in an annotation: the anchor without its "#", or the URL."""
    labels = {}
    for href, inner in _LINK.findall(document_html):
        words = " ".join(html.unescape(_TAG.sub(" ", inner)).split())
        if words:
            labels.setdefault(html.unescape(href).removeprefix("#"), words)
    return labels


def finish_tags(content: bytes, *, labels: dict[str, str]) -> bytes:
    """``content`` (a PDF written by WeasyPrint with ``pdf_variant="pdf/ua-1"``) with its
    margin boxes as pagination artifacts, table headers scoped and resolvable, and link
    annotations described by ``labels`` (see ``link_labels``)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return finish(pdf, labels=labels)


def finish(pdf: pikepdf.Pdf, *, labels: dict[str, str]) -> bytes:
    """``finish_tags`` on an open ``pdf`` (an assembled one, ``patto.pdf.assembly``): the
    bytes of the finished file."""
    tree_root = pdf.Root.StructTreeRoot
    reachable = _walk(pdf, tree_root)
    _artifact_orphans(pdf, tree_root, reachable)
    _describe_links(pdf, labels)
    output = io.BytesIO()
    pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _walk(pdf: pikepdf.Pdf, tree_root) -> set[tuple[int, int]]:
    """Every structure element reachable from the root (their object numbers); on the way,
    scope the TH cells and collect the /ID of every element into the root's /IDTree."""
    reachable = set()
    ids = {}
    stack = list(_kids(tree_root))
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            continue
        objgen = element.objgen
        if objgen in reachable:
            continue
        reachable.add(objgen)
        tag = element.S
        if tag == "/TH":
            _scope(element)
        if "/ID" in element:
            ids[bytes(element.ID)] = element
        stack.extend(_kids(element))
    if ids:
        id_tree = pikepdf.NameTree.new(pdf)
        for name in sorted(ids):
            id_tree[name.decode("latin-1")] = ids[name]
        tree_root.IDTree = id_tree.obj
    return reachable


def _kids(node):
    kids = node.get("/K")
    if kids is None:
        return ()
    return kids if isinstance(kids, pikepdf.Array) else (kids,)


def _scope(header):
    """/Scope /Column for a header cell of a THead row, /Row otherwise."""
    row = header.get("/P")
    group = None if row is None else row.get("/P")
    scope = pikepdf.Name.Column if group is not None and group.get("/S") == "/THead" else None
    scope = scope or pikepdf.Name.Row
    attributes = header.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        attributes.Scope = scope
    else:
        header.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)


def _artifact_orphans(pdf: pikepdf.Pdf, tree_root, reachable):
    """Rewrite as pagination artifacts the marked content whose element is not in the tree
    (the margin boxes), and drop it from the ParentTree."""
    parent_tree = pikepdf.NumberTree(tree_root.ParentTree)
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parent_tree:
            continue
        entries = parent_tree[int(key)]
        orphans = set()
        for mcid, element in enumerate(entries):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                orphans.add(mcid)
                entries[mcid] = None
        if not orphans:
            continue
        contents = page.obj.Contents
        for stream in contents if isinstance(contents, pikepdf.Array) else (contents,):
            rewritten = _MARKED.sub(_as_pagination(orphans), stream.read_bytes())
            stream.write(zlib.compress(rewritten), filter=pikepdf.Name.FlateDecode)
        while entries and entries[len(entries) - 1] is None:
            del entries[len(entries) - 1]
    return pdf


def _as_pagination(mcids: set[int]):
    def replace(match):
        return _PAGINATION if int(match.group(2)) in mcids else match.group(0)

    return replace


def _describe_links(pdf: pikepdf.Pdf, labels: dict[str, str]):
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/Subtype") != "/Link":
                continue
            target = str(annotation.get("/Contents", ""))
            words = labels.get(target)
            if words:
                annotation.Contents = pikepdf.String(words)
