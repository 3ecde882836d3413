"""The monitoring report's PDF rendered by a real Celery worker on Redis (as the plan's, see
``test_worker``): staff ask for it, the worker renders it after the commit, and the file is a
tagged PDF that passes every machine-checkable Matterhorn checkpoint, with the state of each
action as of the chosen date on its pages."""

import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from patto.models import MonitoringReport, PdfStatus, PlanVersion, VersionStatus
from patto.monitoring import services
from patto.monitoring.report_services import request_report
from tests.pdf.matterhorn import failures, summary
from tests.pdf.poppler import page_texts, run
from tests.pdf.test_worker import TIMEOUT, worker  # noqa: F401 (the fixture)
from tests.people import someone
from tests.versions import build_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]


def wait_for(worker, pk: int) -> MonitoringReport:  # noqa: F811
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        row = MonitoringReport.objects.get(pk=pk)
        if row.pdf_status in (PdfStatus.READY, PdfStatus.FAILED):
            return row
        if worker.process.poll() is not None:
            pytest.fail(f"the worker stopped:\n{worker.log_tail()}")
        time.sleep(0.5)
    pytest.fail(f"report still {row.pdf_status} after {TIMEOUT} s:\n{worker.log_tail()}")


def test_the_report_renders_in_the_worker_and_passes_matterhorn(worker):  # noqa: F811
    staff = someone("staff")
    plan = build_version(
        slug="piano", policies=2, areas=2, actions=6, status=VersionStatus.PUBLISHED,
        zones=1, action={"budget": 5000},
    )  # fmt: skip
    PlanVersion.objects.filter(pk=plan.version.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=60)
    )
    programme, first = plan.programme, plan.actions[0]
    services.record_implementation(
        programme=programme, action_key=first.key, state="suspended",
        state_reason="In attesa dei fondi regionali", progress=40, committed=Decimal(3000),
        spent=Decimal(1200), expected_revision=None, by=staff,
    )  # fmt: skip
    indicator = services.add_indicator(
        programme=programme, action_key=first.key, name="Famiglie accolte", unit="famiglie",
        target=Decimal(120), by=staff,
    )  # fmt: skip
    services.record_indicator_value(
        indicator=indicator, measured_on=timezone.localdate(), value=Decimal(48), by=staff
    )
    services.add_update(
        programme=programme, action_key=first.key, happened_on=timezone.localdate(),
        title="Sportello aperto a Pinerolo", text="Il primo sportello è aperto.", by=staff,
    )  # fmt: skip

    row = request_report(programme=programme, as_of=timezone.localdate(), by=staff)
    row = wait_for(worker, row.pk)
    assert row.pdf_status == PdfStatus.READY, row.pdf_error
    content = row.pdf_file.read()
    assert "Tagged:          yes" in run("pdfinfo", data=content)
    found = failures(content)
    assert found == [], summary(found)
    text = " ".join(page_texts(content))
    for words in (
        "rapporto di monitoraggio",
        "Sospesa: In attesa dei fondi regionali",
        "Famiglie accolte (famiglie)",
        "Sportello aperto a Pinerolo",
        "3.000,00",
    ):
        assert words in text, words
    for action in plan.actions:
        assert action.title in text
