"""A whole programme as one JSON document, and back (``manage.py export_programme`` /
``import_programme``).

The document holds the programme and its phases, its followers, tables with their member bodies,
meetings with their registrations, contributions with their comments and what became of them,
and every version with its content
(tools, targets, policies, action areas, actions with their links), keys, statuses,
fingerprints, PDF state, validations and remarks. Rows refer to each other by what identifies
them in the portal, never by database id: people by e-mail, zones by number, provinces and
comuni by ISTAT code, bodies by name, tables by slug, meetings by their iCalendar uid, versions
by number, the items of a version by their stable key. Files (PDFs, uploaded minutes) are named,
not embedded: they travel with the media files (see "Backup and restore" in the README).
Change history (django-simple-history) is not part of the document.

Every field of a model is written, so a field added later travels without a change here; a new
reference to a model this module cannot name makes the export fail loudly.

The import refuses a document that is not one of these, or that does not fit the database (a
programme with that slug already exists, a zone that is not there, a value out of range), with
a message that says where; it runs in one transaction, so a refused import stores nothing.
"""

import datetime
import decimal
import json
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from incontri.models import Meeting, Registration
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import (
    Follow,
    Phase,
    PlanVersion,
    Programme,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from tavoli.models import Body, Comment, Contribution, TableMembership, ThematicTable
from zone.models import Municipality, Province, Zone

FORMAT = "patto-programme"
FORMAT_VERSION = 1
CONTENT = [("tools", Tool), ("targets", Target), ("policies", Policy), ("areas", ActionArea)]
ACTION_LINKS = {"tools": "key", "targets": "key", "zones": "number", "tables": "slug"}


class ProgrammeImportError(ValidationError):
    """The document cannot be imported; nothing was stored."""


# Values -----------------------------------------------------------------------------------


def _value(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return value.name or ""
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _dump(obj, refs: dict, *, skip=()) -> dict:
    """Every concrete field of ``obj`` but its id and ``skip``; references through ``refs``
    (related model → function giving the reference)."""
    out = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        if field.is_relation:
            if getattr(obj, field.attname) is None:
                out[field.name] = None
                continue
            if field.related_model not in refs:
                raise LookupError(f"{obj._meta.label}.{field.name}: no reference for it")
            out[field.name] = refs[field.related_model](getattr(obj, field.name))
        else:
            out[field.name] = _value(field, field.value_from_object(obj))
    return out


def _build(model, data: dict, refs: dict, *, where: str, skip=(), **given):
    """An unsaved ``model`` from ``data`` (as written by ``_dump``), checked with
    ``full_clean``; ``given`` sets fields the caller knows (the parent)."""
    if not isinstance(data, dict):
        raise ProgrammeImportError(_("%(where)s: serve un oggetto JSON.") % {"where": where})
    obj = model(**given)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in given or field.name in skip:
            continue
        if field.name not in data:
            continue  # the model's default
        value = data[field.name]
        if field.is_relation:
            if value is None:
                setattr(obj, field.attname, None)
            else:
                setattr(obj, field.name, _resolve(refs, field.related_model, value, where))
        elif isinstance(field, models.FileField):
            setattr(obj, field.attname, value or "")
        else:
            try:
                setattr(obj, field.attname, field.to_python(value))
            except ValidationError as exc:
                raise _error(where, field.name, exc) from exc
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise _error(where, None, exc) from exc
    return obj


def _resolve(refs, model, value, where):
    try:
        return refs[model](value)
    except (ObjectDoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise ProgrammeImportError(
            _("%(where)s: riferimento non trovato a %(model)s «%(value)s».")
            % {"where": where, "model": model._meta.verbose_name, "value": value}
        ) from exc


def _error(where, field, exc: ValidationError) -> ProgrammeImportError:
    messages = [
        f"{where}{'.' + name if name != '__all__' else ''}: {message}"
        for name, errors in getattr(exc, "message_dict", {field or "__all__": exc.messages}).items()
        for message in errors
    ]
    return ProgrammeImportError(messages)


def _save(obj, data: dict):
    obj.save()
    _restore_auto_dates(obj, data)
    return obj


def _restore_auto_dates(obj, data: dict) -> None:
    """``auto_now``/``auto_now_add`` fields take the document's values, not today's."""
    values = {
        f.name: f.to_python(data[f.name])
        for f in obj._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.name in data
    }
    if values:
        type(obj)._base_manager.filter(pk=obj.pk).update(**values)


# Export -----------------------------------------------------------------------------------


def _email(user):
    return user.email


def export_programme(programme: Programme) -> dict:
    """The whole ``programme`` as a JSON-ready dict (keys and lists in a stable order)."""
    common = {
        get_user_model(): _email,
        Zone: lambda z: z.number,
        Province: lambda p: p.istat_code,
        Municipality: lambda m: m.istat_code,
        Programme: lambda p: p.slug,
        Phase: lambda p: p.position,
        PlanVersion: lambda v: v.number,
        ThematicTable: lambda t: t.slug,
        Body: lambda b: b.name,
        Meeting: lambda m: str(m.uid),
    }
    item = {**common, **{model: (lambda i: str(i.key)) for model in (Tool, Target, Policy)}}
    item[ActionArea] = lambda a: str(a.key)

    doc = {"format": FORMAT, "format_version": FORMAT_VERSION}
    doc["programme"] = _dump(programme, common)
    doc["programme"]["validating_zones"] = sorted(
        programme.validating_zones.values_list("number", flat=True)
    )
    doc["phases"] = [
        _dump(p, common, skip=["programme"]) for p in programme.phases.order_by("position", "pk")
    ]
    doc["followers"] = [
        _dump(f, common, skip=["programme"])
        for f in programme.followers.select_related("user").order_by("user__email")
    ]
    tables = list(programme.tables.order_by("slug"))
    bodies = Body.objects.filter(
        models.Q(memberships__table__programme=programme)
        | models.Q(contributions__programme=programme)
    ).distinct()
    doc["bodies"] = [_dump(b, common) for b in bodies.order_by("name")]
    doc["tables"] = []
    for table in tables:
        data = _dump(table, common, skip=["programme"])
        data["memberships"] = [
            _dump(m, common, skip=["table"]) for m in table.memberships.order_by("body__name", "pk")
        ]
        doc["tables"].append(data)
    doc["meetings"] = []
    for meeting in programme.meetings.order_by("uid"):
        data = _dump(meeting, common, skip=["programme"])
        data["tables"] = sorted(meeting.tables.values_list("slug", flat=True))
        data["registrations"] = [
            _dump(r, common, skip=["meeting"])
            for r in meeting.registrations.order_by("user__email", "pk")
        ]
        doc["meetings"].append(data)
    doc["versions"] = [_export_version(v, item) for v in programme.versions.order_by("number")]
    doc["contributions"] = []
    for contribution in programme.contributions.order_by("created_at", "title", "pk"):
        data = _dump(contribution, common, skip=["programme"])
        data["led_to"] = sorted(
            [a.version.number, str(a.key)] for a in contribution.led_to.select_related("version")
        )
        data["comments"] = [
            _dump(c, common, skip=["contribution"])
            for c in contribution.comments.order_by("created_at", "text", "pk")
        ]
        doc["contributions"].append(data)
    return doc


def _export_version(version: PlanVersion, refs: dict) -> dict:
    data = _dump(version, refs, skip=["programme"])
    for name, model in CONTENT:
        data[name] = [
            _dump(i, refs, skip=["version"])
            for i in model.objects.filter(version=version).order_by("key")
        ]
    data["actions"] = []
    actions = Action.objects.filter(version=version).prefetch_related(*ACTION_LINKS)
    for action in actions.order_by("key"):
        row = _dump(action, refs, skip=["version"])
        for link, attr in ACTION_LINKS.items():
            row[link] = sorted(str(getattr(x, attr)) for x in getattr(action, link).all())
        data["actions"].append(row)
    data["validations"] = []
    for validation in version.validations.order_by("zone__number"):
        row = _dump(validation, refs, skip=["version"])
        row["remarks"] = [
            _dump(r, refs, skip=["validation"])
            for r in validation.remarks.order_by("item_kind", "item_key", "text", "pk")
        ]
        data["validations"].append(row)
    return data


def dumps(doc: dict) -> str:
    """The document as text: sorted keys, indented, UTF-8 as is (a stable, diffable file)."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# Import -----------------------------------------------------------------------------------


def _user(email: str):
    if not isinstance(email, str) or "@" not in email:
        raise ValueError(email)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        user = get_user_model()(username=email[:150], email=email, is_active=True)
        user.set_unusable_password()
        user.save()
    return user


def _require(doc, key, kind, where):
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, kind):
        raise ProgrammeImportError(
            _("%(where)s: manca «%(key)s» (o non è del tipo giusto).")
            % {"where": where, "key": key}
        )
    return value


def import_programme(doc: Any) -> Programme:
    """Create the programme described by ``doc`` (as made by ``export_programme``). Raises
    ``ProgrammeImportError`` with what is wrong; nothing is stored then."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProgrammeImportError(
            _('Non è l\'esportazione di un programma di Patto (manca "format": "%(f)s").')
            % {"f": FORMAT}
        )
    if doc.get("format_version") != FORMAT_VERSION:
        raise ProgrammeImportError(
            _("Versione del formato non supportata: %(v)s (questo portale legge la %(ok)s).")
            % {"v": doc.get("format_version"), "ok": FORMAT_VERSION}
        )
    try:
        with transaction.atomic():
            return _import(doc)
    except ProgrammeImportError:
        raise
    except (DatabaseError, ValidationError, LookupError, TypeError, ValueError) as exc:
        raise ProgrammeImportError(
            _("Il documento non si può importare: %(error)s") % {"error": exc}
        ) from exc


def _import(doc: dict) -> Programme:
    pdata = _require(doc, "programme", dict, "programme")
    slug = _require(pdata, "slug", str, "programme")
    if Programme.objects.filter(slug=slug).exists():
        raise ProgrammeImportError(
            _("Esiste già un programma «%(slug)s»: l'importazione non sostituisce niente.")
            % {"slug": slug}
        )
    refs = {
        get_user_model(): _user,
        Zone: lambda n: Zone.objects.get(number=n),
        Province: lambda c: Province.objects.get(istat_code=c),
        Municipality: lambda c: Municipality.objects.get(istat_code=c),
    }
    programme = _save(_build(Programme, pdata, refs, where="programme"), pdata)
    zones = _require(pdata, "validating_zones", list, "programme")
    programme.validating_zones.set([_resolve(refs, Zone, n, "programme") for n in zones])
    refs[Programme] = lambda s: programme

    for i, data in enumerate(_require(doc, "followers", list, "")):
        _save(_build(Follow, data, refs, where=f"followers[{i}]", programme=programme), data)

    phases = {}
    for i, data in enumerate(_require(doc, "phases", list, "")):
        phase = _save(_build(Phase, data, refs, where=f"phases[{i}]", programme=programme), data)
        phases[phase.position] = phase
    refs[Phase] = phases.__getitem__

    for i, data in enumerate(_require(doc, "bodies", list, "")):
        name = _require(data, "name", str, f"bodies[{i}]")
        if not Body.objects.filter(name=name).exists():
            _save(_build(Body, data, refs, where=f"bodies[{i}]"), data)
    refs[Body] = lambda n: Body.objects.get(name=n)

    tables = {}
    for i, data in enumerate(_require(doc, "tables", list, "")):
        where = f"tables[{i}]"
        table = _save(_build(ThematicTable, data, refs, where=where, programme=programme), data)
        tables[table.slug] = table
        for j, mdata in enumerate(_require(data, "memberships", list, where)):
            _save(
                _build(
                    TableMembership, mdata, refs, where=f"{where}.memberships[{j}]", table=table
                ),
                mdata,
            )
    refs[ThematicTable] = tables.__getitem__

    meetings = {}
    for i, data in enumerate(_require(doc, "meetings", list, "")):
        where = f"meetings[{i}]"
        _refuse_taken_uid(data, where)
        meeting = _save(_build(Meeting, data, refs, where=where, programme=programme), data)
        meeting.tables.set([_resolve(refs, ThematicTable, s, where) for s in data["tables"]])
        meetings[str(meeting.uid)] = meeting
        for j, rdata in enumerate(_require(data, "registrations", list, where)):
            _save(
                _build(
                    Registration, rdata, refs, where=f"{where}.registrations[{j}]", meeting=meeting
                ),
                rdata,
            )
    refs[Meeting] = lambda uid: meetings[str(uid)]

    versions = _require(doc, "versions", list, "")
    by_number = {}
    refs[PlanVersion] = by_number.__getitem__
    # the draft last: a programme has one draft at a time, and each version is written as a
    # draft before it takes its real state
    order = sorted(
        range(len(versions)),
        key=lambda i: (versions[i].get("status") == VersionStatus.DRAFT, versions[i].get("number")),
    )
    for i in order:
        by_number_version = _import_version(versions[i], refs, programme, f"versions[{i}]")
        by_number[by_number_version.number] = by_number_version

    for i, data in enumerate(_require(doc, "contributions", list, "")):
        where = f"contributions[{i}]"
        contribution = _save(
            _build(Contribution, data, refs, where=where, programme=programme), data
        )
        actions = []
        for pair in _require(data, "led_to", list, where):
            try:
                number, key = pair
                actions.append(Action.objects.get(version=by_number[number], key=key))
            except (ValueError, TypeError, KeyError, ObjectDoesNotExist, ValidationError) as exc:
                raise ProgrammeImportError(
                    _("%(where)s.led_to: azione non trovata %(pair)s.")
                    % {"where": where, "pair": pair}
                ) from exc
        contribution.led_to.set(actions)
        for j, cdata in enumerate(_require(data, "comments", list, where)):
            _save(
                _build(
                    Comment, cdata, refs, where=f"{where}.comments[{j}]", contribution=contribution
                ),
                cdata,
            )
    return programme


def _refuse_taken_uid(data, where: str) -> None:
    """A meeting's calendar uid names it in every calendar that subscribed to it, so it is
    unique on a portal: a copy of a programme imported next to the original needs new ones."""
    try:
        uid = uuid.UUID(str(data["uid"]))
    except (TypeError, KeyError, ValueError):
        return  # not a uid at all: building the meeting says what is wrong
    taken = Meeting.objects.filter(uid=uid).select_related("programme").first()
    if taken is not None:
        raise ProgrammeImportError(
            _(
                "%(where)s: l'incontro «%(title)s» (identificativo iCalendar %(uid)s) è già nel "
                "programma «%(programme)s» di questo portale. Per importarne una copia, dai agli "
                "incontri nuovi identificativi."
            )
            % {
                "where": where,
                "title": taken.title,
                "uid": uid,
                "programme": taken.programme.slug,
            }
        )


def _import_version(data: dict, refs: dict, programme: Programme, where: str) -> PlanVersion:
    status = _require(data, "status", str, where)
    if status not in VersionStatus.values:
        raise ProgrammeImportError(
            _("%(where)s: stato sconosciuto «%(s)s».") % {"where": where, "s": status}
        )
    version = _build(
        PlanVersion,
        {**data, "status": VersionStatus.DRAFT},
        refs,
        where=where,
        programme=programme,
    )
    version.save()
    items = {}
    scoped = dict(refs)
    for name, model in CONTENT:
        scoped[model] = lambda key, model=model: items[(model, str(key))]
        for j, row in enumerate(_require(data, name, list, where)):
            item = _save(
                _build(model, row, scoped, where=f"{where}.{name}[{j}]", version=version), row
            )
            items[(model, str(item.key))] = item
    zones_by_number = {z.number: z for z in Zone.objects.all()}
    link_targets = {
        "tools": lambda k: items[(Tool, str(k))],
        "targets": lambda k: items[(Target, str(k))],
        "zones": lambda n: zones_by_number[int(n)],
        "tables": refs[ThematicTable],
    }
    for j, row in enumerate(_require(data, "actions", list, where)):
        row_where = f"{where}.actions[{j}]"
        action = _save(_build(Action, row, scoped, where=row_where, version=version), row)
        for link, resolve in link_targets.items():
            values = _require(row, link, list, row_where)
            try:
                getattr(action, link).set([resolve(v) for v in values])
            except (KeyError, ValueError, TypeError) as exc:
                raise ProgrammeImportError(
                    _("%(where)s.%(link)s: riferimento non trovato.")
                    % {"where": row_where, "link": link}
                ) from exc
    # now its real state, dates and PDF, written as they were
    final = _build(PlanVersion, data, refs, where=where, programme=programme)
    PlanVersion.objects.filter(pk=version.pk).update(
        **{
            f.attname: getattr(final, f.attname)
            for f in PlanVersion._meta.concrete_fields
            if not f.primary_key and f.name != "programme"
        }
    )
    version.refresh_from_db()
    for j, vdata in enumerate(_require(data, "validations", list, where)):
        vwhere = f"{where}.validations[{j}]"
        validation = _save(_build(Validation, vdata, refs, where=vwhere, version=version), vdata)
        for k, rdata in enumerate(_require(vdata, "remarks", list, vwhere)):
            _save(
                _build(
                    ValidationRemark,
                    rdata,
                    refs,
                    where=f"{vwhere}.remarks[{k}]",
                    validation=validation,
                ),
                rdata,
            )
    return version
