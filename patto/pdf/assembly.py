"""One tagged PDF from the PDFs of a document's parts, with pikepdf.

WeasyPrint keeps the layout of every page of a document until it has written the file, so a
document's memory grows with its pages. A large plan is therefore rendered part by part
(``patto.pdf.document``), each part a PDF of its own without running heads, and assembled
here into one document with:

- one structure tree: each part's top-level elements become kids of the first part's
  /Document element (WeasyPrint already makes one element per page fragment of a section, so
  a section continued in the next part is one more fragment), with one ParentTree whose keys
  are renumbered part by part, and table header IDs made unique;
- one set of named destinations and one outline (each part's top entries under the first
  part's top entry, the document title, as in a document rendered whole);
- the contents' links, written as ``patto-dest:<anchor>`` in the first part (WeasyPrint drops
  links to anchors it cannot see), pointed at the named destinations;
- one page numbering: the running heads and footers (title, policy, fingerprint,
  *pagina X di Y*) are rendered as a document of their own once the number of pages is known
  and drawn on each page as a pagination artifact.
"""

import io

import pikepdf

DEST_SCHEME = "patto-dest:"
_RUNNING_HEAD = b"\nQ\n/Artifact <</Type /Pagination>> BDC\nq\n%s Do\nQ\nEMC\n"


def assemble(parts: list[bytes], running_heads: list[bytes]) -> pikepdf.Pdf:
    """The parts' PDFs as one open ``pikepdf.Pdf``, their pages overlaid with the pages of
    the ``running_heads`` PDFs (one page for each page, in order)."""
    out = pikepdf.open(io.BytesIO(parts[0]))
    tree_root = out.Root.StructTreeRoot
    document = tree_root.K[0] if isinstance(tree_root.K, pikepdf.Array) else tree_root.K
    parent_tree = pikepdf.NumberTree(tree_root.ParentTree)
    next_key = max((int(key) for key, _ in parent_tree.items()), default=-1) + 1
    destinations = _destinations(out)
    outline_entries = []
    for number, data in enumerate(parts[1:], start=1):
        with pikepdf.open(io.BytesIO(data)) as part:
            next_key = _append_part(
                out, part, f"p{number}-", document, parent_tree, next_key, destinations
            )
            outline_entries.append(_outline(part, first_page=len(out.pages) - len(part.pages)))
    tree_root.ParentTreeNextKey = next_key
    _link_contents(out)
    _add_outline(out, outline_entries)
    _overlay(out, running_heads)
    return out


def _append_part(out, part, prefix, document, parent_tree, next_key, destinations):
    """Append ``part``'s pages, tags and destinations to ``out``; the next ParentTree key."""
    part_root = part.Root.StructTreeRoot
    part_document = part_root.K[0] if isinstance(part_root.K, pikepdf.Array) else part_root.K
    _prefix_ids(part_document, prefix)
    # the keys of the part's ParentTree, renumbered after those already in ``out``
    part_tree = pikepdf.NumberTree(part_root.ParentTree)
    entries = [(int(key) + next_key, value) for key, value in part_tree.items()]
    for page in part.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + next_key
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    kids = list(part_document.K) if isinstance(part_document.K, pikepdf.Array) else []
    for kid in kids:
        del kid.P  # the part's /Document is not copied
    out.pages.extend(part.pages)
    for kid in kids:
        copied = out.copy_foreign(kid)
        copied.P = document
        document.K.append(copied)
    for key, value in entries:
        if isinstance(value, pikepdf.Array):
            value = pikepdf.Array([_copied(out, item) for item in value])
        else:
            value = _copied(out, value)
        parent_tree[key] = value
    for name, destination in _destinations(part).items():
        destinations[name] = pikepdf.Array([_copied(out, item) for item in destination])
    return max((key for key, _ in entries), default=next_key - 1) + 1


def _copied(out, item):
    """``item`` of another file as it is in ``out``: indirect objects copied (once: pikepdf
    keeps the copies of each file's objects), direct values as they are."""
    if isinstance(item, pikepdf.Object) and item.is_indirect:
        return out.copy_foreign(item)
    return item


def _destinations(pdf) -> pikepdf.NameTree:
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in pdf.Root.Names:
        pdf.Root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    return pikepdf.NameTree(pdf.Root.Names.Dests)


def _prefix_ids(document, prefix):
    """Make the part's table header IDs (WeasyPrint numbers them by object, per file) unique
    in the assembled document: on the headers and in the cells' /Headers."""
    prefix_bytes = prefix.encode()
    stack = [document]
    while stack:
        element = stack.pop()
        if "/ID" in element:
            element.ID = pikepdf.String(prefix_bytes + bytes(element.ID))
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array(
                [pikepdf.String(prefix_bytes + bytes(h)) for h in attributes.Headers]
            )
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else ():
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)


def _link_contents(out):
    """The contents' ``patto-dest:`` links as links to the named destinations."""
    for page in out.pages:
        for annotation in page.obj.get("/Annots", ()):
            action = annotation.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri = bytes(action.URI).decode("latin-1")
            if uri.startswith(DEST_SCHEME):
                del annotation.A
                annotation.Dest = pikepdf.String(uri.removeprefix(DEST_SCHEME))


def _outline(part, first_page) -> list:
    """The part's outline entries as (title, page index in the assembled document, top,
    children)."""
    pages = {page.objgen: n for n, page in enumerate(part.pages)}
    with part.open_outline() as outline:
        return [_entry(item, pages, first_page) for item in outline.root]


def _entry(item, pages, first_page):
    destination = item.destination
    page = first_page + pages.get(destination[0].objgen, 0)
    top = float(destination[3]) if len(destination) > 3 else None
    return (item.title, page, top, [_entry(child, pages, first_page) for child in item.children])


def _add_outline(out, entries):
    with out.open_outline() as outline:
        under = outline.root[0].children if len(outline.root) == 1 else outline.root
        for part_entries in entries:
            under.extend(_item(entry) for entry in part_entries)


def _item(entry):
    title, page, top, children = entry
    item = pikepdf.OutlineItem(title, page, pikepdf.PageLocation.XYZ, left=0, top=top)
    item.children.extend(_item(child) for child in children)
    return item


def _overlay(out, running_heads: list[bytes]):
    """Draw the n-th page of the ``running_heads`` PDFs on page n, as a pagination artifact."""
    number = 0
    for data in running_heads:
        with pikepdf.open(io.BytesIO(data)) as heads:
            for head in heads.pages:
                if number >= len(out.pages):
                    raise ValueError("more pages of running heads than pages")
                _draw_running_head(out, out.pages[number], head, number)
                number += 1
    if number != len(out.pages):
        raise ValueError(f"{number} pages of running heads for {len(out.pages)} pages")


def _draw_running_head(out, page, head, number):
    form = out.copy_foreign(head.as_form_xobject())
    name = pikepdf.Name(f"/PattoRunningHead{number}")
    resources = page.obj.Resources
    if "/XObject" not in resources:
        resources.XObject = pikepdf.Dictionary()
    resources.XObject[name] = form
    contents = page.obj.Contents
    page.obj.Contents = pikepdf.Array(
        [
            out.make_stream(b"q\n"),
            *(contents if isinstance(contents, pikepdf.Array) else [contents]),
            out.make_stream(_RUNNING_HEAD % str(name).encode()),
        ]
    )
