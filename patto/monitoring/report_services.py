"""Asking for a monitoring report (``patto.monitoring.report``): the staff's one write, which
enqueues the render once its transaction commits."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patto.core.permissions import require_redazione
from patto.models import MonitoringReport, PdfStatus, Programme
from patto.monitoring import report, tasks


@transaction.atomic
def request_report(*, programme: Programme, as_of: datetime.date, by) -> MonitoringReport:
    """Ask for the monitoring report of ``programme`` as of ``as_of``; rendered by the worker
    once this transaction commits. Asking again for a date that has a report renders it again
    (its data may have changed since: an update recorded late); the PDF it has stays until
    the new one is complete."""
    require_redazione(by)
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("La data del rapporto non può essere nel futuro.")})
    version = report.version_in_force(programme, as_of)
    if version is None:
        raise ValidationError(
            {
                "as_of": _(
                    "A quella data il programma non aveva ancora un piano in vigore: scegli una "
                    "data successiva alla prima pubblicazione."
                )
            }
        )
    row = (
        MonitoringReport.objects.select_for_update()
        .filter(programme=programme, as_of=as_of)
        .first()
    )
    if row is None:
        row = MonitoringReport.objects.create(
            programme=programme, as_of=as_of, version=version, requested_by=by
        )
    else:
        if row.pdf_status == PdfStatus.RENDERING and not _abandoned(row):
            raise ValidationError(
                _("Il rapporto a questa data è in preparazione: attendi qualche minuto.")
            )
        row.version = version
        row.requested_by = by
        row.pdf_status = PdfStatus.PENDING
        row.pdf_error = ""
        row.save(update_fields=["version", "requested_by", "pdf_status", "pdf_error"])
    transaction.on_commit(lambda: _enqueue(row.pk), robust=True)
    return row


def _enqueue(report_pk: int) -> None:
    tasks.render_monitoring_report.delay(report_pk)


def _abandoned(row: MonitoringReport) -> bool:
    claimed = row.pdf_rendered_at
    return claimed is None or claimed < timezone.now() - datetime.timedelta(
        seconds=report.claim_seconds()
    )
