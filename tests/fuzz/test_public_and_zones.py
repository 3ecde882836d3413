"""Property-based tests (hypothesis) of the public inputs, the spokesperson's decision and the
zone membership import: hostile query strings, form values and files never give a 500; a refused
decision or import stores nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from patto.models import Validation, ValidationDraft
from tests.fuzz.strategies import an_id, file_content, text
from tests.security.test_idor import snapshot, world  # noqa: F401
from zone.models import Municipality
from zone.reference_data import load_reference_data
from zone.services import import_zone_membership
from zone.spreadsheet import MembershipImportError

pytestmark = pytest.mark.django_db

NOT_READ = "Il portale non ha potuto leggere"  # templates/400.html: a body Django cannot parse

FILTERS = ["q", "politica", "ambito", "strumento", "destinatari", "zona", "tavolo", "page", "o"]
query = st.dictionaries(
    st.one_of(st.sampled_from(FILTERS), text),
    st.one_of(text, an_id, st.lists(text, max_size=3)),
    max_size=6,
)


def test_the_comune_search_answers_any_query(client):
    url = reverse("zone:municipality_search")

    @given(q=text, htmx=st.booleans())
    @example(q="Pine\x00rolo", htmx=False)  # NUL: refused by the request guard, with a 400
    def check(q, htmx):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.get(url, {"q": q}, **headers)
        assert response.status_code in (200, 400), response.status_code

    check()


SEARCH = ["q", "tipo", "programma", "page"]


def test_the_site_search_answers_any_query(client, world):  # noqa: F811
    """/cerca/ with any text, kind, programme and page: an answer, never a 500."""

    @given(
        params=st.dictionaries(
            st.one_of(st.sampled_from(SEARCH), text),
            st.one_of(text, an_id, st.sampled_from(["azioni", "comuni", "999", "-1"])),
            max_size=5,
        )
    )
    @example(params={"q": "famiglie", "tipo": "azioni", "page": "999"})
    @example(params={"q": "famiglie\x00"})  # NUL: refused by the request guard, with a 400
    def check(params):
        response = client.get("/cerca/", params)
        assert response.status_code in (200, 400), response.status_code

    check()


def test_the_action_list_answers_any_filters(client, world):  # noqa: F811
    version = world["submitted"].version
    url = reverse("matrice:actions", args=[version.programme.slug, version.number])
    assert client.get(url).status_code == 200

    @given(params=query)
    @example(params={"zona": "\x00", "q": "famiglie"})
    @example(params={"\x00": "1"})
    def check(params):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), response.status_code

    check()


def typed(text: str) -> str:
    """``text`` as the review form keeps it: stripped, each line break one LF."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n").strip()


STEPS = ["check", "confirm", "save", "back", "write:policy:"]


def test_a_spokespersons_hostile_decision_is_refused_or_stored_as_written(client, world):  # noqa: F811
    version = world["submitted"].version
    zone = world["zones"][0]
    url = reverse("portavoce:review", args=[version.pk, zone.number])
    client.force_login(world["spokesperson_a"])
    policy_key = world["submitted"].policy.key

    @given(
        step=st.one_of(st.sampled_from([*STEPS[:4], f"write:policy:{policy_key}"]), text),
        decision=st.one_of(st.sampled_from(["approved", "changes_requested"]), text),
        reason=text,
        remarks=st.dictionaries(
            st.one_of(st.just(f"remark-policy-{policy_key}"), text.map(lambda t: f"remark-{t}")),
            text,
            max_size=3,
        ),
    )
    @example(step="confirm", decision="approved", reason="", remarks={"remark-x": "no item"})
    @example(step="save", decision="", reason="", remarks={f"remark-policy-{policy_key}": "\x00"})
    def check(step, decision, reason, remarks):
        decided = Validation.objects.filter(version=version, zone=zone).exists()
        before = snapshot()
        data = {"step": step, "decision": decision, "reason": reason, **remarks}
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code != 302:  # a page: the form again, or the confirmation
            assert snapshot() == before
        if response.status_code == 400:
            page = response.content.decode()
            assert any(m in page for m in ("text-danger", "alert-danger", NOT_READ))
        elif response.status_code == 302 and step == "save":
            assert not decided
            draft = ValidationDraft.objects.filter(version=version, zone=zone).first()
            if draft is not None:
                assert draft.decision == decision and draft.reason == typed(reason)
        elif response.status_code == 302:
            assert step == "confirm" and not decided  # a zone decides once
            validation = Validation.objects.get(version=version, zone=zone)
            assert validation.decision == decision
            assert validation.reason == typed(reason)
            assert not ValidationDraft.objects.filter(version=version, zone=zone).exists()

    check()


@pytest.fixture
def reference(db):
    load_reference_data(data_dir=settings.REFERENCE_DATA_DIR)


HEADERS = ["", "zona;comune\n", "zona,codice istat\n", "Zona omogenea;Denominazione;Fonte\n"]
csv_text = st.tuples(
    st.sampled_from(HEADERS),
    st.lists(st.lists(st.one_of(text, an_id), max_size=4).map(";".join), max_size=6),
).map(lambda t: t[0] + "\n".join(t[1]))


def test_a_malformed_membership_file_is_refused_with_a_message(reference, tmp_path):
    @given(
        suffix=st.sampled_from([".csv", ".ods", ".xlsx", ".CSV", ""]),
        content=st.one_of(file_content, csv_text.map(lambda t: t.encode("utf-8", "replace"))),
        encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    )
    def check(suffix, content, encoding):
        path = Path(tmp_path) / f"elenco{suffix}"
        path.write_bytes(
            content
            if encoding == "utf-8"
            else content.decode(errors="replace").encode(encoding, "replace")
        )
        before = list(Municipality.objects.order_by("pk").values_list("zone", "zone_source"))
        try:
            import_zone_membership(path=path)
        except MembershipImportError as exc:
            assert exc.messages and all(m.strip() for m in exc.messages)
            after = list(Municipality.objects.order_by("pk").values_list("zone", "zone_source"))
            assert after == before
            with pytest.raises(CommandError):  # the command refuses it too, with a message
                call_command("import_zone_membership", str(path), "--dry-run")

    check()


DOWNLOAD_FILTERS = ["programma", "q", "tavolo", "tipo", "esito", "canale", "categoria", "p"]
download_query = st.dictionaries(
    st.one_of(st.sampled_from(DOWNLOAD_FILTERS), text),
    st.one_of(text, an_id, st.lists(text, max_size=3)),
    max_size=5,
)


@pytest.mark.parametrize("format", ["csv", "excel", "json"])
def test_the_open_data_downloads_answer_any_query(client, world, format):  # noqa: F811
    """A file, or a 400/404 page in Italian: never a 500, whatever the query string."""
    version = world["submitted"].version
    slug = version.programme.slug
    urls = [
        reverse(f"matrice:actions_{format}", args=[slug, version.number]),
        reverse(f"tavoli:opendata_{format}", args=[slug]),
        reverse(f"incontri:opendata_{format}"),
    ]

    @given(params=download_query)
    @example(params={"programma": "\x00"})
    @example(params={"esito": "x" * 5001, "tavolo": "'; DROP TABLE x; --"})
    def check(params):
        for address in urls:
            response = client.get(address, params)
            assert response.status_code in (200, 400, 404), (address, response.status_code)
            if response.status_code != 200:
                assert response["Content-Type"].startswith("text/html")
                assert '<html lang="it"' in response.content.decode()

    check()
