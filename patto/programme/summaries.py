"""What happened to a version, in one sentence for the redazione: «Versione 3 validata da 11 zone
su 11», «Versione 2 in validazione: 4 zone su 11 hanno risposto», «Versione 1 ritirata l'8
dicembre 2026: motivo…». Built from rows already read (the dashboard's prefetches)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patto.core.articles import article_before_number
from patto.models import Decision, PlanVersion, VersionStatus

REASON_CHARS = 160


def _day(moment) -> dict[str, str]:
    """The ``on`` and ``date`` of a message: «l'» and «8 marzo 2026», in local time."""
    if not moment:
        return {"on": "", "date": ""}
    return {
        "on": article_before_number(moment, "il"),
        "date": date_format(timezone.localtime(moment), "j E Y"),
    }


def version_summary(version: PlanVersion, *, zone_count: int) -> str:
    """One sentence on where ``version`` stands, for a programme validated by ``zone_count``
    zones (0: by the redazione). Reads ``version.validations.all()``: prefetch it."""
    number = version.number
    status = version.status
    if status == VersionStatus.DRAFT:
        return _("Versione %(number)s in bozza: la stai scrivendo.") % {"number": number}
    if status == VersionStatus.IN_VALIDATION:
        if not zone_count:
            return _(
                "Versione %(number)s inviata alla validazione %(on)s%(date)s: aspetta la "
                "validazione della redazione."
            ) % {"number": number, **_day(version.submitted_at)}
        answered = len(version.validations.all())
        return ngettext(
            "Versione %(number)s in validazione: %(answered)s zona su %(total)s ha risposto.",
            "Versione %(number)s in validazione: %(answered)s zone su %(total)s hanno risposto.",
            answered,
        ) % {"number": number, "answered": answered, "total": zone_count}
    if status == VersionStatus.CHANGES_REQUESTED:
        asked = sorted(
            (v for v in version.validations.all() if v.decision == Decision.CHANGES_REQUESTED),
            key=lambda v: v.decided_at,
        )
        if asked:
            return _("Versione %(number)s: %(zone)s ha chiesto modifiche %(on)s%(date)s.") % {
                "number": number,
                "zone": asked[0].zone,
                **_day(asked[0].decided_at),
            }
        return _("Versione %(number)s: una zona ha chiesto modifiche.") % {"number": number}
    if status == VersionStatus.VALIDATED:
        if not zone_count:
            return _("Versione %(number)s validata dalla redazione %(on)s%(date)s.") % {
                "number": number,
                **_day(version.validated_at),
            }
        approved = sum(1 for v in version.validations.all() if v.decision == Decision.APPROVED)
        return ngettext(
            "Versione %(number)s validata da %(approved)s zona su %(total)s %(on)s%(date)s.",
            "Versione %(number)s validata da %(approved)s zone su %(total)s %(on)s%(date)s.",
            approved,
        ) % {
            "number": number,
            "approved": approved,
            "total": zone_count,
            **_day(version.validated_at),
        }
    if status == VersionStatus.PUBLISHED:
        return _("Versione %(number)s pubblicata %(on)s%(date)s: è il piano in vigore.") % {
            "number": number,
            **_day(version.published_at),
        }
    if status == VersionStatus.ARCHIVED:
        return _("Versione %(number)s archiviata %(on)s%(date)s.") % {
            "number": number,
            **_day(version.archived_at),
        }
    return _("Versione %(number)s ritirata %(on)s%(date)s. Motivo: %(reason)s") % {
        "number": number,
        **_day(version.withdrawn_at),
        "reason": Truncator(version.withdrawal_reason).chars(REASON_CHARS),
    }


def programme_summaries(versions: list[PlanVersion], *, zone_count: int) -> list[str]:
    """The sentences of a programme's dashboard, newest version first: every version not
    archived, except withdrawn ones that a newer version has followed to the zones (they stay
    in the programme's history, not on the dashboard)."""
    newest_sent = max(
        (v.number for v in versions if v.status not in (VersionStatus.DRAFT,)), default=0
    )
    return [
        version_summary(v, zone_count=zone_count)
        for v in versions
        if v.status != VersionStatus.ARCHIVED
        and (v.status != VersionStatus.WITHDRAWN or v.number == newest_sent)
    ]
