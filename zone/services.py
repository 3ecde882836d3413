"""Writes to the territory: importing the official membership of the comuni in the zone omogenee
of the Città Metropolitana di Torino. The reference data shipped with the project is loaded by
``zone.reference_data``; the spreadsheet is read and checked by ``zone.spreadsheet``.

``import_zone_membership`` is atomic and validates every row of the file before writing anything:
a file with even one bad row changes nothing, and the error lists every bad row with the row
number the operator sees in the spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from patto.cache.pages import content_changed
from zone.models import Municipality, Zone
from zone.spreadsheet import (
    MembershipImportError,
    is_valid_source,
    parse_rows,
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
    source_url: str = "",
    dry_run: bool = False,
) -> MembershipImportResult:
    """Apply the official list "Elenco Comuni per Zona omogenea" of the Città Metropolitana di
    Torino: put each comune listed in the zone the list gives it.

    Give either ``path`` (an .ods file, whose first sheet is read, or a .csv export of it) or
    ``rows`` (dicts keyed by column header, the first one being spreadsheet row 2). The header
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
    if (rows is None) == (path is None):
        raise ValueError("Pass exactly one of rows= and path=.")
    if source_url and not is_valid_source(source_url):
        raise MembershipImportError(
            [_("Fonte non valida «%(value)s»: serve un indirizzo web.") % {"value": source_url}]
        )
    sheet = read_membership_file(Path(path)) if path is not None else rows_from_dicts(rows)
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
            if municipality.zone_source == source:
                continue
            result.source_updated += 1
        to_update.append((municipality, zone, source))

    if not dry_run and to_update:
        Municipality.objects.bulk_update(
            [
                Municipality(pk=municipality.pk, zone_id=zone.pk, zone_source=source)
                for municipality, zone, source in to_update
            ],
            ["zone", "zone_source"],
        )
    return result
