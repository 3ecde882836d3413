"""factory-boy factories for the domain models."""

import datetime

import factory
from django.contrib.auth.models import Group

from incontri.models import Meeting, MeetingKind
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import REDAZIONE_GROUP, Phase, PlanVersion, Programme, ProgrammeKind, User
from tavoli.models import Body, Contribution, ContributionKind, ThematicTable
from zone.models import Municipality, Province, SpokespersonAssignment, Zone


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("pw-for-tests-only")


class StaffFactory(UserFactory):
    @factory.post_generation
    def redazione(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get_or_create(name=REDAZIONE_GROUP)[0])


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("istat_code",)

    istat_code = "001"
    name = "Torino"
    abbreviation = "TO"
    is_metropolitan_city = True


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Zona di prova {n + 1}")
    full_name = factory.SelfAttribute("name")
    province = factory.SubFactory(ProvinceFactory)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    istat_code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Comune {n}")
    province = factory.SubFactory(ProvinceFactory)


class SpokespersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpokespersonAssignment

    zone = factory.SubFactory(ZoneFactory)
    user = factory.SubFactory(UserFactory)
    start_date = datetime.date(2016, 1, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programma-{n}")
    kind = ProgrammeKind.PIANO
    title = factory.Sequence(lambda n: f"Programma {n}")
    promoter = "Città Metropolitana di Torino"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Fase {n}")


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    version = factory.SubFactory(PlanVersionFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Strumento {n}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    version = factory.SubFactory(PlanVersionFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Destinatari {n}")


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    version = factory.SubFactory(PlanVersionFactory)
    code = factory.Sequence(lambda n: f"{n}")
    title = factory.Sequence(lambda n: f"Politica {n}")


class ActionAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionArea

    policy = factory.SubFactory(PolicyFactory)
    version = factory.SelfAttribute("policy.version")
    code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Ambito {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    area = factory.SubFactory(ActionAreaFactory)
    version = factory.SelfAttribute("area.version")
    code = factory.Sequence(lambda n: f"X{n}")
    title = factory.Sequence(lambda n: f"Azione {n}")
    description = "Descrizione dell'azione."


class ThematicTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicTable

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"tavolo-{n}")
    title = factory.Sequence(lambda n: f"Tavolo {n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Ente {n}")


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    programme = factory.SubFactory(ProgrammeFactory)
    kind = ContributionKind.PROPOSAL
    title = factory.Sequence(lambda n: f"Contributo {n}")
    text = "Testo del contributo."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    programme = factory.SubFactory(ProgrammeFactory)
    kind = MeetingKind.PROVINCIAL
    title = factory.Sequence(lambda n: f"Incontro {n}")
    date = datetime.date(2017, 10, 19)
