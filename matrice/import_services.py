"""Importing a spreadsheet into a draft, in two steps:

- ``start_import`` reads the file (``matrice.sheet_import.plan_import``); when it has no
  problem, it keeps the file with its SHA-256 and the state of the draft (``draft_state``) for
  the preview, and writes nothing else;
- ``confirm_import``, once the person has looked at the preview, checks that the file and the
  draft are still those of the preview, reads the file again against the locked draft and applies
  every change through ``matrice.services`` (the same checks, locks and history as edits made by
  hand, with the reason "importato da foglio di calcolo"), in one transaction: everything or
  nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice import services
from matrice.models import SpreadsheetImport
from matrice.services import CODE_PATTERN
from matrice.sheet_import import FIELDS, KINDS, MODELS, NEW_KEY, ImportPlan, plan_import
from patto.core.exceptions import FrozenVersionError
from patto.core.history import change_reason
from patto.core.permissions import require_redazione
from patto.models import PlanVersion
from tavoli.models import ThematicTable
from zone.models import Zone

CHANGE_REASON = "importato da foglio di calcolo"
# an upload nobody confirmed is dropped after this long
PENDING_FOR = timedelta(days=2)


class StaleImportError(ValidationError):
    """The preview no longer says what confirming would do: another file was uploaded since,
    this one was imported already, or somebody changed the draft."""

    def __init__(self, message: str):
        super().__init__(message, code="stale_import")


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    changed: int
    removed: int


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def draft_state(version: PlanVersion) -> str:
    """A fingerprint of the draft's items as they are: the id, revision and place of each.
    Anyone saving, adding, removing or moving an item changes it. Five queries."""
    digest = hashlib.sha256(str(version.pk).encode())
    for kind in KINDS:
        rows = (
            MODELS[kind]
            .objects.filter(version=version)
            .order_by("pk")
            .values_list("pk", "revision", "position")
        )
        digest.update(f"|{kind}:".encode())
        digest.update(
            ",".join(f"{pk}.{revision}.{position}" for pk, revision, position in rows).encode()
        )
    return digest.hexdigest()


def _locked_draft(version_id: int) -> PlanVersion:
    version = PlanVersion.objects.select_for_update().select_related("programme").get(pk=version_id)
    if version.is_frozen:
        raise FrozenVersionError(version)
    return version


def start_import(
    *, version: PlanVersion, by, content: bytes, file_name: str
) -> tuple[ImportPlan, SpreadsheetImport | None]:
    """Read ``content`` against the draft ``version``: the plan, and the stored upload waiting
    for confirmation (None when the file has problems: then nothing is stored). The same
    person's earlier uploads for this draft are dropped, as are uploads nobody confirmed in
    ``PENDING_FOR``."""
    require_redazione(by)
    with transaction.atomic():
        version = _locked_draft(version.pk)  # nobody edits the draft while it is read
        plan = plan_import(version, content)
        if not plan.is_valid:
            return plan, None
        now = timezone.now()
        SpreadsheetImport.objects.filter(status=SpreadsheetImport.Status.PENDING).filter(
            version=version, uploaded_by=by
        ).update(status=SpreadsheetImport.Status.DISCARDED, content=b"")
        SpreadsheetImport.objects.filter(
            status=SpreadsheetImport.Status.PENDING, uploaded_at__lt=now - PENDING_FOR
        ).update(status=SpreadsheetImport.Status.DISCARDED, content=b"")
        upload = SpreadsheetImport.objects.create(
            version=version,
            uploaded_by=by,
            file_name=PurePath(file_name or "foglio").name[:255],
            file_format=plan.file_format,
            sha256=file_hash(content),
            draft_state=draft_state(version),
            content=content,
        )
    return plan, upload


def preview(upload: SpreadsheetImport) -> tuple[ImportPlan, bool]:
    """What confirming ``upload`` would do to its draft now, and whether the draft is still as
    it was when the file was read (if not, the upload cannot be confirmed)."""
    version = upload.version
    plan = plan_import(version, bytes(upload.content))
    return plan, draft_state(version) == upload.draft_state


@transaction.atomic
def confirm_import(*, upload: SpreadsheetImport, by, sha256: str, state: str) -> ImportOutcome:
    """Apply the upload whose preview showed the file ``sha256`` against the draft in state
    ``state``. Refused (``StaleImportError``, nothing written) when the upload was replaced or
    imported already, when the file or the draft is not the one of the preview; a frozen
    version raises ``FrozenVersionError``."""
    require_redazione(by)
    version = _locked_draft(upload.version_id)
    upload = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status == SpreadsheetImport.Status.APPLIED:
        raise StaleImportError(_("Questo file è già stato importato."))
    if upload.status != SpreadsheetImport.Status.PENDING:
        raise StaleImportError(
            _(
                "Questa anteprima non vale più: dopo hai caricato un altro file. Conferma "
                "l'anteprima più recente o carica di nuovo il file."
            )
        )
    if sha256 != upload.sha256:
        raise StaleImportError(
            _(
                "Il file non è quello dell'anteprima che hai visto: carica di nuovo il file e "
                "controlla l'anteprima."
            )
        )
    if state != upload.draft_state or draft_state(version) != upload.draft_state:
        raise StaleImportError(
            _(
                "La bozza è cambiata dopo l'anteprima (qualcuno l'ha modificata): niente è stato "
                "importato. Carica di nuovo il file per vedere un'anteprima aggiornata."
            )
        )
    plan = plan_import(version, bytes(upload.content))
    if not plan.is_valid:  # the file was read without problems a moment ago
        raise ValidationError([problem.message for problem in plan.problems])
    with change_reason(f"{CHANGE_REASON} ({upload.file_name})"):
        _apply(plan, version, by)
    upload.status = SpreadsheetImport.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.content = b""
    upload.save(update_fields=["status", "applied_at", "content"])
    return ImportOutcome(
        added=sum(len(kind.added) for kind in plan.kinds),
        changed=sum(len(kind.changed) for kind in plan.kinds),
        removed=sum(len(kind.removed) for kind in plan.kinds),
    )


# Applying a plan -----------------------------------------------------------------------------

CREATE = {
    "policy": services.create_policy,
    "area": services.create_area,
    "action": services.create_action,
    "tool": services.create_tool,
    "target": services.create_target,
}
UPDATE = {
    "policy": services.update_policy,
    "area": services.update_area,
    "action": services.update_action,
    "tool": services.update_tool,
    "target": services.update_target,
}
DELETE = {
    "policy": services.delete_policy,
    "area": services.delete_area,
    "action": services.delete_action,
    "tool": services.delete_tool,
    "target": services.delete_target,
}


class _Applier:
    def __init__(self, plan: ImportPlan, version: PlanVersion, by):
        self.plan, self.version, self.by = plan, version, by
        self.items = {
            kind: {str(item.key): item for item in MODELS[kind].objects.filter(version=version)}
            for kind in KINDS
        }
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        self.tables = {
            table.slug: table
            for table in ThematicTable.objects.filter(programme_id=version.programme_id)
        }

    def kwargs(self, kind: str, values: dict) -> dict:
        """The service's keyword arguments for ``values`` (a row of the file, or an item of
        the draft as it is), with parents, tools, targets, zones and tables as objects."""
        kwargs = {}
        for name in FIELDS[kind]:
            value = values[name]
            if name == "policy":
                value = self.items["policy"][value]
            elif name == "area":
                value = self.items["area"][value]
            elif name in ("tools", "targets"):
                value = [self.items[name[:-1]][key] for key in value]
            elif name == "zones":
                value = [self.zones[number] for number in value]
            elif name == "tables":
                value = [self.tables[slug] for slug in value]
            elif value is None and name not in ("start_date", "end_date", "budget"):
                value = ""
            kwargs[name] = value
        return kwargs

    def update(self, kind: str, key: str, values: dict) -> None:
        item = self.items[kind][key]
        self.items[kind][key] = UPDATE[kind](
            **{kind: item}, by=self.by, revision=item.revision, **self.kwargs(kind, values)
        )

    def run(self) -> None:
        plan = self.plan
        rows = {kind: {row["key"]: row for row in plan.rows[kind]} for kind in KINDS}
        changed = {kind: {c.key for c in plan.changes(kind).changed} for kind in KINDS}
        removed = {kind: [c.key for c in plan.changes(kind).removed] for kind in KINDS}
        order = ("tool", "target", "policy", "area", "action")

        # 1. A code the file gives to an item is held now by another item that will change
        # its code or go: that one gets a temporary code first (codes are unique at every
        # step, as the services check).
        renamed = {kind: set() for kind in KINDS}
        for kind in order:
            wanted = {row["code"] for row in plan.rows[kind]}
            used = {item.code for item in self.items[kind].values()} | wanted
            for key, current in plan.current[kind].items():
                final = rows[kind].get(key)
                if current["code"] in wanted and (
                    final is None or final["code"] != current["code"]
                ):
                    values = {**current, "code": _temporary_code(used)}
                    self.update(kind, key, values)
                    renamed[kind].add(key)

        # 2. New items, then changed ones, kind by kind: parents before their children, the
        # catalogues before the actions that use them.
        for kind in order:
            for key, row in rows[kind].items():
                if key.startswith(NEW_KEY):
                    self.items[kind][key] = CREATE[kind](
                        version=self.version, by=self.by, **self.kwargs(kind, row)
                    )
                elif key in changed[kind] or key in renamed[kind]:
                    self.update(kind, key, row)

        # 3. Removals: actions, then areas, then policies (their children that stay have
        # moved by now), then the catalogue entries nothing uses any more.
        for kind in ("action", "area", "policy", "tool", "target"):
            for key in removed[kind]:
                item = type(self.items[kind][key])._base_manager.get(pk=self.items[kind][key].pk)
                DELETE[kind](**{kind: item}, by=self.by, revision=item.revision)


def _apply(plan: ImportPlan, version: PlanVersion, by) -> None:
    _Applier(plan, version, by).run()


def _temporary_code(used: set[str]) -> str:
    while True:
        code = f"tmp-{secrets.token_hex(4)}"
        if code not in used and CODE_PATTERN.fullmatch(code):
            used.add(code)
            return code
