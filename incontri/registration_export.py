"""The registrations of a meeting as a spreadsheet for the redazione: CSV in UTF-8 with a byte
order mark (so Excel reads the accents right) and ``;`` between the columns (what Excel
expects with Italian regional settings; LibreOffice asks). One row per registration, cancelled
ones included, with labels in Italian rather than codes: this file is for people, the open data
is elsewhere.

A cell that starts like a formula gets a leading apostrophe (``patto.core.spreadsheets``, as in
every CSV of the portal): the body's name is typed by whoever registers, and a spreadsheet must
not run it."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from incontri.models import Registration
from patto.core import spreadsheets


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
        user.get_full_name(),
        user.email,
        registration.body_name,
        registration.get_actor_category_display(),
        registration.get_status_display(),
        registered,
        _attended(registration.attended),
    ]


def to_csv(registrations: Iterable[Registration]) -> str:
    return spreadsheets.write(header(), (row(r) for r in registrations), spreadsheets.EXCEL_ITALIAN)
