"""The reference data shipped with the project in ``data/``: the provinces of Piemonte, their
comuni, the zone omogenee of the Città Metropolitana di Torino and the zone memberships that are
publicly known, loaded by ``load_reference_data`` (the ``load_reference_data`` command, the demo
and the deploy run it).

The loader is atomic and idempotent, and it never undoes a membership that an operator has
imported from the official spreadsheet (``zone.services.import_zone_membership``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from patto.cache.pages import content_changed
from zone.geometry import GEO_FILE, read_boundaries
from zone.models import Municipality, Province, Zone, search_key
from zone.services import update_zone_shapes
from zone.topojson import TopoJSONError

PROVINCES_FILE = "province_piemonte.csv"
MUNICIPALITIES_FILE = "comuni_piemonte.csv"
ZONES_FILE = "zone_omogenee_torino.csv"
MEMBERSHIP_FILE = "zone_omogenee_torino_membership.csv"


class ReferenceDataError(ValidationError):
    """The reference data files are missing or inconsistent."""


def _read_reference_csv(data_dir: Path, name: str, columns: set[str]) -> list[dict[str, str]]:
    path = data_dir / name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = columns - set(reader.fieldnames or [])
            if missing:
                raise ReferenceDataError(
                    _("Il file %(file)s non ha le colonne: %(columns)s.")
                    % {"file": path, "columns": ", ".join(sorted(missing))}
                )
            return [{key: (value or "").strip() for key, value in row.items()} for row in reader]
    except OSError as error:
        raise ReferenceDataError(
            _("Impossibile leggere il file %(file)s: %(error)s.") % {"file": path, "error": error}
        ) from error


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def _sync(
    model: type[models.Model],
    existing: dict[Any, models.Model],
    wanted: dict[Any, dict[str, Any]],
) -> dict[str, int]:
    """Create or update rows of ``model`` so that each key of ``wanted`` has those field values.

    ``existing`` maps the same keys to the rows already in the database. Only rows whose values
    differ are written, in bulk; rows not in ``wanted`` are left alone."""
    to_create, to_update, changed_fields = [], [], set()
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = {name for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            to_update.append(obj)
            changed_fields |= changed
    if to_create:
        model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(wanted) - len(to_create) - len(to_update),
    }


@transaction.atomic
def load_reference_data(*, data_dir: Path) -> dict[str, dict[str, int]]:
    """Load the provinces, comuni, zone omogenee and known zone memberships from ``data_dir``.

    Idempotent: a second run writes nothing and reports zero created and updated rows. Returns,
    for each of ``provinces``, ``zones``, ``municipalities`` and ``memberships``, how many rows
    were ``created``, ``updated`` and left ``unchanged``; and under ``boundaries`` what the map
    got from ``data/geo/``: how many geometries were ``read``, how many comuni of the Città
    Metropolitana are ``drawn``, which ones are ``not_drawn`` and which comuni of Piemonte are
    ``missing`` from the file ("name (ISTAT)"), and how many zones' shapes were updated
    (``zones_updated``). Each comune's shape on the map is stored with it, and each zone's is
    the union of its comuni's (``zone.services.update_zone_shapes``).

    Memberships never undo the official list: a comune with no zone gets the zone of the
    reference file and its ``fonte`` (``created``); a comune whose zone came from the reference
    data follows the file, so a newer copy of ``data/`` brings its sources along (``updated``);
    a comune whose zone came from the official spreadsheet (``import_zone_membership``), or an
    older one in a different zone, keeps it (``kept``), so re-running this loader at deploy
    time never undoes the official spreadsheet. Comuni the file does not name keep their zone.
    """
    # bulk writes send no model signals: the cached public pages go out of date here
    content_changed()
    data_dir = Path(data_dir)
    counts: dict[str, dict[str, int]] = {}

    # Provinces.
    rows = _read_reference_csv(
        data_dir, PROVINCES_FILE, {"istat", "provincia", "sigla", "citta_metropolitana"}
    )
    wanted = {
        row["istat"]: {
            "istat_code": row["istat"],
            "name": row["provincia"],
            "abbreviation": row["sigla"],
            "is_metropolitan_city": row["citta_metropolitana"].casefold() in {"si", "sì", "1"},
        }
        for row in rows
    }
    counts["provinces"] = _sync(Province, {p.istat_code: p for p in Province.objects.all()}, wanted)
    provinces = {p.istat_code: p for p in Province.objects.all()}
    metropolitan = [p for p in provinces.values() if p.is_metropolitan_city]
    if len(metropolitan) != 1:
        raise ReferenceDataError(
            _("Il file %(file)s deve indicare esattamente una città metropolitana.")
            % {"file": data_dir / PROVINCES_FILE}
        )

    # Zone omogenee: all of them belong to the Città Metropolitana.
    rows = _read_reference_csv(
        data_dir, ZONES_FILE, {"numero", "nome", "nome_esteso", "comuni_2015", "fonte"}
    )
    wanted = {
        int(row["numero"]): {
            "number": int(row["numero"]),
            "name": row["nome"],
            "full_name": row["nome_esteso"],
            "province_id": metropolitan[0].pk,
            "municipality_count_2015": _int_or_none(row["comuni_2015"]),
            # today's count, where a source states it (optional columns: older copies lack them)
            "municipality_count": _int_or_none(row.get("comuni_oggi", "")),
            "municipality_count_source": row.get("fonte_comuni_oggi", ""),
            "source_url": row["fonte"],
        }
        for row in rows
    }
    counts["zones"] = _sync(Zone, {z.number: z for z in Zone.objects.all()}, wanted)
    zones = {z.number: z for z in Zone.objects.all()}

    # Comuni. bulk_create and bulk_update skip Municipality.save(), so search_name is set here.
    rows = _read_reference_csv(
        data_dir, MUNICIPALITIES_FILE, {"istat", "comune", "provincia_istat", "popolazione_2011"}
    )
    boundaries = _read_boundaries(data_dir)
    municipality_rows = rows
    wanted = {}
    for row in rows:
        province = provinces.get(row["provincia_istat"])
        if province is None:
            raise ReferenceDataError(
                _("Il comune %(name)s (%(istat)s) ha una provincia sconosciuta: %(province)s.")
                % {"name": row["comune"], "istat": row["istat"], "province": row["provincia_istat"]}
            )
        wanted[row["istat"]] = {
            "istat_code": row["istat"],
            "name": row["comune"],
            "search_name": search_key(row["comune"]),
            "province_id": province.pk,
            "population_2011": _int_or_none(row["popolazione_2011"]),
            **_map_fields(boundaries.shapes.get(row["istat"])),
        }
    existing = {m.istat_code: m for m in Municipality.objects.all()}
    counts["municipalities"] = _sync(Municipality, existing, wanted)

    # Known memberships.
    rows = _read_reference_csv(data_dir, MEMBERSHIP_FILE, {"zona_n", "istat", "fonte"})
    municipalities = {
        m.istat_code: m
        for m in Municipality.objects.only(
            "id", "istat_code", "zone_id", "zone_source", "zone_origin"
        )
    }
    membership = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
    to_update, seen = [], set()
    for row in rows:
        municipality = municipalities.get(row["istat"])
        zone = zones.get(int(row["zona_n"])) if row["zona_n"].isdigit() else None
        if municipality is None or zone is None or row["istat"] in seen:
            raise ReferenceDataError(
                _(
                    "Il file %(file)s assegna il comune %(istat)s alla zona %(zone)s: "
                    "comune o zona sconosciuti, o comune ripetuto."
                )
                % {"file": data_dir / MEMBERSHIP_FILE, "istat": row["istat"], "zone": row["zona_n"]}
            )
        seen.add(row["istat"])
        values = {
            "zone_id": zone.pk,
            "zone_source": row["fonte"],
            "zone_origin": Municipality.ZoneOrigin.REFERENCE,
        }
        if municipality.zone_id is None:
            membership["created"] += 1
        elif municipality.zone_origin == Municipality.ZoneOrigin.OFFICIAL or (
            # recorded before the origin was: a different zone can only be the official list's
            not municipality.zone_origin and municipality.zone_id != zone.pk
        ):
            membership["kept"] += 1
            continue
        elif all(getattr(municipality, name) == value for name, value in values.items()):
            membership["unchanged"] += 1
            continue
        else:
            membership["updated"] += 1
        for name, value in values.items():
            setattr(municipality, name, value)
        to_update.append(municipality)
    if to_update:
        Municipality.objects.bulk_update(to_update, ["zone", "zone_source", "zone_origin"])
    counts["memberships"] = membership

    # The map: the comuni's shapes were written above; the zones' are their union.
    metro_rows = [
        row for row in municipality_rows if provinces[row["provincia_istat"]].is_metropolitan_city
    ]
    counts["boundaries"] = {
        "read": boundaries.read,
        "drawn": sum(1 for row in metro_rows if row["istat"] in boundaries.shapes),
        "not_drawn": [
            f"{row['comune']} ({row['istat']})"
            for row in metro_rows
            if row["istat"] not in boundaries.shapes
        ],
        "missing": [
            f"{row['comune']} ({row['istat']})"
            for row in municipality_rows
            if row["istat"] not in boundaries.present
        ],
        "zones_updated": update_zone_shapes(),
    }
    return counts


def _read_boundaries(data_dir: Path):
    path = data_dir / GEO_FILE
    try:
        return read_boundaries(path)
    except (OSError, TopoJSONError) as error:
        raise ReferenceDataError(
            _("Impossibile leggere i confini dei comuni da %(file)s: %(error)s.")
            % {"file": path, "error": error}
        ) from error


def _map_fields(shape) -> dict[str, Any]:
    if shape is None:
        return {"map_path": "", "map_x": None, "map_y": None}
    return {"map_path": shape.path, "map_x": shape.x, "map_y": shape.y}
