"""The registrations of a meeting as a spreadsheet for the redazione: CSV in UTF-8 with a byte
order mark (so Excel reads the accents right) and ``;`` between the columns (what Excel
expects with Italian regional settings; LibreOffice asks). One row per registration, cancelled
ones included, with labels in Italian rather than codes: this file is for people, the open data
is elsewhere.

A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a
leading apostrophe: the body's name is typed by whoever registers, and a spreadsheet must not run
it."""

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from incontri.models import Registration

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _attended(value: bool | None) -> str:
    if value is None:
        return ""
    return _("sì") if value else _("no")


def header() -> list[str]:
    return [
        _("Nome"),
        _("Email"),
        _("Ente"),
        _("Categoria"),
        _("Stato"),
        _("Iscritta il"),
        _("Presente"),
    ]


def row(registration: Registration) -> list[str]:
    user = registration.user
    registered = timezone.localtime(registration.created_at).strftime("%d/%m/%Y %H:%M")
    return [
        _cell(user.get_full_name()),
        _cell(user.email),
        _cell(registration.body_name),
        _cell(registration.get_actor_category_display()),
        _cell(registration.get_status_display()),
        registered,
        _attended(registration.attended),
    ]


def to_csv(registrations: Iterable[Registration]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header())
    for registration in registrations:
        writer.writerow(row(registration))
    return BOM + buffer.getvalue()
