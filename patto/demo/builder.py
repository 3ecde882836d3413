"""Build the demo content through the services: Regione Piemonte's *Patto di sviluppo di comunità
solidali* (seed 000) and the Città Metropolitana di Torino's *Piano Sociale Metropolitano* (seed
002), plus the 2017 meetings of ``data/incontri_2017.csv``.

What the demo says is in ``patto/demo/data/*.toml``, read by ``patto.demo.content``; this module
says how it becomes rows. What the seeds say is used as they say it. Everything the seeds do not
say (the Piano's actions, most tools and targets, every contribution, the table members other
than the Regione) is illustrative and says so in its own text, so nobody mistakes it for the real
plan.

``load_demo()`` is idempotent: every row is looked up by a natural key (slug, code, e-mail,
title) and created only when missing; a plan version is built only if it does not exist yet.
Version changes go through the services (``patto.programme.services``,
``patto.validation.services``), as everywhere else.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from incontri.models import Meeting, MeetingKind, MeetingStatus, Registration, RegistrationStatus
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.cache.pages import content_changed
from patto.demo import content
from patto.demo.content import ActionSpec, DecisionSpec, DemoAccount
from patto.models import (
    REDAZIONE_GROUP,
    ActionMonitoring,
    ActorCategory,
    Decision,
    Follow,
    IndicatorValue,
    ItemKind,
    MonitoringIndicator,
    MonitoringUpdate,
    Phase,
    PlanVersion,
    Programme,
    ProgrammeKind,
    User,
    Validation,
    VersionStatus,
)
from patto.monitoring.services import (
    add_indicator,
    add_update,
    decline_update,
    publish_update,
    record_implementation,
    record_indicator_value,
)
from patto.programme.services import create_version, publish_version, submit_version
from patto.validation.services import Remark, decide_validation
from tavoli.models import (
    ANSWERED_STATUSES,
    Body,
    Comment,
    Contribution,
    ContributionChannel,
    ContributionKind,
    ContributionStatus,
    Moderation,
    TableMembership,
    ThematicTable,
)
from zone.models import Municipality, Province, SpokespersonAssignment, Zone
from zone.reference_data import load_reference_data

MEETINGS_FILE = "incontri_2017.csv"


def _aware(local: datetime.datetime) -> datetime.datetime:
    """A local date-time of the data files, in the portal's time zone."""
    return timezone.make_aware(local)


def _from_today(today: datetime.date, when: dict) -> datetime.datetime:
    """An instant given in the data files as ``{in_days, at}`` from the day the demo is loaded."""
    day = today + datetime.timedelta(days=when["in_days"])
    return _aware(datetime.datetime.combine(day, when["at"]))


@dataclass
class DemoReport:
    """What ``load_demo`` did: rows created per model (label, verbose name plural, count)."""

    created: list[tuple[str, str, int]]
    accounts: tuple[DemoAccount, ...] = content.DEMO_ACCOUNTS

    @property
    def nothing_created(self) -> bool:
        return not self.created


def _row_counts() -> dict:
    return {model: model._default_manager.count() for model in apps.get_models()}


@transaction.atomic
def load_demo(*, data_dir: Path | str | None = None) -> DemoReport:
    """Build the demo content (reference data first). Idempotent; one transaction.

    ``data_dir``: the reference data (default ``settings.REFERENCE_DATA_DIR``), which includes
    the 2017 meetings; the demo's own content is always ``patto/demo/data/``."""
    # bulk writes send no model signals: the cached public pages go out of date here
    content_changed()
    data_dir = Path(data_dir or settings.REFERENCE_DATA_DIR)
    before = _row_counts()
    load_reference_data(data_dir=data_dir)
    builder = _Builder(data_dir)
    builder.build()
    after = _row_counts()
    created = [
        (model._meta.label, str(model._meta.verbose_name_plural), after[model] - before[model])
        for model in after
        if after[model] > before[model]
    ]
    return DemoReport(created=created)


class _Builder:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        if len(self.zones) != 11:
            raise RuntimeError(
                f"Attese 11 zone omogenee, trovate {len(self.zones)}: controlla i dati di "
                "riferimento."
            )

    def build(self) -> None:
        self.users = self._accounts()
        self.staff = self.users[content.ACCOUNTS["staff"]["email"]]
        self.citizen = self.users[content.ACCOUNTS["citizen"]["email"]]
        self.spokespersons = self._spokespersons()
        self.patto = self._programme(content.PATTO)
        self.piano = self._programme(content.PIANO)
        missing = set(self.zones.values()) - set(self.piano.validating_zones.all())
        if missing:  # adding nothing would still write a history record
            self.piano.validating_zones.add(*missing)
        self.tables = self._tables()
        self.meetings = self._meetings()
        self.bodies = self._bodies()
        self._memberships()
        self._version_1()
        self._version_2()
        self._contributions()
        self._consultation()
        self._upcoming_meetings()
        self._citizen_follows()
        self._monitoring()

    # Accounts.

    def _citizen_follows(self) -> None:
        """The demo citizen states a body (illustrative) and follows the Piano, so their profile
        shows a programme they follow and the Piano's page shows «Non seguire più»."""
        citizen = self.citizen
        if not citizen.body_name:
            citizen.body_name = content.ACCOUNTS["citizen"]["body"]
            citizen.actor_category = ActorCategory(content.ACCOUNTS["citizen"]["actor_category"])
            citizen.save(update_fields=["body_name", "actor_category"])
        Follow.objects.get_or_create(user=citizen, programme=self.piano)

    def _user(self, *, email, name, password=None, superuser=False, category=""):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(
                username=email,
                email=email,
                password=password,
                first_name=name,
                actor_category=category,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _accounts(self) -> dict[str, User]:
        users = {}
        redazione = Group.objects.get_or_create(name=REDAZIONE_GROUP)[0]
        citizen = content.ACCOUNTS["citizen"]
        for account in content.DEMO_ACCOUNTS:
            user = self._user(
                email=account.email,
                name=account.name,
                password=account.password,
                superuser=account.superuser,
                category=(
                    ActorCategory(citizen["actor_category"])
                    if account.email == citizen["email"]
                    else ""
                ),
            )
            if account.redazione:
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(redazione)
            users[account.email] = user
        return users

    def _spokespersons(self) -> dict[int, User]:
        spec = content.ACCOUNTS["spokespersons"]
        spokespersons = {}
        for number, zone in self.zones.items():
            email = spec["email"].format(number=number)
            user = self.users.get(email) or self._user(
                email=email,
                name=spec["name"].format(number=number),
                category=ActorCategory(spec["actor_category"]),
            )
            SpokespersonAssignment.objects.get_or_create(
                zone=zone,
                user=user,
                start_date=spec["since"],
                defaults={"role": spec["role"]},
            )
            spokespersons[number] = user
        return spokespersons

    # Programmes, tables, meetings.

    def _programme(self, data: dict) -> Programme:
        values = dict(data["programme"])
        slug = values.pop("slug")
        values["kind"] = ProgrammeKind(values["kind"])
        programme, _created = Programme.objects.get_or_create(slug=slug, defaults=values)
        for phase in data["phases"]:
            Phase.objects.get_or_create(
                programme=programme,
                position=phase["position"],
                defaults={k: v for k, v in phase.items() if k != "position"},
            )
        return programme

    def _tables(self) -> dict[str, ThematicTable]:
        phases = {phase.position: phase for phase in self.patto.phases.all()}
        in_order = [
            (group, table) for group in content.TABLES["table_groups"] for table in group["tables"]
        ]
        tables = {}
        for position, (group, table) in enumerate(in_order, start=1):
            tables[table["slug"]], _created = ThematicTable.objects.get_or_create(
                programme=self.patto,
                slug=table["slug"],
                defaults={
                    "phase": phases[group["phase"]],
                    "title": table["title"],
                    "position": position,
                    "description": group["description"],
                },
            )
        return tables

    def _meetings(self) -> dict[str, Meeting]:
        """The plenary and the nine provincial meetings, read from incontri_2017.csv."""
        path = self.data_dir / MEETINGS_FILE
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        patto_2017 = content.MEETINGS["patto_2017"]
        plenary, provincial = patto_2017["plenary"], patto_2017["provincial"]
        phases = {phase.position: phase for phase in self.patto.phases.all()}
        tables = [
            self.tables[table["slug"]]
            for group in content.TABLES["table_groups"]
            if group["phase"] == patto_2017["tables_of_phase"]
            for table in group["tables"]
        ]
        sources = patto_2017["sources"]
        meetings = {}
        for row in rows:
            source = sources.get(row["fonte"].strip(), row["fonte"].strip())
            date = datetime.date.fromisoformat(row["data"]) if row["data"].strip() else None
            town = row["luogo"].split(",")[0].strip()
            if row["tipo"] == "plenaria":
                kind, spec, province = MeetingKind.PLENARY, plenary, None
                title = plenary["title"]
            else:
                province_name = re.sub(r"\s*\(.*\)\s*$", "", row["ambito"]).strip()
                province = Province.objects.get(name__iexact=province_name)
                kind, spec = MeetingKind.PROVINCIAL, provincial
                title = provincial["titles"][row["ambito"].strip()]
            municipality = Municipality.objects.filter(
                name__iexact=town, **({"province": province} if province else {})
            ).first()
            meeting, created = Meeting.objects.get_or_create(
                programme=self.patto,
                title=title,
                defaults={
                    "phase": phases[spec["phase"]],
                    "kind": kind,
                    "date": date,
                    "date_note": "" if date else patto_2017["date_note"],
                    "expected_by": None if date else patto_2017["expected_by"],
                    "venue": row["luogo"].strip(),
                    "municipality": municipality,
                    "province": province,
                    "audiences": self._audiences(),
                    "agenda": spec["agenda"],
                    "status": MeetingStatus.HELD if date else MeetingStatus.SCHEDULED,
                    "source": source,
                },
            )
            if created:
                meeting.tables.set(tables)
            elif meeting.date is None and meeting.expected_by is None:
                # loaded before meetings had an expected period: give it the one the data say
                meeting.expected_by = patto_2017["expected_by"]
                meeting.save(update_fields=["expected_by"])
            if not created and meeting.source != source:
                # loaded when the source was the csv's note for maintainers
                meeting.source = source
                meeting.save(update_fields=["source"])
            meetings[title] = meeting
        return meetings

    @staticmethod
    def _audiences() -> list[str]:
        return [ActorCategory(value).value for value in content.MEETINGS["audiences"]]

    def _bodies(self) -> dict[str, Body]:
        bodies = {}
        for body in content.TABLES["bodies"]:
            bodies[body["name"]], _created = Body.objects.get_or_create(
                name=body["name"],
                defaults={
                    "category": ActorCategory(body["category"]),
                    "website": body["website"],
                },
            )
        return bodies

    def _memberships(self) -> None:
        for member in content.TABLES["members"]:
            TableMembership.objects.get_or_create(
                table=self.tables[member["table"]],
                body=self.bodies[member["body"]],
                defaults={"role": member["role"], "joined_on": member.get("joined_on")},
            )

    # The Piano's versions.

    def _add_actions(
        self, version: PlanVersion, specs: Sequence[ActionSpec], start_position: int
    ) -> None:
        areas = {a.code: a for a in ActionArea.objects.filter(version=version)}
        tools = {t.code: t for t in Tool.objects.filter(version=version)}
        targets = {t.code: t for t in Target.objects.filter(version=version)}
        for position, spec in enumerate(specs, start=start_position):
            action = Action.objects.create(
                version=version,
                area=areas[spec.area_code],
                code=spec.code,
                title=spec.title,
                description=self._action_description(spec.text),
                lead_body=spec.lead_body,
                partners=spec.partners,
                indicators=spec.indicators,
                position=position,
            )
            action.tools.set([tools[code] for code in spec.tools])
            action.targets.set([targets[code] for code in spec.targets])
            if spec.zones:
                action.zones.set([self.zones[number] for number in spec.zones])

    @staticmethod
    def _action_description(text: str) -> str:
        return f"{text}\n\n{content.PIANO['illustrative']['action']}"

    def _fill_version_1(self, version: PlanVersion) -> None:
        illustrative = content.PIANO["illustrative"]
        for model, items in ((Tool, content.TOOLS), (Target, content.TARGETS)):
            # a list, not a generator: VersionContentQuerySet.bulk_create iterates it twice
            model.objects.bulk_create(
                [
                    model(
                        version=version,
                        code=code,
                        name=name,
                        position=position,
                        description=(
                            illustrative["quoted"].format(quote=quote)
                            if quote
                            else illustrative["catalogue"]
                        ),
                    )
                    for position, (code, name, quote) in enumerate(items, start=1)
                ]
            )
        policies = {}
        for position, policy in enumerate(content.PIANO["policies"], start=1):
            policies[policy["code"]] = Policy.objects.create(
                version=version,
                code=policy["code"],
                title=policy["title"],
                description=policy["description"],
                position=position,
            )
        ActionArea.objects.bulk_create(
            [
                ActionArea(
                    version=version,
                    policy=policies[area["code"].split(".")[0]],
                    code=area["code"],
                    title=area["title"],
                    description=illustrative["area"],
                    position=position,
                )
                for position, area in enumerate(content.PIANO["areas"], start=1)
            ]
        )
        self._add_actions(version, content.V1_ACTIONS, start_position=1)

    def _decide(self, version: PlanVersion, decisions: Sequence[DecisionSpec]) -> None:
        """The zones' decisions, in order, back-dated to when the data says they were taken."""
        for spec in decisions:
            remarks = []
            for remark in spec.remarks:
                action = Action.objects.get(version=version, code=remark["action"])
                remarks.append(
                    Remark(
                        item_kind=ItemKind.ACTION,
                        item_key=str(action.key),
                        item_label=str(action),
                        text=f"{remark['text']}\n\n{content.VERSIONS['illustrative_remark']}",
                    )
                )
            validation = decide_validation(
                version=version,
                zone=self.zones[spec.zone],
                by=self.spokespersons[spec.zone],
                decision=Decision(spec.decision),
                remarks=remarks,
            )
            Validation.objects.filter(pk=validation.pk).update(decided_at=_aware(spec.decided_at))

    def _version_1(self) -> None:
        if self.piano.versions.filter(number=1).exists():
            return
        data = content.VERSIONS["version_1"]
        version = create_version(
            programme=self.piano, by=self.staff, change_note=data["change_note"]
        )
        self._fill_version_1(version)
        submit_version(version=version, by=self.staff)
        self._decide(version, content.V1_DECISIONS)  # the last approval validates the version
        publish_version(version=version, by=self.staff)
        PlanVersion.objects.filter(pk=version.pk).update(
            created_at=_aware(data["created_at"]),
            submitted_at=_aware(data["submitted_at"]),
            validated_at=_aware(content.V1_DECISIONS[-1].decided_at),
            published_at=_aware(data["published_at"]),
        )

    def _version_2(self) -> None:
        if self.piano.versions.filter(number=2).exists():
            return
        v1 = self.piano.versions.filter(number=1, status=VersionStatus.PUBLISHED).first()
        if v1 is None:
            return
        data = content.VERSIONS["version_2"]
        version = create_version(
            programme=self.piano, by=self.staff, change_note=data["change_note"], based_on=v1
        )
        self._add_actions(
            version, content.V2_NEW_ACTIONS, start_position=len(content.V1_ACTIONS) + 1
        )
        for edit in data["edited_actions"]:
            edited = Action.objects.get(version=version, code=edit["code"])
            edited.title = edit["title"]
            edited.description = self._action_description(edit["text"])
            edited.save(update_fields=["title", "description"])
        for code in data["removed_actions"]:
            Action.objects.get(version=version, code=code).delete()
        submit_version(version=version, by=self.staff)
        self._decide(version, content.V2_DECISIONS)
        PlanVersion.objects.filter(pk=version.pk).update(
            created_at=_aware(data["created_at"]),
            submitted_at=_aware(data["submitted_at"]),
        )

    # Contributions.

    @staticmethod
    def _illustrative_text(text: str) -> str:
        return f"{text}\n\n{content.CONTRIBUTIONS['illustrative']['text']}"

    @staticmethod
    def _illustrative_response(response: str) -> str:
        return f"{response}\n\n{content.CONTRIBUTIONS['illustrative']['response']}"

    def _contributions(self) -> None:
        programmes = {self.patto.slug: self.patto, self.piano.slug: self.piano}
        for spec in content.RECORDED_CONTRIBUTIONS:
            status = ContributionStatus(spec.status)
            answered = status in ANSWERED_STATUSES
            contribution, created = Contribution.objects.get_or_create(
                programme=programmes[spec.programme],
                title=spec.title,
                defaults={
                    "kind": ContributionKind(spec.kind),
                    "text": self._illustrative_text(spec.text),
                    "actor_category": ActorCategory(spec.actor_category),
                    "author_name": spec.author_name,
                    # recorded as the person asked to be cited, as migration 0004 of tavoli
                    # reads the rows of before the choice existed
                    "signed_publicly": bool(spec.author_name),
                    "body": self.bodies[spec.body] if spec.body else None,
                    "table": self.tables[spec.table] if spec.table else None,
                    "meeting": self.meetings[spec.meeting] if spec.meeting else None,
                    "submitted_on": spec.submitted_on,
                    "status": status,
                    "response": self._illustrative_response(spec.response) if spec.response else "",
                    "answered_at": (
                        _aware(spec.answered_at) if answered and spec.answered_at else None
                    ),
                    "answered_by": self.staff if answered else None,
                },
            )
            if created and spec.led_to:
                actions = [
                    action
                    for item in spec.led_to
                    for action in Action.objects.filter(
                        version__programme=contribution.programme,
                        version__number=item["version"],
                        code=item["action"],
                    )
                ]
                contribution.led_to.set(actions)

    # The consultation (issue 9): an illustrative phase of the Piano, open around the day the demo
    # is loaded, on the proposal in validation (version 2), with three online contributions of the
    # demo citizen: one answered, one waiting for moderation, one hidden.

    def _consultation(self) -> None:
        proposal = self.piano.versions.filter(status=VersionStatus.IN_VALIDATION).first()
        if proposal is None:
            return
        today = timezone.localdate()
        phase = content.CONSULTATION["phase"]
        Phase.objects.get_or_create(
            programme=self.piano,
            position=phase["position"],
            defaults={
                "title": phase["title"],
                "description": phase["description"],
                "start_date": today + datetime.timedelta(days=phase["start_in_days"]),
                "is_consultation": True,
                "consultation_opens_at": _from_today(today, phase["opens"]),
                "consultation_closes_at": _from_today(today, phase["closes"]),
            },
        )
        author, comments = content.CONSULTATION["author"], content.CONSULTATION["comments"]
        for spec in content.ONLINE_CONTRIBUTIONS:
            policy_key = action_key = None
            if spec.about == "action":
                action_key = Action.objects.get(version=proposal, code=spec.code).key
            elif spec.about == "policy":
                policy_key = Policy.objects.get(version=proposal, code=spec.code).key
            moderation, status = Moderation(spec.moderation), ContributionStatus(spec.status)
            moderated = moderation != Moderation.PENDING
            answered = status in ANSWERED_STATUSES
            contribution, created = Contribution.objects.get_or_create(
                programme=self.piano,
                title=spec.title,
                defaults={
                    "channel": ContributionChannel.ONLINE,
                    "version": proposal,
                    "policy_key": policy_key,
                    "action_key": action_key,
                    "kind": ContributionKind(spec.kind),
                    "text": self._illustrative_text(spec.text),
                    "author": self.citizen,
                    "author_name": author["name"],
                    "signed_publicly": author["signed_publicly"],
                    "actor_category": ActorCategory(author["actor_category"]),
                    "submitted_on": today + datetime.timedelta(days=spec.submitted_in_days),
                    "moderation": moderation,
                    "hidden_reason": spec.hidden_reason,
                    "moderated_at": _from_today(today, spec.moderated) if moderated else None,
                    "moderated_by": self.staff if moderated else None,
                    "status": status,
                    "response": self._illustrative_response(spec.response) if answered else "",
                    "answered_at": _from_today(today, spec.answered) if answered else None,
                    "answered_by": self.staff if answered else None,
                },
            )
            if created and spec.comment:
                Comment.objects.create(
                    contribution=contribution,
                    author=self.spokespersons[comments["zone"]],
                    author_name=comments["author_name"],
                    text=f"{spec.comment} {comments['illustrative']}",
                    moderation=Moderation.APPROVED,
                )

    def _upcoming_meetings(self) -> None:
        """The Piano's meetings a few weeks after the demo is loaded, so that registering can be
        tried: the seeds' meetings are all in 2017. Dates, places, capacities and registrations
        are illustrative. The registrations are written directly (a loader, not a person: no
        e-mails) and stay within the capacity."""
        today = timezone.localdate()
        upcoming = content.MEETINGS["upcoming"]
        phase = self.piano.phases.filter(position=upcoming["phase"]).first()
        citizen = self.citizen
        for spec in content.UPCOMING_MEETINGS:
            zone = self.zones[spec.zone]
            meeting, created = Meeting.objects.get_or_create(
                programme=self.piano,
                title=spec.title,
                defaults={
                    "phase": phase,
                    "kind": MeetingKind.ZONE,
                    "date": today + datetime.timedelta(days=spec.in_days),
                    "start_time": upcoming["start_time"],
                    "end_time": upcoming["end_time"],
                    "venue": spec.venue,
                    "zone": zone,
                    "province": zone.province,
                    "audiences": self._audiences(),
                    "agenda": f"{spec.agenda}\n\n{upcoming['illustrative']}",
                    "capacity": spec.capacity,
                    "status": MeetingStatus.SCHEDULED,
                },
            )
            if not created:
                continue
            people = [self.spokespersons[number] for number in spec.spokespersons]
            if spec.citizen:
                people.insert(0, citizen)
            for person in people[: spec.capacity]:
                Registration.objects.get_or_create(
                    meeting=meeting,
                    user=person,
                    defaults={
                        "body_name": (
                            ""
                            if person == citizen
                            else upcoming["spokesperson_body"].format(number=zone.number)
                        ),
                        "actor_category": person.actor_category,
                        "status": RegistrationStatus.CONFIRMED,
                    },
                )

    # The monitoring of the plan in force (issue 20): how the actions of the Piano's published
    # version are going, dated after version 1's publication. All illustrative.

    def _monitoring(self) -> None:
        """Record, through the monitoring services, the states, updates and indicators of
        ``monitoring.toml`` for the actions of the Piano's published version (skipping those it
        no longer has). Each row is looked up by its natural key (the action's key with the
        update's title or the indicator's name; the value's date) and written only when missing;
        what staff changed since in the browser is left as it is."""
        published = self.piano.versions.filter(status=VersionStatus.PUBLISHED).first()
        first = self.piano.versions.filter(number=1, published_at__isnull=False).first()
        if published is None or first is None:
            return
        start = timezone.localtime(first.published_at).date()
        today = timezone.localdate()

        def day(after_days: int) -> datetime.date:
            """A date of the history: never in the future."""
            return min(start + datetime.timedelta(days=after_days), today)

        def instant(when: datetime.date) -> datetime.datetime:
            return _aware(datetime.datetime.combine(when, datetime.time(10, 0)))

        # version 1's codes name the actions; the rows follow their stable keys
        keys = dict(Action.objects.filter(version=first).values_list("code", "key"))
        in_force = set(Action.objects.filter(version=published).values_list("key", flat=True))
        key_of = {code: key for code, key in keys.items() if key in in_force}
        marks = content.MONITORING["illustrative"]
        if not self.piano.monitoring_note:
            self.piano.monitoring_note = marks["note"]
            self.piano.save(update_fields=["monitoring_note"])
        self._implementation(key_of, day, instant, marks)
        self._monitoring_updates(key_of, day, instant, marks)
        self._indicators(key_of, start, day, instant, marks)

    def _implementation(self, key_of, day, instant, marks) -> None:
        recorded = set(
            ActionMonitoring.objects.filter(programme=self.piano).values_list(
                "action_key", flat=True
            )
        )
        for spec in content.IMPLEMENTATION:
            key = key_of.get(spec.action)
            if key is None or key in recorded:
                continue
            monitoring = record_implementation(
                programme=self.piano,
                action_key=key,
                state=spec.state,
                state_reason=f"{spec.reason}\n\n{marks['reason']}" if spec.reason else "",
                progress=spec.progress,
                committed=None if spec.committed is None else Decimal(spec.committed),
                spent=None if spec.spent is None else Decimal(spec.spent),
                expected_revision=None,
                by=self.staff,
            )
            # the history too: the monitoring report reads the state at a date from it, and a
            # report at a date of the demo's story must show what had been recorded by then
            recorded_at = instant(day(spec.after_days))
            ActionMonitoring.objects.filter(pk=monitoring.pk).update(updated_at=recorded_at)
            monitoring.history.update(history_date=recorded_at, updated_at=recorded_at)

    def _monitoring_updates(self, key_of, day, instant, marks) -> None:
        written = set(
            MonitoringUpdate.objects.filter(programme=self.piano).values_list("action_key", "title")
        )
        for spec in content.MONITORING_UPDATES:
            key = key_of.get(spec.action)
            title = f"{spec.title} {marks['title']}"
            if key is None or (key, title) in written:
                continue
            happened_on = day(spec.after_days)
            zone = self.zones[spec.zone] if spec.zone else None
            update = add_update(
                programme=self.piano,
                action_key=key,
                happened_on=happened_on,
                title=title,
                text=f"{spec.text}\n\n{marks['update']}",
                zone=zone,
                by=self.spokespersons[spec.zone] if zone else self.staff,
            )
            decided = instant(day(spec.after_days + spec.decided_after_days))
            stamps = {"created_at": instant(happened_on)}
            if zone is None:
                stamps["published_at"] = instant(happened_on)
            elif spec.outcome == "published":
                update = publish_update(update=update, by=self.staff)
                stamps["published_at"] = decided
            elif spec.outcome == "declined":
                update = decline_update(
                    update=update,
                    reason=f"{spec.decline_reason}\n\n{marks['reason']}",
                    by=self.staff,
                )
            MonitoringUpdate.objects.filter(pk=update.pk).update(**stamps)

    def _indicators(self, key_of, start, day, instant, marks) -> None:
        for spec in content.INDICATORS:
            key = key_of.get(spec.action)
            if key is None:
                continue
            name = f"{spec.name} {marks['indicator']}"
            indicator = MonitoringIndicator.objects.filter(
                programme=self.piano, action_key=key, name=name
            ).first() or add_indicator(
                programme=self.piano,
                action_key=key,
                name=name,
                unit=spec.unit,
                baseline=None if spec.baseline is None else Decimal(str(spec.baseline)),
                target=Decimal(str(spec.target)),
                target_date=start + datetime.timedelta(days=spec.target_after_days),
                by=self.staff,
            )
            measured = set(indicator.values.values_list("measured_on", flat=True))
            for value in spec.values:
                measured_on = day(value["after_days"])
                if measured_on in measured:
                    continue
                recorded = record_indicator_value(
                    indicator=indicator,
                    measured_on=measured_on,
                    value=Decimal(str(value["value"])),
                    note=marks["value"],
                    by=self.staff,
                )
                IndicatorValue.objects.filter(pk=recorded.pk).update(
                    recorded_at=instant(measured_on)
                )
