"""What importing a spreadsheet into a draft would do, read from the file: every row checked,
matched to an item of the draft, and the changes, item by item and field by field. Nothing here
writes: ``matrice.import_services`` applies a plan through the services of ``matrice.services``.

- The file is read by ``matrice.spreadsheets`` (its limits, zip bombs and formulas are refused
  there or here); its sheets and columns are found by their Italian names, in any order.
- A row is matched to the draft's item of the same kind by its stable key (the "Chiave" column
  the export writes); a row without a key, by code; otherwise it is a new item. Items of the
  draft that no row names are removed.
- Every bad cell is a ``Problem`` with its sheet, row, column and reason: unknown or repeated
  keys and codes, missing titles, malformed numbers and dates, references to an area, a policy,
  a tool, a target, a zone or a table that does not exist, formulas. With any problem there is
  nothing to import.
- The order of the rows does not reorder the plan: existing items keep their place, new ones
  go at the end of their parent (as when added by hand).
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matrice import spreadsheets
from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.services import CODE_PATTERN, MAX_BUDGET
from matrice.snapshots import version_snapshots
from matrice.spreadsheets import (
    ACTIONS,
    AREAS,
    CODE,
    DATE,
    INSTRUCTIONS,
    LAYOUTS,
    LONG,
    MONEY,
    POLICIES,
    TARGETS,
    TOOLS,
    Formula,
    Layout,
    ReadSheet,
    SpreadsheetError,
)
from tavoli.models import ThematicTable
from zone.models import Zone

KINDS = ("policy", "area", "action", "tool", "target")
MODELS = {"policy": Policy, "area": ActionArea, "action": Action, "tool": Tool, "target": Target}
LAYOUT = {layout.kind: layout for layout in LAYOUTS}
PARENT = {"area": "policy", "action": "area"}
# the parent column of a sheet, and the sheet it points into
PARENT_LAYOUT = {"area": POLICIES, "action": AREAS}
NEW_KEY = "new:"  # the key of an item the import would add: "new:<kind>:<row>"
MAX_PROBLEMS = 300  # shown; the count says how many there are in all
_LIST_SPLIT = re.compile(r"[;,\s]+")
_DATE_TEXT = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported: where (sheet, row, column as a letter and its
    header; empty when it is about the whole file or sheet) and why."""

    sheet: str
    row: int | None
    column: str
    header: str
    message: str


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass
class ItemChange:
    """An item the import would add, change or remove. ``fields``: for a change the fields
    that differ; for an addition or a removal every field with a value."""

    kind: str
    key: str
    code: str
    title: str
    status: str  # "added", "changed" or "removed"
    row: int | None = None  # the file's row (not for a removal)
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def is_added(self) -> bool:
        return self.status == "added"

    @property
    def is_removed(self) -> bool:
        return self.status == "removed"


@dataclass
class KindChanges:
    kind: str
    label: str
    sheet: str
    added: list[ItemChange] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def items(self) -> list[ItemChange]:
        return [*self.added, *self.changed, *self.removed]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class ImportPlan:
    """What the file would do to the draft ``version``. ``rows`` (by kind, in the file's
    order) is the content the draft would have, each row a dict of checked values keyed like
    ``matrice.snapshots`` with the parent, tools and targets by key; ``current`` the draft's
    items by kind and key."""

    version: object
    file_format: str = ""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)
    kinds: list[KindChanges] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    current: dict[str, dict[str, dict]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problem_count

    @property
    def has_changes(self) -> bool:
        return any(kind.has_changes for kind in self.kinds)

    def changes(self, kind: str) -> KindChanges:
        return next(k for k in self.kinds if k.kind == kind)

    def add_problem(self, sheet="", row=None, column="", header="", message="") -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, header, message))


def column_letter(index: int) -> str:
    """ "A" for 0, "Z" for 25, "AA" for 26."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _normal(text) -> str:
    return " ".join(str(text).replace("\u2019", "'").casefold().split())


# The draft as it is --------------------------------------------------------------------------


def current_items(snapshot: dict) -> dict[str, dict[str, dict]]:
    """The items of a snapshot by kind and key, each with its parent's key (``parent``) and
    its values typed as the import reads them (dates as dates, the budget as a Decimal)."""
    items: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
    for kind, plural in (("tool", "tools"), ("target", "targets")):
        for item in snapshot[plural]:
            items[kind][item["key"]] = dict(item)
    for policy in snapshot["policies"]:
        items["policy"][policy["key"]] = {k: v for k, v in policy.items() if k != "action_areas"}
        for area in policy["action_areas"]:
            items["area"][area["key"]] = {
                **{k: v for k, v in area.items() if k != "actions"},
                "policy": policy["key"],
            }
            for action in area["actions"]:
                items["action"][action["key"]] = {
                    **action,
                    "area": area["key"],
                    "start_date": _iso_date(action["start_date"]),
                    "end_date": _iso_date(action["end_date"]),
                    "budget": Decimal(action["budget"]) if action["budget"] else None,
                }
    return items


def _iso_date(value: str):
    return datetime.date.fromisoformat(value) if value else None


# Reading the file ----------------------------------------------------------------------------


def plan_import(version, content: bytes) -> ImportPlan:
    """What importing ``content`` (an ODS or XLSX file) into the draft ``version`` would do.
    Reads the draft (the nine queries of its snapshot, and the zones and the programme's
    tables); never writes."""
    plan = ImportPlan(version=version)
    try:
        plan.file_format, sheets = spreadsheets.read_spreadsheet(content)
    except SpreadsheetError as error:
        for message in error.messages:
            plan.add_problem(message=message)
        return plan
    (snapshot,) = version_snapshots([version])
    plan.current = current_items(snapshot)
    found = _find_tables(plan, sheets)
    if not plan.is_valid:
        return plan
    context = _Context(
        plan,
        zones=dict(Zone.objects.values_list("number", "name")),
        tables=dict(
            ThematicTable.objects.filter(programme_id=version.programme_id).values_list(
                "slug", "title"
            )
        ),
    )
    for kind in ("tool", "target", "policy", "area", "action"):
        context.read(kind, found[kind])
    context.resolve()
    order = {layout.sheet: i for i, layout in enumerate(LAYOUTS)}
    plan.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, len(p.column), p.column))
    if plan.is_valid:
        plan.kinds = _changes(plan, context)
    return plan


@dataclass
class _Table:
    """A sheet found in the file, with the position of each known column."""

    layout: Layout
    sheet: ReadSheet
    header_row: int
    positions: dict[str, int]  # column name → index in the row


def _find_tables(plan: ImportPlan, sheets: list[ReadSheet]) -> dict[str, _Table]:
    by_name = {}
    for sheet in sheets:
        by_name.setdefault(_normal(sheet.name), sheet)
    tables = {}
    known = {_normal(layout.sheet) for layout in LAYOUTS} | {_normal(INSTRUCTIONS)}
    for sheet in sheets:
        if _normal(sheet.name) not in known:
            plan.warnings.append(
                _("Il foglio «%(sheet)s» non è tra quelli del piano: non viene letto.")
                % {"sheet": sheet.name}
            )
    for layout in LAYOUTS:
        sheet = by_name.get(_normal(layout.sheet))
        if sheet is None:
            plan.add_problem(
                sheet=layout.sheet,
                message=_(
                    "Manca il foglio «%(sheet)s». Il file deve avere i fogli %(sheets)s, come "
                    "quello che scarichi dalla bozza."
                )
                % {
                    "sheet": layout.sheet,
                    "sheets": ", ".join(f"«{other.sheet}»" for other in LAYOUTS),
                },
            )
            continue
        if not sheet.rows:
            plan.add_problem(
                sheet=layout.sheet,
                row=1,
                message=_("Il foglio è vuoto: manca la riga delle intestazioni."),
            )
            continue
        header_row, header = sheet.rows[0]
        headers = {_normal(column.header): column for column in layout.columns}
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            if value is None:
                continue
            column = headers.get(_normal(value)) if isinstance(value, str) else None
            if column is None:
                plan.warnings.append(
                    _(
                        "La colonna «%(header)s» (%(column)s) del foglio «%(sheet)s» non è tra "
                        "quelle del piano: non viene letta."
                    )
                    % {"header": value, "column": column_letter(index), "sheet": sheet.name}
                )
            elif column.name in positions:
                plan.add_problem(
                    sheet=sheet.name,
                    row=header_row,
                    column=column_letter(index),
                    header=column.header,
                    message=_("La colonna «%(header)s» c'è due volte (anche in %(other)s).")
                    % {"header": column.header, "other": column_letter(positions[column.name])},
                )
            else:
                positions[column.name] = index
        missing = [column.header for column in layout.columns if column.name not in positions]
        if missing:
            plan.add_problem(
                sheet=sheet.name,
                row=header_row,
                message=_(
                    "Nella riga delle intestazioni mancano le colonne %(columns)s (scrivile "
                    "come nel file che scarichi dalla bozza)."
                )
                % {"columns": ", ".join(f"«{header}»" for header in missing)},
            )
            continue
        tables[layout.kind] = _Table(layout, sheet, header_row, positions)
    return tables


_NOUNS = {
    "policy": gettext_lazy("una politica"),
    "area": gettext_lazy("un ambito d'azione"),
    "action": gettext_lazy("un'azione"),
    "tool": gettext_lazy("uno strumento"),
    "target": gettext_lazy("destinatari"),
}


class _Context:
    """Reads the rows of each sheet into checked values, then resolves their references."""

    def __init__(self, plan: ImportPlan, *, zones: dict[int, str], tables: dict[str, str]):
        self.plan = plan
        self.zones = zones
        self.tables = tables
        self.rows: dict[str, list[dict]] = {kind: [] for kind in KINDS}

    def problem(self, table: _Table, row: int, name: str | None, message: str) -> None:
        if name is None:
            self.plan.add_problem(table.sheet.name, row, "", "", message)
            return
        column = table.layout.column(name)
        self.plan.add_problem(
            table.sheet.name, row, column_letter(table.positions[name]), column.header, message
        )

    # one sheet

    def read(self, kind: str, table: _Table) -> None:
        layout = table.layout
        model = MODELS[kind]
        seen_keys: dict[str, int] = {}
        seen_codes: dict[str, int] = {}
        for number, cells in table.sheet.rows[1:]:
            values = {}
            for column in layout.columns:
                index = table.positions[column.name]
                raw = cells[index] if index < len(cells) else None
                value, error = self.cell(model, column, raw)
                if error:
                    self.problem(table, number, column.name, error)
                values[column.name] = value
            if not any(values[column.name] not in (None, "", []) for column in layout.columns):
                continue  # a row of empty cells (or of spaces)
            values["row"] = number
            key, code = values["key"], values["code"]
            if key:
                if key in seen_keys:
                    self.problem(
                        table,
                        number,
                        "key",
                        _(
                            "Chiave ripetuta: c'è già alla riga %(row)s. Ogni voce ha la sua; "
                            "per una voce nuova lascia vuota la cella."
                        )
                        % {"row": seen_keys[key]},
                    )
                else:
                    seen_keys[key] = number
                    if key not in self.plan.current[kind]:
                        self.problem(
                            table,
                            number,
                            "key",
                            _(
                                "Chiave sconosciuta: la bozza non ha %(noun)s con questa chiave. "
                                "Per aggiungere una voce nuova lascia vuota la cella."
                            )
                            % {"noun": _NOUNS[kind]},
                        )
            if code:
                if code in seen_codes:
                    self.problem(
                        table,
                        number,
                        "code",
                        _("Codice «%(code)s» ripetuto: c'è già alla riga %(row)s.")
                        % {"code": code, "row": seen_codes[code]},
                    )
                else:
                    seen_codes[code] = number
            if kind == "action":
                start, end = values["start_date"], values["end_date"]
                if start and end and end < start:
                    self.problem(
                        table,
                        number,
                        "end_date",
                        _("La fine (%(end)s) viene prima dell'inizio (%(start)s).")
                        % {"end": _shown_date(end), "start": _shown_date(start)},
                    )
            values["_table"] = table
            self.rows[kind].append(values)

    def cell(self, model, column, raw):
        """(value, problem) of one cell of ``column``."""
        if isinstance(raw, Formula):
            return None, _(
                "La cella contiene una formula (%(formula)s): il file deve contenere solo "
                "valori. Copia le celle e incollale come valori, poi riprova."
            ) % {"formula": raw.text[:60]}
        if isinstance(raw, bool):
            return None, _("Valore non valido: qui va un testo, non vero/falso.")
        name = column.name
        if column.type == DATE:
            return _date(raw)
        if column.type == MONEY:
            return _money(raw)
        if isinstance(raw, datetime.date):
            return None, _("Qui va un testo, non una data (%(date)s).") % {
                "date": _shown_date(raw if not isinstance(raw, datetime.datetime) else raw.date())
            }
        text = _text(raw)
        if name == "key":
            text = text.strip()
            if not text:
                return None, None
            try:
                return str(uuid.UUID(text)), None
            except ValueError:
                return None, _(
                    "Chiave non valida «%(value)s»: non cambiare le chiavi; per una voce nuova "
                    "lascia vuota la cella."
                ) % {"value": text[:60]}
        if name in ("tools", "targets", "zones", "tables"):
            return [token for token in _LIST_SPLIT.split(text) if token], None
        if column.type == LONG:
            return text.replace("\r\n", "\n").replace("\r", "\n").strip(), None
        text = " ".join(text.split()) if column.type == CODE else text.replace("\n", " ").strip()
        if name in ("code", "policy", "area"):
            if not text:
                return None, _("Manca il codice.")
            if name == "code":
                if len(text) > 20:
                    return None, _("Codice troppo lungo «%(value)s»: al massimo 20 caratteri.") % {
                        "value": text[:40]
                    }
                if not CODE_PATTERN.fullmatch(text):
                    return None, _(
                        "Codice non valido «%(value)s»: solo lettere, cifre, punti, trattini e "
                        "trattini bassi, senza spazi (ad esempio 1.2.3 o S4)."
                    ) % {"value": text[:40]}
            return text, None
        field_ = model._meta.get_field(name)
        if name in ("title", "name") and not text:
            return None, _("Manca il %(label)s.") % {"label": field_.verbose_name}
        max_length = getattr(field_, "max_length", None)
        if max_length and len(text) > max_length:
            return None, _("Testo troppo lungo: al massimo %(max)s caratteri (qui %(n)s).") % {
                "max": max_length,
                "n": len(text),
            }
        return text, None

    # references between sheets

    def resolve(self) -> None:
        """Match the rows to the draft's items, give new ones a key, and resolve parents,
        tools, targets, zones and tables."""
        for kind in KINDS:
            current = self.plan.current[kind]
            by_code = {item["code"]: key for key, item in current.items()}
            keyed = {row["key"] for row in self.rows[kind] if row["key"]}
            for row in self.rows[kind]:
                if row["key"]:
                    continue
                key = by_code.get(row["code"])
                if key is not None and key not in keyed:
                    row["key"] = key  # a row without a key: the item of the same code
                    keyed.add(key)
                else:
                    row["key"] = f"{NEW_KEY}{kind}:{row['row']}"
        codes = {kind: {row["code"]: row["key"] for row in self.rows[kind]} for kind in KINDS}
        unknown = {
            "policy": _("Politica sconosciuta «%(code)s»: non c'è nel foglio «%(sheet)s»."),
            "area": _("Ambito sconosciuto «%(code)s»: non c'è nel foglio «%(sheet)s»."),
        }
        for kind, parent in PARENT.items():
            for row in self.rows[kind]:
                key = codes[parent].get(row[parent])
                if key is None and row[parent]:
                    self.problem(
                        row["_table"],
                        row["row"],
                        parent,
                        unknown[parent] % {"code": row[parent], "sheet": PARENT_LAYOUT[kind].sheet},
                    )
                row[parent] = key
        for row in self.rows["action"]:
            for name, kind, sheet in (("tools", "tool", TOOLS), ("targets", "target", TARGETS)):
                keys = []
                for code in row[name]:
                    key = codes[kind].get(code)
                    if key is None:
                        self.problem(
                            row["_table"],
                            row["row"],
                            name,
                            _("Codice sconosciuto «%(code)s»: non c'è nel foglio «%(sheet)s».")
                            % {"code": code, "sheet": sheet.sheet},
                        )
                    elif key not in keys:
                        keys.append(key)
                row[name] = keys
            zones = []
            for token in row["zones"]:
                number = int(token) if token.isdigit() and len(token) < 6 else None
                if number not in self.zones:
                    self.problem(
                        row["_table"],
                        row["row"],
                        "zones",
                        _(
                            "Zona sconosciuta «%(value)s»: scrivi i numeri delle zone omogenee "
                            "(da %(first)s a %(last)s), separati da punto e virgola."
                        )
                        % {
                            "value": token,
                            "first": min(self.zones, default=1),
                            "last": max(self.zones, default=1),
                        },
                    )
                elif number not in zones:
                    zones.append(number)
            row["zones"] = sorted(zones)
            tables = []
            for token in row["tables"]:
                if token not in self.tables:
                    self.problem(
                        row["_table"],
                        row["row"],
                        "tables",
                        _(
                            "Tavolo sconosciuto «%(value)s»: i codici dei tavoli di questo "
                            "programma sono %(codes)s."
                        )
                        % {
                            "value": token,
                            "codes": ", ".join(sorted(self.tables)) or _("(nessuno)"),
                        },
                    )
                elif token not in tables:
                    tables.append(token)
            row["tables"] = sorted(tables)
        for kind in KINDS:
            for row in self.rows[kind]:
                row.pop("_table", None)
        self.plan.rows = self.rows


# Values of cells -----------------------------------------------------------------------------


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, Decimal):
        if raw == raw.to_integral_value():
            return str(int(raw))
        return format(raw.normalize(), "f")
    return str(raw)


def _shown_date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _date(raw):
    invalid = _("Data non valida «%(value)s»: scrivi una data come 31/01/2019.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, datetime.datetime):
        if raw.time() != datetime.time(0, 0):
            return None, invalid % {"value": raw.strftime("%d/%m/%Y %H:%M")}
        return raw.date(), None
    if isinstance(raw, datetime.date):
        return raw, None
    text = _text(raw).strip()
    match = _DATE_TEXT.fullmatch(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day), None
        return datetime.date.fromisoformat(text), None
    except ValueError:
        return None, invalid % {"value": text[:40]}


def _money(raw):
    invalid = _("Importo non valido «%(value)s»: scrivi un numero in euro, ad esempio 12500,50.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, datetime.date):
        return None, invalid % {"value": _shown_date(raw)}
    if isinstance(raw, int | Decimal):
        amount = Decimal(raw)
    elif isinstance(raw, float):
        amount = Decimal(repr(raw))
    else:
        text = str(raw).replace("€", "").replace("EUR", "").replace("\u00a0", "").strip()
        text = text.replace(" ", "").replace("'", "")
        if "," in text:  # Italian: 12.500,50
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS.fullmatch(text):  # 12.500
            text = text.replace(".", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return None, invalid % {"value": str(raw)[:40]}
    if not amount.is_finite():
        return None, invalid % {"value": str(raw)[:40]}
    if amount < 0:
        return None, _("Le risorse non possono essere negative.")
    if amount > MAX_BUDGET:
        return None, _("Importo troppo alto: al massimo %(max)s euro.") % {"max": MAX_BUDGET}
    if amount != amount.quantize(Decimal("0.01")):
        return None, _("Le risorse si scrivono in euro con al massimo due decimali.")
    return amount.quantize(Decimal("0.01")), None


# The changes ---------------------------------------------------------------------------------

FIELDS = {
    "policy": ("code", "title", "description"),
    "area": ("code", "policy", "title", "description"),
    "action": (
        "code",
        "area",
        "title",
        "description",
        "tools",
        "targets",
        "zones",
        "tables",
        "lead_body",
        "partners",
        "start_date",
        "end_date",
        "budget",
        "indicators",
    ),
    "tool": ("code", "name", "description"),
    "target": ("code", "name", "description"),
}
LONG_TEXT = 120


def _title(kind: str, item: dict) -> str:
    return item["name"] if kind in ("tool", "target") else item["title"]


class _Names:
    """How the preview names the values of a field: parents and catalogue entries by code and
    title (as they are now for the old value, as the file has them for the new one), zones and
    tables by name."""

    def __init__(self, plan: ImportPlan, context: _Context):
        self.old = {kind: plan.current[kind] for kind in KINDS}
        self.new = {kind: {row["key"]: row for row in context.rows[kind]} for kind in KINDS}
        self.zones = context.zones
        self.tables = context.tables
        self.labels = {
            kind: {
                name: capfirst(str(MODELS[kind]._meta.get_field(name).verbose_name))
                for name in FIELDS[kind]
            }
            for kind in KINDS
        }

    def item(self, kind: str, key: str, newer: bool) -> str:
        item = (self.new if newer else self.old)[kind].get(key) or self.old[kind].get(key)
        return f"{item['code']} {_title(kind, item)}" if item else "?"

    def shown(self, kind: str, name: str, value, newer: bool) -> str:
        if value in (None, "", []):
            return "—"
        if name in ("policy", "area"):
            return self.item(name, value, newer)
        if name in ("tools", "targets"):
            entry_kind = name[:-1]
            return "; ".join(self.item(entry_kind, key, newer) for key in value)
        if name == "zones":
            return "; ".join(f"{n} {self.zones.get(n, '')}".strip() for n in value)
        if name == "tables":
            return "; ".join(self.tables.get(slug, slug) for slug in value)
        if isinstance(value, datetime.date):
            return date_format(value, "j E Y")
        if isinstance(value, Decimal):
            return f"{number_format(value, 2, force_grouping=True)} €"
        return str(value)


def _comparable(name: str, value):
    """A value compared across the draft and the file: lists as sets (the order of tools and
    targets is the catalogue's, of zones and tables their number and name), empty text as
    nothing."""
    if name in ("tools", "targets", "zones", "tables"):
        return frozenset(value or ())
    if value == "":
        return None
    return value


def _changes(plan: ImportPlan, context: _Context) -> list[KindChanges]:
    names = _Names(plan, context)
    result = []
    for layout in (POLICIES, AREAS, ACTIONS, TOOLS, TARGETS):
        kind = layout.kind
        label = capfirst(str(MODELS[kind]._meta.verbose_name_plural))
        changes = KindChanges(kind, label, layout.sheet)
        current = plan.current[kind]
        in_file = set()
        for row in context.rows[kind]:
            key = row["key"]
            in_file.add(key)
            old = current.get(key)
            if old is None:
                changes.added.append(
                    ItemChange(
                        kind,
                        key,
                        row["code"],
                        _title(kind, row),
                        "added",
                        row=row["row"],
                        fields=[
                            FieldChange(names.labels[kind][name], "", shown)
                            for name in FIELDS[kind]
                            if name not in ("code", "title", "name")
                            and (shown := names.shown(kind, name, row[name], True)) != "—"
                        ],
                    )
                )
                continue
            fields = []
            for name in FIELDS[kind]:
                before, after = _comparable(name, old[name]), _comparable(name, row[name])
                if name in ("policy", "area"):  # the same parent, even if it changes code
                    before, after = old[name], row[name]
                if before == after:
                    continue
                shown_old = names.shown(kind, name, old[name], False)
                shown_new = names.shown(kind, name, row[name], True)
                fields.append(
                    FieldChange(
                        names.labels[kind][name],
                        shown_old,
                        shown_new,
                        long=len(shown_old) + len(shown_new) > LONG_TEXT,
                    )
                )
            if fields:
                changes.changed.append(
                    ItemChange(
                        kind, key, row["code"], _title(kind, row), "changed", row["row"], fields
                    )
                )
            else:
                changes.unchanged += 1
        for key, old in current.items():
            if key not in in_file:
                changes.removed.append(
                    ItemChange(
                        kind,
                        key,
                        old["code"],
                        _title(kind, old),
                        "removed",
                        fields=[
                            FieldChange(names.labels[kind][name], shown, "")
                            for name in FIELDS[kind]
                            if name not in ("code", "title", "name")
                            and (shown := names.shown(kind, name, old[name], False)) != "—"
                        ],
                    )
                )
        result.append(changes)
    return result
