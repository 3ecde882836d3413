"""Which steps of a version's life the redazione can take now, and, for each one it cannot,
why, in plain words. Computed once per page from rows already read, so the staff pages offer
only the steps that will go through and say why the others are not there.

The services (``patto.programme.services``, ``patto.pdf.services``) still check every rule
when the step is taken: this module decides what a page offers, not what is allowed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf.worker import PDF_VERSION_STATUSES, pdf_render_is_stuck

SEND = "invia"
VALIDATE = "valida"
PUBLISH = "pubblica"
WITHDRAW = "ritira"
PREVIEW_PDF = "anteprima"
REQUEST_PDF = "genera_pdf"
RETRY_PDF = "riprova_pdf"
CONSULTATION = "consultazione"


@dataclass(frozen=True)
class Step:
    """One step: ``available`` or not, and when not, the ``reason`` a person can act on."""

    name: str
    label: str
    available: bool
    reason: str = ""


def _step(name: str, label: str, reason: str = "") -> Step:
    return Step(name=name, label=label, available=not reason, reason=reason)


def version_steps(
    version: PlanVersion,
    *,
    versions: list[PlanVersion],
    has_zones: bool,
    policy_count: int = 0,
    action_count: int = 0,
) -> list[Step]:
    """The steps the state of ``version`` leads to, among the programme's ``versions`` (all of
    them, already read). ``policy_count`` and ``action_count`` are the draft's (only read for
    a draft). No query."""
    steps = []
    in_validation = next(
        (v for v in versions if v.status == VersionStatus.IN_VALIDATION and v.pk != version.pk),
        None,
    )
    if version.status == VersionStatus.DRAFT:
        if not policy_count:
            reason = _("La bozza è vuota: aggiungi almeno una politica prima di inviarla.")
        elif in_validation is not None:
            reason = _(
                "La versione %(number)s è ancora in validazione: puoi inviare questa bozza "
                "quando sarà validata, quando una zona chiederà modifiche oppure dopo averla "
                "ritirata."
            ) % {"number": in_validation.number}
        else:
            reason = ""
        steps.append(
            _step(SEND, _("Invia alle zone") if has_zones else _("Invia alla validazione"), reason)
        )
        limit = settings.PDF_PREVIEW_MAX_ACTIONS
        steps.append(
            _step(
                PREVIEW_PDF,
                _("Anteprima del PDF"),
                _(
                    "La bozza ha %(count)s azioni: l'anteprima del PDF si prepara fino a "
                    "%(limit)s azioni. Il PDF completo si genera quando la versione è validata."
                )
                % {"count": action_count, "limit": limit}
                if action_count > limit
                else "",
            )
        )
    elif version.status == VersionStatus.IN_VALIDATION:
        if not has_zones:
            steps.append(_step(VALIDATE, _("Valida")))
        steps.append(_step(WITHDRAW, _("Ritira dalla validazione")))
    elif version.status == VersionStatus.VALIDATED:
        steps.append(_step(PUBLISH, _("Pubblica")))
    if version.status in PDF_VERSION_STATUSES:
        steps.extend(_pdf_steps(version))
    return steps


def _pdf_steps(version: PlanVersion) -> list[Step]:
    if version.pdf_status == PdfStatus.FAILED or pdf_render_is_stuck(version):
        return [_step(RETRY_PDF, _("Riprova a generare il PDF"))]
    if version.pdf_status == PdfStatus.NONE:
        return [_step(REQUEST_PDF, _("Genera il PDF"))]
    if version.pdf_status in (PdfStatus.PENDING, PdfStatus.RENDERING):
        return [
            _step(
                REQUEST_PDF,
                _("Genera il PDF"),
                _("Il PDF è già in preparazione: sarà pronto tra poco."),
            )
        ]
    return []  # ready: the download link is there


def consultation_step(versions: list[PlanVersion]) -> Step:
    """Opening a consultation (online contributions on the proposal or the plan) needs a
    public version that was not withdrawn to comment on."""
    commentable = any(v.is_public and v.status != VersionStatus.WITHDRAWN for v in versions)
    return _step(
        CONSULTATION,
        _("Apri una consultazione"),
        ""
        if commentable
        else _(
            "Non c'è ancora una versione pubblica su cui lasciare contributi: invia prima una "
            "versione alle zone."
        ),
    )


def steps_by_name(steps: list[Step]) -> dict[str, Step]:
    return {step.name: step for step in steps}
