"""Factories and small builders for the tables' and contributions' pages."""

import datetime

import factory

from tavoli.models import TableMembership
from tests.factories import BodyFactory, ThematicTableFactory


class TableMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableMembership

    table = factory.SubFactory(ThematicTableFactory)
    body = factory.SubFactory(BodyFactory)
    role = "Componente"


def answered(**kwargs) -> dict:
    """Keyword arguments for an answered contribution (an outcome always has a response)."""
    return {
        "response": "Motivazione dell'esito.",
        "answered_at": datetime.datetime(2017, 12, 15, 10, 0, tzinfo=datetime.UTC),
        **kwargs,
    }
