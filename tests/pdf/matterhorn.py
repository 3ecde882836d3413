"""The checkpoints of the Matterhorn Protocol (PDF/UA-1, ISO 14289-1) that a machine can
check, read from a PDF with pikepdf: ``failures(content)`` returns one line per failure,
``"<checkpoint> <what is wrong>"``, empty when every check passes.

What is checked, and under which checkpoint:

- 01-003 / 01-004 / 01-005: every piece of page content (text, paths, images, form
  XObjects drawn) is either inside a marked-content sequence with an MCID or inside an
  Artifact, and never one inside the other.
- 01-mcid (the integrity of the tree, 01-00x): every MCID on a page is mapped by the
  ParentTree to a structure element that is reachable from the StructTreeRoot, is on that
  page and lists the MCID among its kids; every structure element reachable from the root
  has a /P that is the element it was reached from, and is reached once.
- 02-001: every structure type is a standard one (nothing is role-mapped here).
- 06-001 / 06-002 / 06-003: an XMP metadata stream with the PDF/UA identifier (part 1) and
  a dc:title.
- 07-001 / 07-002: /ViewerPreferences /DisplayDocTitle true.
- 11-006: the catalog's /Lang is set.
- 01-marked / 01-007: /MarkInfo /Marked true, /Suspects not true.
- 09-004 / 09-005: table elements (TR, TH, TD, THead, TBody, TFoot) and list elements (LI,
  Lbl, LBody) only where ISO 32000-1's tables 336 and 337 put them.
- 13-004: every Figure has /Alt (or /ActualText).
- 14-002 / 14-003: headings H1–H6 start at H1 and never skip a level going down (in
  document order), no unnumbered H (14-007), and (the issue's own check) no heading is
  inside another heading.
- 15-003: every TH has a /Scope, or an /ID the StructTreeRoot's /IDTree resolves; every
  /Headers reference of a cell resolves through the IDTree.
- 28-008 / 28-009: a page with annotations has /Tabs /S.
- 28-011: every link annotation is the object of an OBJR kid of a /Link element, reached
  through its /StructParent, and (the issue's own check) no Link is inside another Link.
- 28-012: every link annotation has /Contents, and it is not its destination's name (an
  anchor id such as "politica-1").
- 31-009 / 31-027: every font used on a page is embedded and has a /ToUnicode map.

Checkpoints that need a person (whether the tags are the right ones, whether alternative
texts are meaningful, reading order, colour contrast...) are not checked here.
"""

from collections import defaultdict

import pikepdf

STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
    "Index", "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L",
    "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span",
    "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT",
    "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}  # fmt: skip
HEADINGS = {f"H{n}": n for n in range(1, 7)}
# Where the elements of tables and lists may be (ISO 32000-1, tables 336 and 337).
PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "TH": {"TR"},
    "TD": {"TR"},
    "THead": {"Table"},
    "TBody": {"Table"},
    "TFoot": {"Table"},
    "LI": {"L"},
    "Lbl": {"LI"},
    "LBody": {"LI"},
}
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh",
            "BI", "INLINE IMAGE", "Do"}  # fmt: skip
TEXT = {"Tj", "TJ", "'", '"'}


def failures(content: bytes | str) -> list[str]:
    """Every failure of the machine-checkable checkpoints, one line each."""
    with pikepdf.open(content if isinstance(content, str) else _stream(content)) as pdf:
        return _Checker(pdf).run()


def _stream(content):
    import io

    return io.BytesIO(content)


def _key(obj):
    return obj.objgen if obj.is_indirect else id(obj)


def _name(obj) -> str:
    return str(obj)[1:] if isinstance(obj, pikepdf.Name) else ""


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root
        self.found: list[str] = []
        self.page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        # what the tree says: (page, mcid) → element key; element key → element
        self.tree_mcids: dict[tuple[int, int], tuple] = {}
        self.elements: dict[tuple, pikepdf.Dictionary] = {}
        self.annotation_parents: dict[tuple, str] = {}

    def fail(self, checkpoint: str, message: str):
        self.found.append(f"{checkpoint} {message}")

    def run(self) -> list[str]:
        self.catalog()
        self.metadata()
        if "/StructTreeRoot" not in self.root:
            self.fail("01-mcid", "no /StructTreeRoot")
            return self.found
        self.tree()
        self.content()
        self.annotations()
        self.fonts()
        return self.found

    # The document --------------------------------------------------------------------

    def catalog(self):
        lang = self.root.get("/Lang")
        if lang is None or not str(lang).strip():
            self.fail("11-006", "the catalog has no /Lang")
        mark = self.root.get("/MarkInfo")
        if mark is None or mark.get("/Marked") is not True:
            self.fail("01-marked", "/MarkInfo /Marked is not true")
        elif mark.get("/Suspects") is True:
            self.fail("01-007", "/MarkInfo /Suspects is true")
        preferences = self.root.get("/ViewerPreferences")
        if preferences is None or "/DisplayDocTitle" not in preferences:
            self.fail("07-001", "no /ViewerPreferences /DisplayDocTitle")
        elif preferences.DisplayDocTitle is not True:
            self.fail("07-002", "/DisplayDocTitle is not true")

    def metadata(self):
        if "/Metadata" not in self.root:
            self.fail("06-001", "no XMP metadata stream")
            return
        meta = self.pdf.open_metadata()
        part = meta.get("pdfuaid:part")
        if str(part) != "1":
            self.fail("06-002", f"the XMP metadata's pdfuaid:part is {part!r}, not 1")
        title = meta.get("dc:title")
        if not title or not str(title).strip():
            self.fail("06-003", "the XMP metadata has no dc:title")

    # The structure tree --------------------------------------------------------------

    def tree(self):
        tree_root = self.root.StructTreeRoot
        ids = self.id_tree(tree_root)
        headings: list[int] = []
        stack = [(kid, tree_root, ()) for kid in reversed(self.kids(tree_root))]
        while stack:
            element, parent, ancestors = stack.pop()
            if not isinstance(element, pikepdf.Dictionary):
                continue
            kind = element.get("/Type")
            if kind is not None and kind in ("/MCR", "/OBJR"):
                continue
            key = _key(element)
            tag = _name(element.get("/S"))
            if key in self.elements:
                self.fail("01-mcid", f"the {tag} element {key} is reached twice")
                continue
            self.elements[key] = element
            if "/P" not in element or _key(element.P) != _key(parent):
                self.fail("01-mcid", f"the {tag} element {key} has a /P that is not its parent")
            if tag not in STANDARD_TYPES:
                self.fail("02-001", f"{tag} is not a standard structure type")
            self.element(element, key, tag, ancestors, ids, headings)
            page = self.page_of(element)
            for kid in self.kids(element):
                if isinstance(kid, int):
                    self.map_mcid(page, int(kid), key)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    kid_page = self.page_of(kid) if "/Pg" in kid else page
                    self.map_mcid(kid_page, int(kid.MCID), key)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    self.annotation_parents[_key(kid.Obj)] = tag
            for kid in reversed(self.kids(element)):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    stack.append((kid, element, (*ancestors, tag)))

    def element(self, element, key, tag, ancestors, ids, headings):
        parent = ancestors[-1] if ancestors else None
        allowed = PARENTS.get(tag)
        if allowed is not None and parent not in allowed:
            checkpoint = "09-005" if tag in ("LI", "Lbl", "LBody") else "09-004"
            self.fail(checkpoint, f"a {tag} element ({key}) is inside {parent}, not {allowed}")
        if tag == "H":
            self.fail("14-007", f"an unnumbered H heading ({key})")
        if tag == "Link" and "Link" in ancestors:
            self.fail("28-011", f"a Link element ({key}) is inside another Link")
        if tag in HEADINGS:
            level = HEADINGS[tag]
            if any(a in HEADINGS for a in ancestors):
                self.fail("14-003", f"the {tag} heading {key} is inside another heading")
            if not headings and level != 1:
                self.fail("14-002", f"the first heading is {tag}, not H1")
            elif headings and level > headings[-1] + 1:
                self.fail("14-003", f"{tag} follows H{headings[-1]}: a level is skipped")
            headings.append(level)
        if tag == "Figure":
            alt = element.get("/Alt", element.get("/ActualText"))
            if alt is None or not str(alt).strip():
                self.fail("13-004", f"the Figure {key} has no /Alt")
        if tag in ("TH", "TD"):
            attributes = self.attributes(element)
            if tag == "TH":
                scope = attributes.get("/Scope")
                header_id = element.get("/ID")
                if scope is None and (header_id is None or bytes(header_id) not in ids):
                    self.fail("15-003", f"the TH {key} has no /Scope and no ID in the IDTree")
            for header in attributes.get("/Headers", []):
                if bytes(header) not in ids:
                    self.fail(
                        "15-003", f"the {tag} {key} refers to header {header} not in the IDTree"
                    )

    @staticmethod
    def attributes(element) -> dict:
        found = {}
        attributes = element.get("/A")
        if attributes is None:
            return found
        for dictionary in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(dictionary, pikepdf.Dictionary):
                found.update(dict(dictionary.items()))
        return found

    def id_tree(self, tree_root) -> set[bytes]:
        if "/IDTree" not in tree_root:
            return set()
        names = pikepdf.NameTree(tree_root.IDTree)
        return {bytes(pikepdf.String(name)) for name, _ in names.items()}

    @staticmethod
    def kids(node) -> list:
        kids = node.get("/K")
        if kids is None:
            return []
        if isinstance(kids, pikepdf.Array):
            return list(kids)
        return [kids]

    def page_of(self, node):
        page = node.get("/Pg")
        return None if page is None else self.page_index.get(page.objgen)

    def map_mcid(self, page, mcid, key):
        self.tree_mcids[(page, mcid)] = key

    # Page content --------------------------------------------------------------------

    def content(self):
        parent_tree = self.parent_tree()
        for number, page in enumerate(self.pdf.pages):
            marked: set[int] = set()
            self.walk_content(number, page.obj, pikepdf.parse_content_stream(page), [], marked)
            structure_parents = page.obj.get("/StructParents")
            if marked and structure_parents is None:
                self.fail("01-mcid", f"page {number + 1} has marked content but no /StructParents")
                continue
            entries = parent_tree.get(int(structure_parents)) if marked else None
            for mcid in sorted(marked):
                where = f"page {number + 1} MCID {mcid}"
                if entries is None or mcid >= len(entries) or entries[mcid] is None:
                    self.fail("01-mcid", f"{where} is not in the ParentTree")
                    continue
                element = entries[mcid]
                if not isinstance(element, pikepdf.Dictionary):
                    self.fail("01-mcid", f"{where} is mapped to nothing")
                elif _key(element) not in self.elements:
                    self.fail("01-mcid", f"{where}'s element is not in the structure tree")
                elif self.tree_mcids.get((number, mcid)) != _key(element):
                    self.fail("01-mcid", f"{where}'s element does not list it among its kids")

    def parent_tree(self) -> dict:
        tree_root = self.root.StructTreeRoot
        if "/ParentTree" not in tree_root:
            return {}
        return dict(pikepdf.NumberTree(tree_root.ParentTree).items())

    def walk_content(self, number, owner, instructions, stack, marked):
        where = f"page {number + 1}"
        for instruction in instructions:
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                tag = _name(instruction.operands[0])
                properties = instruction.operands[1] if operator == "BDC" else None
                if isinstance(properties, pikepdf.Name):
                    properties = owner.get("/Resources", {}).get("/Properties", {}).get(properties)
                mcid = None
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    mcid = int(properties.MCID)
                inside_artifact = any(kind == "artifact" for kind, _ in stack)
                inside_tagged = any(kind == "mcid" for kind, _ in stack)
                if tag == "Artifact":
                    if inside_tagged:
                        self.fail("01-003", f"{where}: an Artifact inside tagged content")
                    stack.append(("artifact", None))
                elif mcid is not None:
                    if inside_artifact:
                        self.fail("01-004", f"{where}: tagged content inside an Artifact")
                    if mcid in marked:
                        self.fail("01-mcid", f"{where}: MCID {mcid} is used twice")
                    marked.add(mcid)
                    stack.append(("mcid", mcid))
                else:
                    stack.append(("other", tag))
            elif operator == "EMC":
                if stack:
                    stack.pop()
            elif operator in PAINTING:
                covered = any(kind in ("artifact", "mcid") for kind, _ in stack)
                if operator == "Do":
                    xobject = (
                        owner.get("/Resources", {}).get("/XObject", {}).get(instruction.operands[0])
                    )
                    if xobject is not None and xobject.get("/Subtype") == "/Form":
                        if not covered:
                            self.walk_content(
                                number,
                                xobject,
                                pikepdf.parse_content_stream(xobject),
                                stack,
                                marked,
                            )
                        continue
                if not covered:
                    kind = "text" if operator in TEXT else f"content ({operator})"
                    self.fail("01-005", f"{where}: {kind} neither tagged nor an Artifact")

    # Annotations ---------------------------------------------------------------------

    def annotations(self):
        parent_tree = self.parent_tree()
        for number, page in enumerate(self.pdf.pages):
            annotations = page.obj.get("/Annots")
            if not annotations:
                continue
            if page.obj.get("/Tabs") != "/S":
                self.fail("28-008", f"page {number + 1} has annotations but no /Tabs /S")
            for annotation in annotations:
                if annotation.get("/Subtype") != "/Link":
                    continue
                where = f"page {number + 1}: the link annotation {annotation.objgen}"
                parent_key = annotation.get("/StructParent")
                element = None if parent_key is None else parent_tree.get(int(parent_key))
                tag = self.annotation_parents.get(annotation.objgen)
                if element is None or tag is None:
                    self.fail("28-011", f"{where} is not in the structure tree")
                elif tag != "Link" or _name(element.get("/S")) != "Link":
                    self.fail("28-011", f"{where} is in a {tag} element, not a Link")
                contents = str(annotation.get("/Contents", "")).strip()
                destination = str(annotation.get("/Dest", "")).strip()
                if not contents or contents in (destination, f"#{destination}"):
                    self.fail("28-012", f"{where} has no words in /Contents ({contents!r})")

    # Fonts ---------------------------------------------------------------------------

    def fonts(self):
        seen = set()
        for page in self.pdf.pages:
            for font in self.fonts_of(page.obj.get("/Resources"), set()):
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                self.font(font)

    def fonts_of(self, resources, visited):
        if resources is None:
            return
        yield from resources.get("/Font", {}).values()
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in visited:
                visited.add(xobject.objgen)
                yield from self.fonts_of(xobject.get("/Resources"), visited)

    def font(self, font):
        name = str(font.get("/BaseFont", font.objgen))
        if "/ToUnicode" not in font:
            self.fail("31-027", f"the font {name} has no /ToUnicode map")
        described = font
        if font.get("/Subtype") == "/Type0":
            described = font.DescendantFonts[0]
        if font.get("/Subtype") == "/Type3":
            return
        descriptor = described.get("/FontDescriptor")
        if descriptor is None or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            self.fail("31-009", f"the font {name} is not embedded")


def summary(found: list[str]) -> dict[str, int]:
    """How many failures of each checkpoint: a short message for an assertion."""
    counts = defaultdict(int)
    for line in found:
        counts[line.split(" ", 1)[0]] += 1
    return dict(counts)
