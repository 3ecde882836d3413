"""Citizens find the meetings they came for, in a real browser with the demo content, on a wide
screen and on a phone: the next meetings (home page and /incontri/) are those one can still go
to, not the 2017 provincial meetings whose date was never published (they are among the past
ones, saying so); a meeting's page offers its .ics, which a calendar program reads, and the
Google Calendar and Outlook links, with the meeting's time, title, place and address."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.e2e.portal import Portal

pytestmark = pytest.mark.browser

ROME = ZoneInfo("Europe/Rome")
WIDTHS = [1280, 390]

# The demo's meetings as the test needs them: the 2017 provincial meetings with no public date,
# and the first meeting still ahead (an illustrative one of the Piano, dated from the day the
# demo was loaded).
LOOKUP = """
import json
from incontri.ical import location_text
from incontri.models import Meeting
undated = Meeting.objects.filter(date__isnull=True, title__startswith="Incontro provinciale")
first = Meeting.objects.upcoming().exclude(date=None).order_by("date", "start_time").first()
print(json.dumps({
    "undated": sorted(undated.values_list("title", flat=True)),
    "next": {
        "pk": first.pk, "title": first.title, "date": first.date.isoformat(),
        "start": first.start_time.isoformat(), "end": first.end_time.isoformat(),
        "location": location_text(first), "url": first.get_absolute_url(),
    },
}))
"""

# Each meeting card's title under the section heading before it: {heading: [titles]}.
SECTIONS = """
(root) => {
  const sections = {};
  let current = null;
  for (const el of root.querySelectorAll("h2, article")) {
    if (el.tagName === "H2") { current = el.innerText.trim(); sections[current] = []; }
    else if (current) { sections[current].push(el.querySelector("h3").innerText.trim()); }
  }
  return sections;
}
"""


@pytest.fixture(scope="module")
def demo(portal_url: Portal) -> dict:
    return json.loads(portal_url.manage("shell", "-c", LOOKUP).strip().splitlines()[-1])


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def screen(request, browser):
    context = browser.new_context(
        locale="it-IT", viewport={"width": request.param, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> bool:
    """Nothing wider than the screen (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_next_meetings_are_those_one_can_still_go_to(screen, portal_url, demo, tmp_path):
    page = screen
    assert len(demo["undated"]) == 4

    page.goto(portal_url + "/")
    upcoming = page.locator("section[aria-labelledby=meetings-title]")
    assert upcoming.get_by_role("heading", name="Prossimi incontri").is_visible()
    assert demo["next"]["title"] in upcoming.inner_text()
    for title in demo["undated"]:
        assert title not in upcoming.inner_text()
    assert fits(page)
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.goto(portal_url + "/incontri/")
    sections = page.locator("main").evaluate(SECTIONS)
    assert demo["next"]["title"] in sections["Prossimi incontri"]
    for title in demo["undated"]:
        assert title not in sections["Prossimi incontri"]
        assert title in sections["Incontri passati"]
        card = page.locator("article", has=page.get_by_role("link", name=title, exact=True))
        assert card.locator(".badge", has_text="Data mai pubblicata").is_visible()
        assert "ottobre–novembre 2017" in card.inner_text()
        assert "In programma" not in card.inner_text()
    assert fits(page)
    page.screenshot(path=tmp_path / "meetings.png", full_page=True)

    # their page says why they are among the past ones
    page.get_by_role("link", name=demo["undated"][0], exact=True).click()
    page.wait_for_load_state()
    note = page.get_by_role("note")
    assert "non è mai stata pubblicata" in note.inner_text()
    assert "30 novembre 2017" in note.inner_text()
    assert page.get_by_role("link", name="Aggiungi a Google Calendar").count() == 0


def test_a_meeting_page_offers_the_ics_and_the_google_and_outlook_links(
    screen, portal_url, demo, tmp_path
):
    page, meeting = screen, demo["next"]
    page.goto(portal_url + meeting["url"])
    box = page.locator(".card", has=page.get_by_role("heading", name="Nel tuo calendario"))
    start = datetime.datetime.fromisoformat(f"{meeting['date']}T{meeting['start']}")
    end = datetime.datetime.fromisoformat(f"{meeting['date']}T{meeting['end']}")
    start_utc = start.replace(tzinfo=ROME).astimezone(datetime.UTC)
    end_utc = end.replace(tzinfo=ROME).astimezone(datetime.UTC)
    page_address = portal_url + meeting["url"]

    # the .ics: downloaded as a file, read by a calendar program as the same meeting
    ics = box.get_by_role("link", name="Aggiungi al calendario (.ics)")
    assert ics.is_visible()
    with page.expect_download() as download:
        ics.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".ics"
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting["title"]
    assert event.decoded("DTSTART") == start.replace(tzinfo=ROME)
    assert event.decoded("DTEND") == end.replace(tzinfo=ROME)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert isinstance(event.decoded("SEQUENCE"), int)
    assert str(event["URL"]) == page_address

    # Google Calendar and Outlook, in a new tab, which screen readers are told
    for name in ("Aggiungi a Google Calendar", "Aggiungi a Outlook"):
        link = box.get_by_role("link", name=name)
        assert link.is_visible()
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
        assert "(si apre in una nuova scheda)" in link.locator(".visually-hidden").inner_text()

    google = urlsplit(
        box.get_by_role("link", name="Aggiungi a Google Calendar").get_attribute("href")
    )
    query = {k: v[0] for k, v in parse_qs(google.query).items()}
    assert (google.netloc, google.path, query["action"]) == (
        "calendar.google.com",
        "/calendar/render",
        "TEMPLATE",
    )
    assert query["text"] == meeting["title"]
    assert query["dates"] == f"{start_utc:%Y%m%dT%H%M%SZ}/{end_utc:%Y%m%dT%H%M%SZ}"
    assert query["ctz"] == "Europe/Rome"
    assert query["location"] == meeting["location"]
    assert page_address in query["details"]

    outlook = urlsplit(box.get_by_role("link", name="Aggiungi a Outlook").get_attribute("href"))
    query = {k: v[0] for k, v in parse_qs(outlook.query).items()}
    assert (outlook.netloc, query["rru"]) == ("outlook.live.com", "addevent")
    assert query["subject"] == meeting["title"]
    assert query["startdt"] == f"{start_utc:%Y-%m-%dT%H:%M:%SZ}"
    assert query["enddt"] == f"{end_utc:%Y-%m-%dT%H:%M:%SZ}"
    assert query["location"] == meeting["location"]
    assert page_address in query["body"]

    assert fits(page)
    page.screenshot(path=tmp_path / "meeting.png", full_page=True)
