"""State changes of a version's PDF asked for by the portal or by people: queued when the
version is validated, asked again or retried by staff, rendered at once by an operator.

    none ──validated / staff asks──▶ pending ──worker claims──▶ rendering ──▶ ready
                                        ▲                          │
                                        └── retry (automatic) ─────┴──▶ failed ──staff retry──┘

A ready PDF goes back to pending when its version is published, then archived: its cover says
the version's status. Until the new file is stored the previous one stays the one downloaded.

While the PDF is pending or rendering, ``pdf_rendered_at`` holds when that state began (the
claim of the worker that renders it); once the PDF is ready, when its file was written."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import Action
from patto.core.exceptions import TransitionError
from patto.core.permissions import require_redazione
from patto.core.transitions import lock_version, require_status
from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf import document
from patto.pdf.tasks import render_version_pdf
from patto.pdf.worker import (
    PDF_VERSION_STATUSES,
    pdf_is_current,
    pdf_render_is_stuck,
    pdf_renderer,
    run_pdf_render,
)


def queue_pdf_render(version: PlanVersion) -> None:
    """Mark the locked ``version`` pending and enqueue its render once the transaction
    commits (a rolled-back validation enqueues nothing). A file already rendered stays the
    one downloaded until the new one is stored (``worker.run_pdf_render``)."""
    version.pdf_status = PdfStatus.PENDING
    version.pdf_error = ""
    version.pdf_rendered_at = timezone.now()
    version.save(update_fields=["pdf_status", "pdf_error", "pdf_rendered_at"])
    version_pk = version.pk
    # robust: a broker that is down must not turn a committed validation into an error page;
    # the version stays pending, and the sweep (tasks.resume_pdf_renders: on every worker's
    # start and periodically from Celery beat) enqueues it again once the broker is back.
    transaction.on_commit(lambda: render_version_pdf.delay(version_pk), robust=True)


@transaction.atomic
def request_pdf_render(*, version: PlanVersion, by=None) -> PlanVersion:
    """Queue the rendering of ``version``'s PDF, to run once the transaction commits. Nothing
    happens when a PDF of exactly this content is ready or a render is under way. ``by`` is
    the staff member asking; None when the portal asks by itself (on validation)."""
    if by is not None:
        require_redazione(by)
    version = lock_version(version)
    require_status(version, *PDF_VERSION_STATUSES, action=_("preparare il PDF"))
    if pdf_is_current(version):
        return version
    if version.pdf_status == PdfStatus.RENDERING and not pdf_render_is_stuck(version):
        return version
    queue_pdf_render(version)
    return version


@transaction.atomic
def retry_pdf_render(*, version: PlanVersion, by) -> PlanVersion:
    """Try again a render that failed, or that has been stuck for longer than any render may
    take."""
    require_redazione(by)
    version = lock_version(version)
    require_status(version, *PDF_VERSION_STATUSES, action=_("riprovare il PDF"))
    if version.pdf_status != PdfStatus.FAILED and not pdf_render_is_stuck(version):
        raise TransitionError(
            _("Il PDF della versione %(number)s non è in errore: non c'è niente da riprovare.")
            % {"number": version.number},
            code="pdf_not_failed",
        )
    queue_pdf_render(version)
    return version


def preview_draft_pdf(*, version: PlanVersion, by) -> document.RenderedPdf:
    """Render the PDF of the draft ``version`` here and now, marked as a draft, for the
    redazione: the same document as a validated version's, never stored as its PDF. A draft
    with more than ``PDF_PREVIEW_MAX_ACTIONS`` actions is refused (it would hold a web process
    for too long)."""
    require_redazione(by)
    require_status(version, VersionStatus.DRAFT, action=_("preparare l'anteprima del PDF"))
    actions = Action.objects.filter(version=version).count()
    limit = settings.PDF_PREVIEW_MAX_ACTIONS
    if actions > limit:
        raise ValidationError(
            _(
                "La bozza ha %(count)s azioni: l'anteprima del PDF si prepara fino a %(limit)s "
                "azioni. Il PDF completo si genera quando la versione è validata."
            )
            % {"count": actions, "limit": limit},
            code="preview_too_large",
        )
    return document.render_preview(version)


def render_pdf_now(*, version: PlanVersion, force: bool = False) -> document.RenderedPdf | None:
    """Render ``version``'s PDF in this process, for operators (``manage.py render_pdf``).

    Returns None when a PDF of this content is ready and ``force`` is not given. With
    ``force`` a ready PDF is rendered again and replaced only once the new file is complete:
    the download stays available throughout, and a failure leaves it as it was. A version
    without a ready PDF goes through the same lifecycle as in a worker (a failure ends in
    ``failed``), taking over a render under way only with ``force``."""
    version = PlanVersion.objects.select_related("programme").get(pk=version.pk)
    require_status(version, *PDF_VERSION_STATUSES, action=_("preparare il PDF"))
    if pdf_is_current(version):
        if not force:
            return None
        rendered = pdf_renderer()(version)
        previous = version.pdf_file.name
        name = document.store_pdf(version, rendered.content)
        # only if the version is still as it was read: published or archived meanwhile, its own
        # render (queued by that change) holds the cover to show
        stored = PlanVersion.objects.filter(
            pk=version.pk, status=version.status, pdf_file=previous
        ).update(pdf_file=name, pdf_cover_status=version.status, pdf_rendered_at=timezone.now())
        if not stored:
            if name != previous:
                default_storage.delete(name)
            raise TransitionError(
                _(
                    "La versione %(number)s è cambiata mentre il PDF veniva preparato: "
                    "ne è in coda uno nuovo."
                )
                % {"number": version.number},
                code="pdf_changed",
            )
        if previous and previous != name:
            default_storage.delete(previous)
        return rendered
    with transaction.atomic():
        version = lock_version(version)
        busy = version.pdf_status == PdfStatus.RENDERING and not pdf_render_is_stuck(version)
        if busy and not force:
            raise TransitionError(
                _("Un worker sta già preparando il PDF di questa versione."), code="pdf_busy"
            )
        PlanVersion.objects.filter(pk=version.pk).update(
            pdf_status=PdfStatus.PENDING, pdf_error="", pdf_rendered_at=timezone.now()
        )
    return run_pdf_render(version_pk=version.pk)
