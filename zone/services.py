"""Writes to the territory: importing the official membership of the comuni in the zone omogenee
of the Città Metropolitana di Torino. The reference data shipped with the project is loaded by
``zone.reference_data``; the spreadsheet is read and checked by ``zone.spreadsheet``.

``import_zone_membership`` is atomic and validates every row of the file before writing anything:
a file with even one bad row changes nothing, and the error lists every bad row with the row
number the operator sees in the spreadsheet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from patto.cache.pages import content_changed
from patto.core.articles import article_before_number
from patto.core.permissions import require_redazione
from zone.geometry import zone_shape
from zone.models import MembershipImport, Municipality, Zone
from zone.spreadsheet import (
    MembershipImportError,
    is_valid_source,
    parse_rows,
    read_membership_content,
    read_membership_file,
    rows_from_dicts,
)


@dataclass(frozen=True)
class MembershipChange:
    municipality: Municipality
    old_zone: Zone | None
    new_zone: Zone


@dataclass
class MembershipImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    moved: list[MembershipChange] = field(default_factory=list)
    assigned: list[MembershipChange] = field(default_factory=list)
    unchanged: int = 0
    source_updated: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.moved) + len(self.assigned) + self.unchanged


@transaction.atomic
def import_zone_membership(
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    path: Path | str | None = None,
    content: bytes | None = None,
    file_name: str = "",
    source_url: str = "",
    dry_run: bool = False,
) -> MembershipImportResult:
    """Apply the official list "Elenco Comuni per Zona omogenea" of the Città Metropolitana di
    Torino: put each comune listed in the zone the list gives it.

    Give either ``path`` (an .ods file, whose first sheet is read, or a .csv export of it),
    ``content`` (the bytes of such a file, with its ``file_name``) or ``rows`` (dicts keyed by
    column header, the first one being spreadsheet row 2). The header
    row needs a zone column and a comune column:

    - zone: "zona", "zona_n", "numero zona", "zona omogenea", "nome zona", ... holding a number
      ("2"), a name ("AMT Ovest", "Area Metropolitana Torino Ovest") or both ("Zona 2 - AMT
      Ovest"); with several zone columns, each one filled in must name the same zone;
    - comune: "codice istat"/"istat" (six digits; leading zeros lost by a spreadsheet are
      restored) and/or "comune"/"denominazione" (matched ignoring case, accents and
      apostrophes); when both are given they must agree.

    Only comuni of the Città Metropolitana are accepted; comuni not listed keep their zone. An
    optional "fonte" column gives each row's source; otherwise the source is ``source_url``,
    or the zone's own source page (where the Città Metropolitana publishes the list).

    Every row is checked first; if any is wrong (unknown comune or zone, comune listed twice,
    missing cells, malformed ISTAT code, ambiguous name) ``MembershipImportError`` lists them
    all with their row numbers and nothing is written. With ``dry_run`` nothing is written
    either, and the result says what would change.
    """
    # bulk writes send no model signals: the cached public pages go out of date here
    content_changed()
    if [rows is None, path is None, content is None].count(False) != 1:
        raise ValueError("Pass exactly one of rows=, path= and content=.")
    if source_url and not is_valid_source(source_url):
        raise MembershipImportError(
            [_("Fonte non valida «%(value)s»: serve un indirizzo web.") % {"value": source_url}]
        )
    if path is not None:
        sheet = read_membership_file(Path(path))
    elif content is not None:
        sheet = read_membership_content(content, file_name)
    else:
        sheet = rows_from_dicts(rows)
    matched, errors = parse_rows(sheet, lock=not dry_run)
    if errors:
        raise MembershipImportError(errors)

    zones = Zone.objects.in_bulk()
    result = MembershipImportResult(dry_run=dry_run)
    to_update = []
    for zone, municipality, row_source in matched:
        source = row_source or source_url or zone.source_url
        change = MembershipChange(municipality, zones.get(municipality.zone_id), zone)
        if municipality.zone_id is None:
            result.assigned.append(change)
        elif municipality.zone_id != zone.pk:
            result.moved.append(change)
        else:
            result.unchanged += 1
            if municipality.zone_source != source:
                result.source_updated += 1
            elif municipality.zone_origin == Municipality.ZoneOrigin.OFFICIAL:
                continue
        to_update.append((municipality, zone, source))

    if not dry_run and to_update:
        Municipality.objects.bulk_update(
            [
                Municipality(
                    pk=municipality.pk,
                    zone_id=zone.pk,
                    zone_source=source,
                    zone_origin=Municipality.ZoneOrigin.OFFICIAL,
                )
                for municipality, zone, source in to_update
            ],
            ["zone", "zone_source", "zone_origin"],
        )
        update_zone_shapes()
    return result


@transaction.atomic
def update_zone_shapes() -> int:
    """Draw each zone on the map as the union of its comuni's shapes, as they are now (the
    loader of the reference data and the import of the official list call this after every
    change of membership). Writes only the zones whose shape changed and returns how many; a
    zone with no comune drawn gets no shape. Two queries, plus one per changed zone."""
    paths: dict[int, list[str]] = {}
    for zone_id, path in Municipality.objects.filter(zone__isnull=False).values_list(
        "zone_id", "map_path"
    ):
        paths.setdefault(zone_id, []).append(path)
    changed = []
    for zone in Zone.objects.only("pk", "map_path", "map_x", "map_y"):
        shape = zone_shape(paths.get(zone.pk, []))
        values = (shape.path, shape.x, shape.y) if shape else ("", None, None)
        if (zone.map_path, zone.map_x, zone.map_y) != values:
            zone.map_path, zone.map_x, zone.map_y = values
            changed.append(zone)
    if changed:
        Zone.objects.bulk_update(changed, ["map_path", "map_x", "map_y"])
    return len(changed)


# The official list uploaded by the redazione in the staff area: read and previewed first, applied
# once confirmed, through ``import_zone_membership`` like the management command.


class StaleMembershipImportError(ValidationError):
    """The upload cannot be confirmed any more: it was already applied or replaced, or the
    zones of the comuni changed since its preview."""


def membership_state() -> str:
    """A fingerprint of the zone of every comune of the Città Metropolitana (and of where it
    comes from): it changes whenever an import or the reference data moves one. One query."""
    digest = hashlib.sha256()
    rows = (
        Municipality.objects.filter(province__is_metropolitan_city=True)
        .order_by("istat_code")
        .values_list("istat_code", "zone_id", "zone_source", "zone_origin")
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


@transaction.atomic
def start_membership_import(
    *, by, content: bytes, file_name: str, source_url: str = ""
) -> tuple[MembershipImportResult, MembershipImport]:
    """Read an uploaded official list and keep it for its preview. Raises
    ``MembershipImportError`` with every problem (row by row) and keeps nothing when the file
    cannot be applied; otherwise returns what it would change and the stored upload. Earlier
    uploads of the same person still pending are discarded (their files dropped)."""
    require_redazione(by)
    result = import_zone_membership(
        content=content, file_name=file_name, source_url=source_url, dry_run=True
    )
    MembershipImport.objects.filter(uploaded_by=by, status=MembershipImport.Status.PENDING).update(
        status=MembershipImport.Status.DISCARDED, content=b""
    )
    upload = MembershipImport.objects.create(
        uploaded_by=by,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        source_url=source_url,
        membership_state=membership_state(),
        content=content,
    )
    return result, upload


def preview_membership_import(upload: MembershipImport) -> tuple[MembershipImportResult, bool]:
    """What the stored upload would change now, and whether the memberships are still those it
    was read against (``False``: confirming it will be refused)."""
    result = import_zone_membership(
        content=bytes(upload.content),
        file_name=upload.file_name,
        source_url=upload.source_url,
        dry_run=True,
    )
    return result, upload.membership_state == membership_state()


@transaction.atomic
def confirm_membership_import(
    *, upload: MembershipImport, by, sha256: str, state: str
) -> MembershipImportResult:
    """Apply the upload its preview showed, recording ``by`` (any member of the redazione, not
    only the uploader) as the one who confirmed. ``sha256`` and ``state`` are those the preview
    page was rendered with: a preview of another file, of memberships changed since, or an upload
    already applied or replaced is refused with ``StaleMembershipImportError`` and nothing is
    written."""
    require_redazione(by)
    upload = MembershipImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status == MembershipImport.Status.APPLIED:
        raise StaleMembershipImportError(
            _("Questo file è già stato caricato %(on)s%(date)s: non serve confermarlo di nuovo.")
            % {
                "on": article_before_number(upload.applied_at, "il"),
                "date": date_format(timezone.localtime(upload.applied_at), "j E Y, H:i"),
            }
        )
    if upload.status == MembershipImport.Status.DISCARDED:
        raise StaleMembershipImportError(
            _(
                "Dopo questo file ne è stato caricato un altro: conferma l'anteprima del file "
                "più recente."
            )
        )
    if sha256 != upload.sha256 or state != upload.membership_state:
        raise StaleMembershipImportError(
            _("L'anteprima non corrisponde a questo file: ricarica la pagina e controllala.")
        )
    if membership_state() != upload.membership_state:
        raise StaleMembershipImportError(
            _(
                "Le zone dei comuni sono cambiate dopo l'anteprima (un altro caricamento o i dati "
                "di riferimento): carica di nuovo il file per vedere cosa cambierebbe ora."
            )
        )
    result = import_zone_membership(
        content=bytes(upload.content), file_name=upload.file_name, source_url=upload.source_url
    )
    upload.status = MembershipImport.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.applied_by = by
    upload.content = b""
    upload.save(update_fields=["status", "applied_at", "applied_by", "content"])
    return result
