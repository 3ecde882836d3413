"""Factories and small builders for the tables' and contributions' public pages."""

import datetime

import factory

from matrice.models import Action
from patto.models import PlanVersion
from tavoli.models import TableMembership
from tests.factories import ActionFactory, BodyFactory, PlanVersionFactory, ThematicTableFactory


class TableMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableMembership

    table = factory.SubFactory(ThematicTableFactory)
    body = factory.SubFactory(BodyFactory)
    role = "Componente"


def version_with_actions(programme, *, status, number, codes) -> tuple[PlanVersion, list[Action]]:
    """A version of ``programme`` with one action per code, then moved to ``status`` (content is
    written while the version is a draft, as the portal does)."""
    version = PlanVersionFactory(programme=programme, number=number)
    actions = [
        ActionFactory(area__policy__version=version, code=code, title=f"Azione {code}")
        for code in codes
    ]
    if status != "draft":
        PlanVersion.objects.filter(pk=version.pk).update(status=status, fingerprint="f" * 64)
        version.refresh_from_db()
    return version, actions


def answered(**kwargs) -> dict:
    """Keyword arguments for an answered contribution (an outcome always has a response)."""
    return {
        "response": "Motivazione dell'esito.",
        "answered_at": datetime.datetime(2017, 12, 15, 10, 0, tzinfo=datetime.UTC),
        **kwargs,
    }
