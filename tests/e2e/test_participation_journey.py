"""Issue 9's journey, in a real browser against a real portal (and, with REDIS_URL, a real
Celery worker sending the e-mails): a person signs up, confirms the address from the e-mail,
registers for a meeting, leaves a contribution on an action of the proposal under consultation;
the redazione approves it and answers it; the person finds the answer on the action's page and in
their mailbox, with a one-click unsubscribe link."""

import re

import pytest

from tests.e2e.portal import approve_in_queue, log_in, log_in_as, log_out

pytestmark = pytest.mark.browser

EMAIL = "giulia.ferrero@example.org"
PASSWORD = "una-password-lunga-2026"
TITLE = "Sportello unico anche il sabato mattina"
RESPONSE = "Accolto: lo sportello aprirà il sabato mattina in via sperimentale."

# the demo's first upcoming meeting with a capacity (it has free places), and the first action
# of the version under the Piano's open consultation
LOOKUP = """
from incontri.models import Meeting
from matrice.models import Action
from patto.models import Programme
from tavoli.consultation import consultation_of
meeting = Meeting.objects.upcoming().filter(capacity__isnull=False).order_by("date").first()
print(meeting.get_absolute_url())
for programme in Programme.objects.all():
    consultation = consultation_of(programme)
    if consultation.is_open:
        action = Action.objects.filter(area__policy__version=consultation.version).order_by(
            "area__policy__position", "area__position", "position").first()
        print(action.get_absolute_url())
        break
"""


def wait_for_mail(portal_url, to, subject_pattern, timeout=60):
    return portal_url.wait_for_mails(to, subject_pattern, timeout=timeout)[-1]


def decoded(message, header):
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message[header] or "")))


def text_of(message) -> str:
    part = message
    if message.is_multipart():
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_sign_up_register_contribute_and_read_the_answer(page, portal_url):
    output = portal_url.manage("shell", "-c", LOOKUP)
    meeting_url, action_url = [line for line in output.split() if line.startswith("/")]

    # sign up; the portal asks to confirm the address
    page.goto(f"{portal_url}/account/signup/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=first_name]", "Giulia")
    page.fill("input[name=last_name]", "Ferrero")
    page.fill("input[name=body_name]", "Associazione Il Ponte")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form:has(input[name=password2]) [type=submit]").click()
    page.wait_for_load_state()
    assert "/account/confirm-email/" in page.url or "email" in page.url

    # the confirmation e-mail, from the test mailbox; its link confirms with one click
    confirmation = wait_for_mail(portal_url, EMAIL, r"[Cc]onferma")
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", text_of(confirmation)).group(0)
    page.goto(link)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    if page.locator("input[name=login]").count():  # not logged in on confirmation
        log_in(page, portal_url, EMAIL, PASSWORD)
    page.goto(portal_url + "/profilo/")
    assert page.locator("input[name=first_name]").input_value() == "Giulia"

    # register for the meeting: the body comes from the profile
    page.goto(portal_url + meeting_url)
    box = page.locator("#iscrizione")
    assert box.locator("input[name=body_name]").input_value() == "Associazione Il Ponte"
    box.get_by_role("button", name="Iscriviti").click()
    page.wait_for_load_state()
    assert "iscrizione a questo incontro è confermata" in page.locator("#iscrizione").inner_text()
    registered = wait_for_mail(portal_url, EMAIL, r"[Ii]scrizione")
    assert registered["List-Unsubscribe"]

    # a text too long is not cut: the box says by how much, the server refuses it and gives
    # it back whole
    page.goto(portal_url + action_url)
    form = page.locator("form.consultation-form")
    form.locator("select[name=kind]").select_option("proposal")
    form.locator("input[name=title]").fill(TITLE)
    too_long = ("Un testo lungo. " * 628).strip()  # 10,047 characters
    form.locator("textarea[name=text]").fill(too_long)
    assert form.locator(".text-limit").inner_text() == (
        "10.047 caratteri su 10.000: accorcia il testo di 47 prima di inviarlo."
    )
    form.get_by_role("button", name="Invia il contributo").click()
    page.wait_for_load_state()
    assert "Scrivi al massimo 10.000 caratteri (ne hai scritti 10.047)" in page.content()
    assert page.locator("textarea[name=text]").input_value() == too_long

    # a contribution on an action of the proposal under consultation
    page.goto(portal_url + action_url)
    form = page.locator("form.consultation-form")
    form.locator("select[name=kind]").select_option("proposal")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=text]").fill(
        "Molte famiglie lavorano durante la settimana: chiediamo un'apertura il sabato."
    )
    form.get_by_role("button", name="Invia il contributo").click()
    page.wait_for_load_state()
    assert TITLE in page.content()
    assert "in attesa di moderazione" in page.content().lower()

    # the redazione approves it and answers it
    log_out(page)
    log_in_as(page, portal_url, "staff")
    approve_in_queue(page, portal_url, TITLE)
    assert page.get_by_role("button", name=re.compile("^Approva")).count() == 0
    answer = page.locator("form:has(textarea[name=response])")
    answer.locator("select[name=status]").select_option("accepted")
    answer.locator("textarea[name=response]").fill(RESPONSE)
    answer.get_by_role("button", name="Salva la risposta").click()
    page.wait_for_load_state()

    # anyone (here: an anonymous visitor) reads the answer on the action's page
    log_out(page)
    page.goto(portal_url + action_url)
    assert TITLE in page.content()
    assert RESPONSE in page.content()
    assert "Accolto" in page.content()

    # and the person hears about it by e-mail, with a one-click unsubscribe
    answered = wait_for_mail(portal_url, EMAIL, TITLE[:20] + "|[Rr]isposta|esito")
    assert RESPONSE[:30] in text_of(answered)
    unsubscribe = re.search(r"https?://\S+/disiscrizione/\S+/", text_of(answered)).group(0)
    assert " ".join(answered["List-Unsubscribe"].split()) == f"<{unsubscribe}>"
    page.goto(unsubscribe)
    page.get_by_role("button", name="Non ricevere più queste email").click()
    assert "non arriveranno più email" in page.locator("main").inner_text()
