"""Property-based tests (hypothesis) of every form of the staff area: each URL of /redazione/
(enumerated from the URL configuration, so a new form is fuzzed without anyone listing it) is
sent hostile values for each of its form's fields — long, empty, unicode, HTML/JS and SQL
strings, NUL bytes, impossible dates and numbers, ids that do not exist, files that are not PDFs.
The answer is never a 500: either the change is accepted (a redirect), or the form comes back
with a message and nothing at all is stored."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import strategies
from tests.people import login_as
from tests.security.test_idor import area_patterns, kwargs_for, snapshot, world  # noqa: F401

pytestmark = pytest.mark.django_db

# a field's error, a form's error, or templates/400.html (a body Django cannot parse)
ERROR_MARKS = (
    "invalid-feedback",
    "alert-danger",
    "is-invalid",
    "text-danger",
    "Il portale non ha potuto leggere",
)

STAFF_URLS = [(n, params, kind) for ns, n, params, kind in area_patterns() if ns == "redazione"]


def forms_in(response) -> list[forms.BaseForm]:
    context = response.context or {}
    found = []
    for layer in context if isinstance(context, list) else [context]:
        values = layer.flatten().values() if hasattr(layer, "flatten") else layer.values()
        for value in values:
            if isinstance(value, forms.BaseForm) and value not in found:
                found.append(value)
    return found


def fields_of(client, url) -> dict:
    """The fields of the forms a person sees at ``url``, or, for a POST-only URL, on the page
    it belongs to (``…/<pk>/verbale/`` → ``…/<pk>/``)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.get(url.rstrip("/").rsplit("/", 1)[0] + "/")
    fields = {}
    for form in forms_in(response):
        for name, field in form.fields.items():
            fields.setdefault(form.add_prefix(name), field)
    return fields


def value_strategies(fields) -> dict:
    """A strategy of hostile values per field, built once: the choices a field offers come from
    the database, which the examples change (an added member leaves the list of bodies), and
    hypothesis needs the same strategies from one example to the next."""
    return {name: strategies.value_for(field) for name, field in fields.items()}


def post_data(data, fields, values_of) -> dict:
    values = {}
    for name, field in fields.items():
        if data.draw(st.booleans(), label=f"send {name}") or field.required:
            value = data.draw(values_of[name], label=name)
            if isinstance(field, forms.FileField):
                value = SimpleUploadedFile(value[0], value[1], "application/pdf")
            values[name] = value
    return values


@pytest.mark.parametrize(("name", "params", "kind"), STAFF_URLS, ids=[u[0] for u in STAFF_URLS])
def test_hostile_input_to_a_staff_form_is_refused_with_a_message(
    client,
    world,  # noqa: F811 - the fixture imported above
    name,
    params,
    kind,
):
    login_as(client, "staff")
    url = reverse(f"redazione:{name}", kwargs=kwargs_for(world, name, params, kind))
    fields = fields_of(client, url)
    if not fields:
        pytest.skip(f"{name}: no form on this page")  # a page without input, listed as skipped
    values_of = value_strategies(fields)

    @given(data=st.data())
    def check(data):
        values = post_data(data, fields, values_of)
        before = snapshot()
        response = client.post(url, values)
        assert response.status_code < 500
        if response.status_code == 405:  # a page whose only form filters it (GET)
            values = {k: v for k, v in values.items() if not hasattr(v, "read")}
            response = client.get(url, values)
            assert response.status_code in (200, 400), response.status_code
            assert snapshot() == before
        elif response.status_code in (200, 400, 409):
            page = response.content.decode()
            assert any(mark in page for mark in ERROR_MARKS) or any(
                f.errors for f in forms_in(response)
            ), f"{url}: refused without a message"
            assert snapshot() == before, f"{url}: a refused form stored something"
        elif response.status_code == 404:
            assert snapshot() == before
        else:
            assert response.status_code == 302, response.status_code

    check()


def test_a_minutes_upload_that_is_not_a_pdf_is_refused_whatever_its_name(
    client,
    world,  # noqa: F811 - the fixture imported above
):
    login_as(client, "staff")
    meeting = world["meeting"]
    url = reverse("redazione:incontri_meeting_minutes", args=[meeting.pk])
    stored = meeting.minutes_file.read()

    @given(
        name=strategies.file_name,
        content=strategies.file_content.filter(lambda c: not c.startswith(b"%PDF-")),
    )
    def check(name, content):
        meeting.refresh_from_db()
        upload = SimpleUploadedFile(name, content, "application/pdf")
        data = {"revision": meeting.revision, "minutes": "", "minutes_file": upload}
        response = client.post(url, data)
        assert response.status_code in (200, 400), response.status_code
        assert "invalid-feedback" in response.content.decode() or any(
            f.errors for f in forms_in(response)
        )
        meeting.refresh_from_db()
        assert meeting.minutes_file.read() == stored

    check()
