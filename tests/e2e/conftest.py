"""The browser tests share one portal and one Chromium. Under pytest-xdist they all run in one
process, one after the other (tests/conftest.py's scheduling), so the portal's migrate and demo
load happen once; the portal stops when they are done (package scope), so its Celery worker
never takes the messages of the PDF tests' worker, which uses the same Redis database."""

import os
import shutil

import pytest

from tests.conftest import IN_CI
from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS, running_portal


@pytest.fixture(scope="package")
def portal_url(tmp_path_factory):
    with running_portal(tmp_path_factory.mktemp("portal")) as url:
        yield url


@pytest.fixture(scope="package")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
