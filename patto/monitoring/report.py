"""The monitoring report of a programme as of a date: a PDF, requested by staff, rendered by the
worker (``patto.monitoring.tasks.render_monitoring_report``), kept per date and public.

What it shows is the plan as it stood on that date, read from the history, not from today's
rows: the version in force that day (the last one published by then), and for each of its
actions the state, progress and money as last recorded by the end of that day
(``ActionMonitoring.history``), the indicators as they were defined then with their latest value
measured by that date, and the published updates about facts of that date or before.

The lifecycle follows the plan's PDF (``patto.pdf.worker``): the render is claimed with a
conditional UPDATE (pending → rendering), so two workers never render the same report; the
file is stored complete under a new name before the row points at it, so a failed render never
replaces a good PDF; a failure is recorded (pending with the error while retries remain, failed
on the last attempt) and shown to staff, who may ask again."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from matrice.queries import plan_tree
from patto.models import (
    ActionMonitoring,
    ImplementationState,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringReport,
    MonitoringUpdate,
    PdfStatus,
    PlanVersion,
    Programme,
    UpdateStatus,
    VersionStatus,
)
from patto.pdf.document import RenderedPdf, check_pdf, render_html

logger = logging.getLogger(__name__)

REPORT_DIRECTORY = "monitoraggio/rapporti"


def claim_seconds() -> int:
    """How long a render may hold its claim: past this, the task's hard time limit would have
    stopped it, so its worker is gone (as for the plan's PDF)."""
    return settings.CELERY_TASK_TIME_LIMIT + settings.PDF_CLAIM_MARGIN


# The version in force at a date --------------------------------------------------------------


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day``, Rome time: what was recorded that day counts."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def version_in_force(programme: Programme, as_of: datetime.date) -> PlanVersion | None:
    """The version of ``programme`` in force at the end of ``as_of``: the last one published by
    then (published now, or archived since). One query."""
    return (
        PlanVersion.objects.filter(
            programme=programme,
            status__in=(VersionStatus.PUBLISHED, VersionStatus.ARCHIVED),
            published_at__lte=end_of(as_of),
        )
        .order_by("-published_at")
        .select_related("programme")
        .first()
    )


# What the report shows ---------------------------------------------------------------------


@dataclass
class Totals:
    """Counts and sums over some actions: per state, average progress, money."""

    count: int = 0
    states: Counter = field(default_factory=Counter)
    progress: int = 0
    budget: Decimal | None = None  # None: no action of these has a budget
    committed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    def add(self, action) -> None:
        status = action.status
        self.count += 1
        self.states[status["state"]] += 1
        self.progress += status["progress"]
        if action.budget is not None:
            self.budget = (self.budget or 0) + action.budget
        self.committed += status["committed"] or 0
        self.spent += status["spent"] or 0

    @property
    def average_progress(self) -> int:
        return round(self.progress / self.count) if self.count else 0

    @property
    def state_counts(self) -> list[tuple[str, int]]:
        return [(label, self.states.get(value, 0)) for value, label in ImplementationState.choices]


def _latest_per(rows, key) -> dict:
    """The last row of ``rows`` (ordered by time) for each ``key(row)``."""
    latest = {}
    for row in rows:
        latest[key(row)] = row
    return latest


def report_context(report: MonitoringReport) -> dict:
    """Everything the report shows, as of ``report.as_of``. A fixed number of queries."""
    programme, version, as_of = report.programme, report.version, report.as_of
    end = end_of(as_of)
    policies = plan_tree(version)
    actions = [
        action
        for policy in policies
        for area in policy.action_areas.all()
        for action in area.actions.all()
    ]
    keys = {action.key for action in actions}

    states = _latest_per(
        ActionMonitoring.history.filter(
            programme=programme, action_key__in=keys, history_date__lte=end
        ).order_by("history_date", "history_id"),
        key=lambda row: row.action_key,
    )
    # the indicators as defined by then (their history), and those defined later whose values
    # were measured by then (recorded afterwards)
    defined = _latest_per(
        MonitoringIndicator.history.filter(
            programme=programme, action_key__in=keys, history_date__lte=end
        ).order_by("history_date", "history_id"),
        key=lambda row: row.id,
    )
    current = {
        row.id: row
        for row in MonitoringIndicator.objects.filter(programme=programme, action_key__in=keys)
    }
    values = _latest_per(
        IndicatorValue.objects.filter(
            indicator_id__in=set(defined) | set(current), measured_on__lte=as_of
        ).order_by("measured_on", "pk"),
        key=lambda row: row.indicator_id,
    )
    indicators = {pk: row for pk, row in defined.items() if row.history_type != "-"}
    for pk in values:
        indicators.setdefault(pk, current.get(pk))
    updates_of = {}
    for update in (
        MonitoringUpdate.objects.filter(
            programme=programme,
            action_key__in=keys,
            status=UpdateStatus.PUBLISHED,
            happened_on__lte=as_of,
        )
        .select_related("zone")
        .prefetch_related("attachments")
        .order_by("happened_on", "pk")
    ):
        updates_of.setdefault(update.action_key, []).append(update)
    indicators_of = {}
    for row in sorted(filter(None, indicators.values()), key=lambda r: (r.position, r.id)):
        row.latest = values.get(row.id)
        indicators_of.setdefault(row.action_key, []).append(row)

    totals = Totals()
    for policy in policies:
        policy.totals = Totals()
        for area in policy.action_areas.all():
            area.totals = Totals()
            for action in area.actions.all():
                recorded = states.get(action.key)
                if recorded is not None and recorded.history_type == "-":
                    recorded = None
                state = recorded.state if recorded else ImplementationState.NOT_STARTED
                action.status = {
                    "state": state,
                    "state_label": ImplementationState(state).label,
                    "reason": recorded.state_reason if recorded else "",
                    "progress": recorded.progress if recorded else 0,
                    "committed": recorded.committed if recorded else None,
                    "spent": recorded.spent if recorded else None,
                    "recorded_at": recorded.history_date if recorded else None,
                }
                action.report_indicators = indicators_of.get(action.key, [])
                action.report_updates = updates_of.get(action.key, [])
                for group in (area.totals, policy.totals, totals):
                    group.add(action)
    return {
        "report": report,
        "programme": programme,
        "version": version,
        "as_of": as_of,
        "policies": policies,
        "totals": totals,
        "generated_at": timezone.now(),
    }


def build_html(report: MonitoringReport) -> str:
    with translation.override("it"):
        return render_to_string("monitoring/report/report.html", report_context(report))


def render_report(report: MonitoringReport) -> RenderedPdf:
    """The report's PDF, in memory, tagged like the plan's (``patto.pdf.tagging``)."""
    return render_html(build_html(report))


def report_renderer():
    """The function that turns a report into a ``RenderedPdf`` (a setting, so that a test can
    make it fail)."""
    return import_string(
        getattr(settings, "MONITORING_REPORT_RENDERER", "patto.monitoring.report.render_report")
    )


# The worker's side ----------------------------------------------------------------------


def report_name(report: MonitoringReport) -> str:
    """A new name for each render: a stored file is never overwritten, so the PDF a report
    points at is always complete."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"{REPORT_DIRECTORY}/{report.programme.slug}-{report.as_of.isoformat()}-{stamp}.pdf"


def run_report_render(*, report_pk: int, final_attempt: bool = True) -> RenderedPdf | None:
    """Render and store the PDF of a report (the body of the Celery task). None when there is
    nothing to take: ready already, or another worker has it."""
    claimed_at = timezone.now()
    stale = timezone.now() - datetime.timedelta(seconds=claim_seconds())
    claimable = Q(pdf_status=PdfStatus.PENDING) | Q(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at__lt=stale
    )
    taken = MonitoringReport.objects.filter(claimable, pk=report_pk).update(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at=claimed_at
    )
    if not taken:
        logger.info("Monitoring report %s: nothing to render", report_pk)
        return None
    report = MonitoringReport.objects.select_related("programme", "version").get(pk=report_pk)
    ours = MonitoringReport.objects.filter(
        pk=report_pk, pdf_status=PdfStatus.RENDERING, pdf_rendered_at=claimed_at
    )
    try:
        rendered = report_renderer()(report)
        check_pdf(rendered.content)
        # complete bytes under a new name: nothing points at it until the row does
        name = default_storage.save(report_name(report), ContentFile(rendered.content))
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:2000]
        if not final_attempt:
            message = _("Tentativo non riuscito, verrà ripetuto: %(error)s") % {"error": message}
        ours.update(
            pdf_status=PdfStatus.FAILED if final_attempt else PdfStatus.PENDING,
            pdf_error=message,
        )
        logger.warning("Monitoring report %s failed: %s", report_pk, exc, exc_info=True)
        raise
    previous = report.pdf_file.name
    finished = ours.update(
        pdf_status=PdfStatus.READY,
        pdf_file=name,
        pdf_error="",
        pdf_rendered_at=timezone.now(),
    )
    if not finished:
        default_storage.delete(name)
        return None
    if previous and previous != name:
        default_storage.delete(previous)
    return rendered


def reports_to_resume(*, grace_seconds: int) -> list[int]:
    """Reports whose render may have lost its message (pending for longer than
    ``grace_seconds``) or its worker (claimed longer ago than any render may take)."""
    now = timezone.now()
    due = now - datetime.timedelta(seconds=grace_seconds)
    stale = now - datetime.timedelta(seconds=claim_seconds())
    return list(
        MonitoringReport.objects.filter(
            Q(pdf_status=PdfStatus.PENDING, pdf_rendered_at__isnull=True, requested_at__lte=due)
            | Q(pdf_status=PdfStatus.PENDING, pdf_rendered_at__lte=due)
            | Q(pdf_status=PdfStatus.RENDERING, pdf_rendered_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
