"""What happened to a version, in one sentence for the redazione: «Versione 3 validata da 11 zone
su 11», «Versione 2 in validazione: 4 zone su 11 hanno risposto», «Versione 1 ritirata il 6
dicembre 2026: motivo…». Built from rows already read (the dashboard's prefetches)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patto.models import Decision, PlanVersion, VersionStatus

REASON_CHARS = 160


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j E Y") if moment else ""


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
                "Versione %(number)s inviata alla validazione il %(date)s: aspetta la "
                "validazione della redazione."
            ) % {"number": number, "date": _day(version.submitted_at)}
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
            return _("Versione %(number)s: %(zone)s ha chiesto modifiche il %(date)s.") % {
                "number": number,
                "zone": asked[0].zone,
                "date": _day(asked[0].decided_at),
            }
        return _("Versione %(number)s: una zona ha chiesto modifiche.") % {"number": number}
    if status == VersionStatus.VALIDATED:
        if not zone_count:
            return _("Versione %(number)s validata dalla redazione il %(date)s.") % {
                "number": number,
                "date": _day(version.validated_at),
            }
        approved = sum(1 for v in version.validations.all() if v.decision == Decision.APPROVED)
        return ngettext(
            "Versione %(number)s validata da %(approved)s zona su %(total)s il %(date)s.",
            "Versione %(number)s validata da %(approved)s zone su %(total)s il %(date)s.",
            approved,
        ) % {
            "number": number,
            "approved": approved,
            "total": zone_count,
            "date": _day(version.validated_at),
        }
    if status == VersionStatus.PUBLISHED:
        return _("Versione %(number)s pubblicata il %(date)s: è il piano in vigore.") % {
            "number": number,
            "date": _day(version.published_at),
        }
    if status == VersionStatus.ARCHIVED:
        return _("Versione %(number)s archiviata il %(date)s.") % {
            "number": number,
            "date": _day(version.archived_at),
        }
    return _("Versione %(number)s ritirata il %(date)s. Motivo: %(reason)s") % {
        "number": number,
        "date": _day(version.withdrawn_at),
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
