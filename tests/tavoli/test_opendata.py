"""The contributions as open data: CSV and JSON, one record per contribution, no personal data."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIELDS = [
    "id",
    "programme",
    "table",
    "table_title",
    "meeting_id",
    "kind",
    "title",
    "text",
    "author_name",
    "body",
    "actor_category",
    "submitted_on",
    "status",
    "response",
    "answered_at",
    "led_to",
    "channel",
    "version",
    "about",
    "about_code",
    "url",
]


def get_csv(client, **params):
    response = client.get(reverse("tavoli:opendata_csv", args=["patto"]), params)
    assert response.status_code == 200
    return response, list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def get_json(client, **params):
    response = client.get(reverse("tavoli:opendata_json", args=["patto"]), params)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_csv_is_a_utf8_attachment_with_a_header(client, world):
    response, rows = get_csv(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="contributi-patto.csv"'
    assert response.content.decode("utf-8").splitlines()[0] == ",".join(FIELDS)
    assert len(rows) == 5
    assert "Politiche per l'abitare" in response.content.decode("utf-8")  # not mangled


def test_csv_row_of_an_answered_contribution(client, world):
    _response, rows = get_csv(client)
    contribution = world.contributions["sfratti"]
    row = next(r for r in rows if r["id"] == str(contribution.pk))
    assert row == {
        "id": str(contribution.pk),
        "programme": "patto",
        "table": "2017-abitare",
        "table_title": "Politiche per l'abitare",
        "meeting_id": str(world.meeting.pk),
        "kind": "critical_issue",
        "title": "Famiglie sotto sfratto senza soluzioni ponte",
        "text": "Tra lo sfratto e la casa popolare passano mesi.",
        "author_name": "Comitato inquilini",
        "body": "Cooperativa Il Ponte",
        "actor_category": "cooperative",
        "submitted_on": "2017-10-19",
        "status": "accepted",
        "response": "Accolto: ne è nato il fondo per le locazioni.",
        "answered_at": "2017-12-15T11:00:00+01:00",  # Europe/Rome
        "led_to": "1:2.2.2|1:2.2.5",  # version:code, the draft's action left out
        "channel": "table",
        "version": "",
        "about": "",
        "about_code": "",
        "url": f"http://testserver/programmi/patto/contributi/{contribution.pk}/",
    }


def test_csv_row_of_a_waiting_contribution_has_empty_cells(client, world):
    _response, rows = get_csv(client)
    row = next(r for r in rows if r["id"] == str(world.contributions["montagna"].pk))
    assert row["table"] == row["body"] == row["submitted_on"] == row["answered_at"] == ""
    assert row["led_to"] == row["response"] == ""
    assert row["status"] == "received"


def test_json_has_contributions_generation_time_and_licence(client, world):
    response, data = get_json(client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="contributi-patto.json"'
    assert data["licence"] == "CC BY 4.0"
    assert data["programme"] == "patto"
    assert datetime.datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert len(data["contributions"]) == 5
    assert all(list(record) == FIELDS for record in data["contributions"])
    record = next(r for r in data["contributions"] if r["title"].startswith("Famiglie"))
    assert record["meeting_id"] == world.meeting.pk
    assert record["led_to"] == [
        {
            "version": 1,
            "code": "2.2.2",
            "url": "http://testserver/programmi/patto/versioni/1/azioni/2.2.2/",
        },
        {
            "version": 1,
            "code": "2.2.5",
            "url": "http://testserver/programmi/patto/versioni/1/azioni/2.2.5/",
        },
    ]
    waiting = next(r for r in data["contributions"] if r["title"].startswith("Assistenti"))
    assert waiting["table"] is None and waiting["answered_at"] is None
    assert waiting["led_to"] == []


def test_no_personal_data_in_the_exports(client, world):
    for url in ("tavoli:opendata_csv", "tavoli:opendata_json"):
        body = client.get(reverse(url, args=["patto"])).content.decode("utf-8")
        assert "mario.rossi" not in body  # the author's username and e-mail address
        assert "@" not in body
        assert "answered_by" not in body and '"author"' not in body


def test_only_the_programmes_contributions(client, world):
    _response, data = get_json(client)
    assert "Contributo del Piano metropolitano" not in {r["title"] for r in data["contributions"]}


def test_exports_follow_the_list_filters(client, world):
    _response, rows = get_csv(client, tavolo="2017-abitare", esito="accepted")
    assert [r["title"] for r in rows] == ["Famiglie sotto sfratto senza soluzioni ponte"]
    _response, data = get_json(client, tipo="request")
    assert {r["title"] for r in data["contributions"]} == {
        "Fondi per gli affitti più rapidi",
        "Un contributo per ogni posto di servizio civile",
    }


def test_an_invalid_filter_is_a_bad_request(client, world):
    for url in ("tavoli:opendata_csv", "tavoli:opendata_json"):
        response = client.get(reverse(url, args=["patto"]), {"esito": "maybe"})
        assert response.status_code == 400


def test_unknown_programme_is_404(client, db):
    assert client.get(reverse("tavoli:opendata_csv", args=["nessuno"])).status_code == 404
    assert client.get(reverse("tavoli:opendata_json", args=["nessuno"])).status_code == 404


def test_open_data_urls(world):
    assert reverse("tavoli:opendata_csv", args=["patto"]) == "/programmi/patto/contributi.csv"
    assert (
        reverse("tavoli:opendata_excel", args=["patto"]) == "/programmi/patto/contributi-excel.csv"
    )
    assert reverse("tavoli:opendata_json", args=["patto"]) == "/programmi/patto/contributi.json"
