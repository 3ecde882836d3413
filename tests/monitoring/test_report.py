"""The monitoring report at a date (``patto.monitoring.report``): its content is the plan as it
stood that day, read from the history; staff ask for it (and nobody else may), a failed render
is shown to staff and never replaces a good PDF, and the reports with a PDF are public, one per
date. The PDF itself, rendered by a real worker and walked against Matterhorn, is in
``tests/pdf/test_monitoring_report.py``."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from patto.core.articles import preposition_before
from patto.models import (
    ActionMonitoring,
    MonitoringReport,
    PdfStatus,
    PlanVersion,
    VersionStatus,
)
from patto.monitoring import report, services
from patto.monitoring.report_services import request_report
from tests.people import login_as
from tests.versions import build_version

pytestmark = pytest.mark.django_db

D = datetime.date


def at(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def backdate_last_history(model, day: D) -> None:
    last = model.history.order_by("-history_id").first()
    model.history.filter(history_id=last.history_id).update(history_date=at(day))


@pytest.fixture
def plan(staff):
    """A plan published on 2024-01-10, whose action 1.1.1 was in progress (30%) from 1 March
    2024 and completed on 1 June; its indicator measured 5 on 1 February and 9 on 1 May;
    updates on facts of 15 February and 15 May."""
    content = build_version(
        slug="piano", policies=2, actions=2, status=VersionStatus.PUBLISHED, action={"budget": 1000}
    )
    PlanVersion.objects.filter(pk=content.version.pk).update(published_at=at(D(2024, 1, 10)))
    programme, action = content.programme, content.actions[0]
    common = {"programme": programme, "action_key": action.key, "by": staff}
    services.record_implementation(
        **common, state="in_progress", progress=30, committed=Decimal(800), spent=Decimal(200),
        expected_revision=None,
    )  # fmt: skip
    backdate_last_history(ActionMonitoring, D(2024, 3, 1))
    services.record_implementation(
        **common, state="completed", progress=100, committed=Decimal(900), spent=Decimal(900),
        expected_revision=1,
    )  # fmt: skip
    backdate_last_history(ActionMonitoring, D(2024, 6, 1))
    indicator = services.add_indicator(**common, name="Famiglie accolte", target=Decimal(10))
    for day, value in ((D(2024, 2, 1), 5), (D(2024, 5, 1), 9)):
        services.record_indicator_value(
            indicator=indicator, measured_on=day, value=Decimal(value), by=staff
        )
    for day, title in ((D(2024, 2, 15), "Aperto lo sportello"), (D(2024, 5, 15), "Mille accessi")):
        services.add_update(**common, happened_on=day, title=title, text=f"{title}.")
    return content


def html_at(plan, staff, day: D) -> str:
    row = MonitoringReport.objects.create(
        programme=plan.programme, as_of=day, version=plan.version, requested_by=staff
    )
    return report.build_html(row)


def test_the_report_shows_the_plan_as_it_stood_that_day(plan, staff):
    spring = html_at(plan, staff, D(2024, 4, 1))
    assert "La situazione al 1 aprile 2024" in spring
    assert "In corso" in spring and "30%" in spring
    assert "800,00" in spring and "200,00" in spring
    assert "Aperto lo sportello" in spring and "Mille accessi" not in spring
    assert ">5<" in spring and ">9<" not in spring  # the value measured by then
    summer = html_at(plan, staff, D(2024, 7, 1))
    assert "Completata" in summer and "100%" in summer and "900,00" in summer
    assert "Mille accessi" in summer and ">9<" in summer
    winter = html_at(plan, staff, D(2024, 1, 20))
    assert "nulla registrato a quella data" in winter and "Aperto lo sportello" not in winter
    # every action of the plan in force, each policy summed up
    for action in plan.actions:
        assert action.title in summer
    assert "Tutto il piano" in summer


def test_an_update_in_markdown_reads_as_formatted_and_the_title_takes_its_preposition(plan, staff):
    services.add_update(
        programme=plan.programme,
        action_key=plan.actions[0].key,
        happened_on=D(2024, 3, 10),
        title="Il sabato",
        text="Aperto *anche* il sabato.",
        by=staff,
    )
    html = html_at(plan, staff, D(2024, 4, 1))
    assert "<em>anche</em>" in html and "*anche*" not in html
    title = plan.programme.title
    assert f"in vigore {preposition_before(title, 'di')}{title} (versione" in html


def test_staff_reach_the_reports_from_the_monitoring_and_read_the_date_in_words(
    staff_client, plan, django_capture_on_commit_callbacks
):
    monitoring = reverse("redazione:monitoring", args=["piano"])
    url = reverse("redazione:monitoring_reports", args=["piano"])
    assert url in staff_client.get(monitoring).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        page = staff_client.post(url, {"as_of": "2024-04-01"}, follow=True).content.decode()
    assert "Rapporto al 1 aprile 2024 richiesto" in page
    assert f'href="{monitoring}"' in page  # back to the monitoring pages


@pytest.mark.parametrize(
    ("role", "get", "post"),
    [
        ("anonymous", 302, 302),
        ("registered", 403, 403),
        ("spokesperson", 403, 403),
        ("staff", 200, 302),
    ],
)
def test_only_staff_ask_for_a_report(
    client, plan, role, get, post, django_capture_on_commit_callbacks
):
    login_as(client, role)
    url = reverse("redazione:monitoring_reports", args=["piano"])
    assert client.get(url).status_code == get
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"as_of": "2024-04-01"})
    assert response.status_code == post
    created = MonitoringReport.objects.filter(as_of=D(2024, 4, 1)).exists()
    assert created == (role == "staff")
    renders = [c for c in callbacks if "request_report" in c.__qualname__]
    assert len(renders) == (1 if role == "staff" else 0)  # the render, after the commit


def test_a_date_before_the_plan_or_in_the_future_is_refused_with_a_reason(staff_client, plan):
    url = reverse("redazione:monitoring_reports", args=["piano"])
    page = staff_client.post(url, {"as_of": "2023-12-31"}).content.decode()
    assert "non aveva ancora un piano in vigore" in page
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = staff_client.post(url, {"as_of": tomorrow.isoformat()}).content.decode()
    assert "non può essere nel futuro" in page
    assert staff_client.post(url, {"as_of": "1 aprile"}).status_code == 400
    assert not MonitoringReport.objects.exists()


def test_a_failed_render_is_shown_to_staff_and_keeps_the_good_pdf(
    staff_client, plan, staff, settings, django_capture_on_commit_callbacks
):
    row = request_report(programme=plan.programme, as_of=D(2024, 4, 1), by=staff)
    good = default_storage.save(
        "monitoraggio/rapporti/buono.pdf", ContentFile(b"%PDF-1.7 buono %%EOF")
    )
    MonitoringReport.objects.filter(pk=row.pk).update(pdf_status=PdfStatus.READY, pdf_file=good)

    settings.MONITORING_REPORT_RENDERER = "tests.monitoring.faults.render_report"
    row = request_report(programme=plan.programme, as_of=D(2024, 4, 1), by=staff)  # again
    with pytest.raises(RuntimeError):
        report.run_report_render(report_pk=row.pk, final_attempt=True)
    row.refresh_from_db()
    assert row.pdf_status == PdfStatus.FAILED
    assert row.pdf_error == "RuntimeError: Guasto simulato dal test"
    assert row.pdf_file.name == good and default_storage.exists(good)
    page = staff_client.get(
        reverse("redazione:monitoring_reports", args=["piano"])
    ).content.decode()
    assert "Guasto simulato dal test" in page
    # the public still gets the good one
    response = staff_client.get(reverse("monitoring:report_pdf", args=["piano", "2024-04-01"]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 buono %%EOF"
    # a report that is ready is not rendered again by a stray message
    MonitoringReport.objects.filter(pk=row.pk).update(pdf_status=PdfStatus.READY)
    assert report.run_report_render(report_pk=row.pk) is None


def test_the_public_lists_the_reports_with_a_pdf(client, plan, staff):
    name = default_storage.save("monitoraggio/rapporti/r.pdf", ContentFile(b"%PDF-1.7 %%EOF"))
    ready = MonitoringReport.objects.create(
        programme=plan.programme, as_of=D(2024, 7, 1), version=plan.version, requested_by=staff,
        pdf_status=PdfStatus.READY, pdf_file=name,
    )  # fmt: skip
    MonitoringReport.objects.create(
        programme=plan.programme, as_of=D(2024, 4, 1), version=plan.version, requested_by=staff
    )
    page = client.get(reverse("monitoring:reports", args=["piano"])).content.decode()
    assert "Rapporto al 1 luglio 2024" in page and "1 aprile 2024" not in page
    response = client.get(reverse("monitoring:report_pdf", args=["piano", "2024-07-01"]))
    assert response["Content-Type"] == "application/pdf"
    assert "piano-rapporto-di-monitoraggio-2024-07-01.pdf" in response["Content-Disposition"]
    assert (
        client.get(reverse("monitoring:report_pdf", args=["piano", "2024-04-01"])).status_code
        == 404
    )
    assert client.get("/programmi/piano/attuazione/rapporti/2024-13-45.pdf").status_code == 404
    assert ready.pdf_file


@pytest.mark.parametrize("size", [1, 5])
def test_the_public_list_takes_the_same_queries_whatever_the_reports(
    client, plan, staff, size, django_assert_num_queries
):
    for day in range(1, size + 1):
        MonitoringReport.objects.create(
            programme=plan.programme, as_of=D(2024, 8, day), version=plan.version,
            requested_by=staff, pdf_status=PdfStatus.READY,
            pdf_file=f"monitoraggio/rapporti/{day}.pdf",
        )  # fmt: skip
    url = reverse("monitoring:reports", args=["piano"])
    client.get(url)  # the site's own first-request reads
    # the programme, the reports with their versions (the menu's programmes are kept by the
    # process since the first request: patto.cache.kept)
    with django_assert_num_queries(2):
        page = client.get(url, HTTP_CACHE_CONTROL="no-cache").content.decode()
    assert page.count("Rapporto al") == size


def test_the_cover_of_a_report_on_the_8th_says_all_8(plan, staff):
    """The PDF's cover: «La situazione all'8 aprile 2024», «fino all'8 aprile 2024»."""
    html = html_at(plan, staff, D(2024, 4, 8))
    assert "rapporto di monitoraggio all&#x27;8 aprile 2024</title>" in html
    assert "La situazione all&#x27;8 aprile 2024" in html
    assert "con i dati registrati fino all&#x27;8 aprile 2024" in html
    assert "al 8" not in html
    html = html_at(plan, staff, D(2024, 4, 11))
    assert "La situazione all&#x27;11 aprile 2024" in html
