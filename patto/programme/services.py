"""State changes of a plan version. Views, admin actions, management commands and tasks all go
through these functions; none of them re-implements a rule.

    draft ──submit──▶ in validation ──all zones approve──▶ validated ──publish──▶ published
      ▲                   │                                                          │
      └──new version──────┼── a zone asks for changes → changes requested            └─▶ archived
                          └── the redazione withdraws it, with a reason → withdrawn

The zones' decisions are in ``patto.validation.services``; a validated version's PDF has its own
small lifecycle, in ``patto.pdf.services``.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import Policy
from matrice.services import copy_content
from matrice.snapshots import compute_fingerprint
from patto.core.exceptions import FrozenVersionError, TransitionError
from patto.core.numbers import grouped
from patto.core.permissions import require_redazione
from patto.core.transitions import lock_version, require_status
from patto.mail.sending import after_commit
from patto.models import PlanVersion, Programme, ValidationDraft, VersionStatus
from patto.monitoring.services import record_dropped_actions
from patto.pdf.services import queue_pdf_render
from patto.pdf.worker import pdf_is_current
from patto.programme import notifications
from patto.programme.tasks import precompute_comparison


@transaction.atomic
def create_version(
    *, programme: Programme, by, change_note: str = "", based_on: PlanVersion | None = None
) -> PlanVersion:
    """Start a new draft of ``programme`` as a copy of ``based_on`` (default: its latest
    version). Refused while a draft already exists."""
    require_redazione(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.versions.filter(status=VersionStatus.DRAFT).exists():
        raise TransitionError(
            _("Esiste già una bozza di questo programma: modifica quella."),
            code="draft_exists",
        )
    if based_on is None:
        based_on = programme.versions.order_by("-number").first()
    elif based_on.programme_id != programme.pk:
        raise ValidationError(_("La versione di partenza è di un altro programma."))
    number = (programme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        programme=programme,
        number=number,
        based_on=based_on,
        change_note=change_note,
        created_by=by,
    )
    if based_on is not None:
        copy_content(source=based_on, target=version, by=by)
    return version


CHANGE_NOTE_MAX_LENGTH = 4000


class ChangeNoteConflict(ValidationError):
    """The draft's note was saved by somebody else after the form was opened: ``current`` is
    the note saved now."""

    def __init__(self, current: str):
        self.current = current
        super().__init__(
            _(
                "Nel frattempo qualcun altro ha salvato la nota di versione e la tua non è stata "
                "salvata. Qui sotto trovi la nota salvata ora accanto alla tua: ricontrolla e "
                "salva di nuovo."
            ),
            code="conflict",
        )


def change_note_fingerprint(note: str) -> str:
    """A short digest of a note as a form showed it: the note form carries it, and a save made
    from an outdated form is refused (a version has no revision number: its note is the only
    field edited by hand, as the profile's ``loaded``)."""
    return hashlib.sha256(note.encode()).hexdigest()[:32]


@transaction.atomic
def edit_change_note(*, version: PlanVersion, by, change_note: str, loaded: str) -> PlanVersion:
    """Replace the note of a draft (what changes in this version). ``loaded`` is the
    ``change_note_fingerprint`` of the note the form was opened with: if the note was saved
    meanwhile, ``ChangeNoteConflict`` and nothing is written. A version no longer a draft keeps
    its note, as the rest of its content."""
    require_redazione(by)
    change_note = change_note.strip()
    if len(change_note) > CHANGE_NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "change_note": _(
                    "La nota è troppo lunga: al massimo %(max)s caratteri (ne hai scritti "
                    "%(count)s)."
                )
                % {
                    "max": grouped(CHANGE_NOTE_MAX_LENGTH),
                    "count": grouped(len(change_note)),
                }
            },
            code="note_too_long",
        )
    version = lock_version(version)
    if not version.is_draft:
        raise FrozenVersionError(version)
    if change_note_fingerprint(version.change_note) != loaded:
        raise ChangeNoteConflict(version.change_note)
    version.change_note = change_note
    version.save(update_fields=["change_note"])
    return version


@transaction.atomic
def submit_version(*, version: PlanVersion, by) -> PlanVersion:
    """Freeze a draft and send it to the zones (or to the redazione's own validation, for a
    programme without validating zones)."""
    require_redazione(by)
    version = lock_version(version)
    require_status(version, VersionStatus.DRAFT, action=_("inviare alla validazione"))
    if not Policy.objects.filter(version=version).exists():
        raise ValidationError(
            _("La versione è vuota: aggiungi almeno una politica prima di inviarla."),
            code="empty_version",
        )
    if version.programme.versions.filter(status=VersionStatus.IN_VALIDATION).exists():
        raise TransitionError(
            _("Un'altra versione di questo programma è già in validazione."),
            code="validation_in_progress",
        )
    version.fingerprint = compute_fingerprint(version)
    version.status = VersionStatus.IN_VALIDATION
    version.submitted_at = timezone.now()
    version.submitted_by = by
    version.save(update_fields=["fingerprint", "status", "submitted_at", "submitted_by"])
    _precompute_comparison(version)
    if version.programme.validating_zones.exists():
        after_commit(notifications.version_submitted, version.pk)
    after_commit(notifications.notify_followers, version.pk, "submitted")
    return version


def _precompute_comparison(version: PlanVersion) -> None:
    """Once the transaction commits, have a worker compute the comparison the public pages
    link to from ``version`` (with the previous public version), so that its first visitor
    does not wait for it. Asked again at each step of the lifecycle: the task does nothing
    when the comparison is kept already (and recomputes it if the cache lost it).
    robust: a broker that is down costs the first visitor the computation, never an error."""
    version_pk = version.pk
    transaction.on_commit(lambda: precompute_comparison.delay(version_pk), robust=True)


@transaction.atomic
def validate_by_staff(*, version: PlanVersion, by) -> PlanVersion:
    """Validate a version of a programme that has no validating zones (the regional Patto)."""
    require_redazione(by)
    version = lock_version(version)
    require_status(version, VersionStatus.IN_VALIDATION, action=_("validare"))
    if version.programme.validating_zones.exists():
        raise TransitionError(
            _("Questo programma è validato dalle zone, non dalla redazione."),
            code="zones_validate",
        )
    version.validated_by = by
    mark_validated(version)
    return version


def mark_validated(version: PlanVersion) -> None:
    """The locked ``version`` becomes validated (the last zone approved, or the redazione
    validated it): its comparison is computed and its PDF queued once the transaction
    commits. The zones' drafts of decisions on it are deleted: nobody decides any more."""
    version.status = VersionStatus.VALIDATED
    version.validated_at = timezone.now()
    version.save(update_fields=["status", "validated_at", "validated_by"])
    ValidationDraft.objects.filter(version=version).delete()
    _precompute_comparison(version)
    if not pdf_is_current(version):
        queue_pdf_render(version)


WITHDRAWAL_REASON_MAX_LENGTH = 2000


@transaction.atomic
def withdraw_version(*, version: PlanVersion, by, reason: str) -> PlanVersion:
    """Take a version in validation back from the zones, with ``reason`` (required): no zone
    may decide on it any more, it stays frozen and readable with its reason, and a new draft
    can be sent to the zones. The zones' spokespersons and the programme's followers (who were
    told it was sent) hear it by e-mail after commit.

    The zones' decisions already recorded stay in the record. Their unsent drafts of decisions
    are kept, not deleted: each zone still reads what it wrote on its page, to reuse it on the
    next version."""
    require_redazione(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Scrivi il motivo del ritiro: le zone lo leggeranno.")},
            code="reason_required",
        )
    if len(reason) > WITHDRAWAL_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _(
                    "Il motivo è troppo lungo: al massimo %(max)s caratteri "
                    "(ne hai scritti %(count)s)."
                )
                % {
                    "max": grouped(WITHDRAWAL_REASON_MAX_LENGTH),
                    "count": grouped(len(reason)),
                }
            },
            code="reason_too_long",
        )
    version = lock_version(version)
    require_status(version, VersionStatus.IN_VALIDATION, action=_("ritirare la versione"))
    version.status = VersionStatus.WITHDRAWN
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = by
    version.withdrawal_reason = reason
    version.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    if version.programme.validating_zones.exists():
        after_commit(notifications.version_withdrawn, version.pk)
    after_commit(notifications.notify_followers, version.pk, "withdrawn")
    return version


@transaction.atomic
def publish_version(*, version: PlanVersion, by) -> PlanVersion:
    """Publish a validated version; the version published until now is archived and stays
    readable. Both PDFs are rendered again after commit, so that their covers say so."""
    require_redazione(by)
    version = lock_version(version)
    require_status(version, VersionStatus.VALIDATED, action=_("pubblicare"))
    now = timezone.now()
    previous = (
        PlanVersion.objects.select_for_update()
        .filter(programme=version.programme, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.ARCHIVED
        previous.archived_at = now
        previous.save(update_fields=["status", "archived_at"])
        record_dropped_actions(previous=previous, version=version)
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    # the PDFs' covers say «Pubblicata» and «Archiviata» from now on: rendered again once this
    # commits, each keeping its previous file downloadable until the new one is stored
    for changed in (version, previous):
        if changed is not None and not pdf_is_current(changed):
            queue_pdf_render(changed)
    _precompute_comparison(version)
    if version.programme.validating_zones.exists():
        after_commit(notifications.version_published, version.pk)
    after_commit(notifications.notify_followers, version.pk, "published")
    return version
