"""AgID's own checker, spid-sp-test, run on the portal as AgID's onboarding runs it: the
metadata and the authentication request with the profiles of a public administration's service
provider (spid-sp-public, and cie-sp-public for the CIE's metadata), and the suite of answers
(-tr: a good answer and every malformed or forged one the tool sends) against the portal
running here; every check must pass. Each run is one subprocess; its JSON report is read back."""

import json
import subprocess

import pytest

from patto.models import SpidIdentity
from tests.spid.conftest import TEST_IDP

pytestmark = pytest.mark.django_db(transaction=True)


def checks(report: dict) -> dict[str, list[dict]]:
    """{category: [check, ...]} of spid-sp-test's JSON report (test → sp → category → class)."""
    return {
        category: [check for results in classes.values() for check in results]
        for category, classes in report["test"]["sp"].items()
    }


def run_checker(binary, tmp_path, *args) -> dict[str, list[dict]]:
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [binary, *args, "-rf", "json", "-o", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.exists(), completed.stderr[-3000:]
    found = checks(json.loads(report.read_text()))
    failed = [
        f"{check['test']}: {check['value']}"
        for results in found.values()
        for check in results
        if check["result"] != "success"
    ]
    assert not failed, failed
    assert completed.returncode == 0, completed.stderr[-3000:]
    return found


def test_spid_metadata_request_and_every_answer(spid_live, spid_sp_test, tmp_path):
    """spid-sp-public with the extra checks: metadata, authentication request and the whole
    response suite."""
    url = spid_live.url
    report = run_checker(
        spid_sp_test,
        tmp_path,
        *("--metadata-url", f"{url}/spid/metadata/"),
        *("--authn-url", f"{url}/spid/accedi/?idp={TEST_IDP}"),
        *("-pr", "spid-sp-public", "--extra", "-tr"),
    )
    print({category: len(results) for category, results in report.items()})
    # with --extra the report files the strict checks (88 and 45) under the extra ones' names;
    # a failed check of either makes the tool exit non-zero (run_checker)
    assert len(report["metadata_extra"]) >= 100
    assert len(report["authnrequest_extra"]) >= 45
    # every answer of the suite was sent, and the portal answered each as it must
    assert len(report["response"]) > 90
    # the good answers logged the test identity in: its account was made once, then found
    identity = SpidIdentity.objects.select_related("user").get()
    assert identity.fiscal_number == "GDASDV00A01H501J"
    assert (identity.user.email, identity.user.first_name) == (
        "spid.tech@agid.gov.it",
        "SpidValidator",
    )
    assert identity.last_idp == TEST_IDP


def test_cie_metadata_request_and_every_answer(spid_live, spid_sp_test, tmp_path):
    """cie-sp-public with the extra checks: the CIE's metadata, the request and the response
    suite."""
    url = spid_live.url
    report = run_checker(
        spid_sp_test,
        tmp_path,
        *("--metadata-url", f"{url}/spid/metadata/?cie=1"),
        *("--authn-url", f"{url}/spid/accedi/?idp={TEST_IDP}"),
        *("-pr", "cie-sp-public", "--extra", "-tr"),
    )
    print({category: len(results) for category, results in report.items()})
    assert len(report["metadata_extra"]) >= 76
    assert len(report["authnrequest_extra"]) >= 45
    assert len(report["response"]) > 90
