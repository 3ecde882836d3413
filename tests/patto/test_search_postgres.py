"""The search on PostgreSQL: the text search configuration stems Italian words without their
accents, the stored documents follow their rows (a trigger writes them), every kind's query is
answered from its GIN index, and the comuni's names from their trigram index."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from patto.search import queries, terms
from patto.search.documents import CONFIG, FIELDS, document, index_name
from tests.factories import MeetingFactory
from zone.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("postgres")]


def test_the_configuration_stems_italian_words_without_accents():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector(%s, 'Famiglie con disabilità'), to_tsquery(%s, 'famiglia:*')",
            [CONFIG, CONFIG],
        )
        document, query = cursor.fetchone()
    assert document == "'disabil':3 'famigl':1"
    assert query == "'famigl':*"


def test_a_row_s_document_follows_its_text():
    meeting = MeetingFactory(title="Assemblea delle famiglie")
    found = SearchQuery("famiglia", config=CONFIG)

    def finds():
        rows = type(meeting).objects.annotate(document=document("meeting"))
        return rows.filter(document=found, pk=meeting.pk).exists()

    assert finds()
    meeting.title = "Assemblea dei giovani"
    meeting.save()
    assert not finds()


@pytest.mark.parametrize("kind", list(FIELDS))
def test_every_kind_is_found_through_its_index(kind):
    model = next(k for k in queries.KINDS if k.name == kind).candidates().model
    found = SearchQuery(terms.tsquery(terms.read("famiglia")), search_type="raw", config=CONFIG)
    rows = model.objects.annotate(document=document(kind)).filter(document=found)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert index_name(kind) in rows.explain(), FIELDS[kind][0]


def test_the_comuni_are_found_through_their_trigrams():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Municipality.objects.filter(search_name__trigram_word_similar="pinerlo").explain()
    assert "search_municipality_trigrams" in plan
