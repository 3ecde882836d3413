"""The demo content, read from the TOML files in ``data/``: what the demo says (texts, codes,
names, dates, which zone decides what), apart from how ``builder`` builds it.

- ``accounts.toml``: the demo accounts; who acts as the redazione and as the citizen; the
  zones' spokespersons;
- ``patto.toml``: the regional Patto (seed 000) and its phases;
- ``tables.toml``: the Patto's thematic tables, the bodies, who sits at which table;
- ``meetings.toml``: what the 2017 meetings' csv does not say; the Piano's upcoming meetings;
- ``piano.toml``: the Piano (seed 002), its phases, policies, ambiti d'azione, tools, targets;
- ``piano_versions.toml``: the Piano's actions, its versions 1 and 2, the zones' decisions;
- ``contributions.toml``: the contributions from the tables and meetings, with their outcomes;
- ``consultation.toml``: the online consultation on version 2;
- ``monitoring.toml``: how the actions of the plan in force (version 1) are going.

Each file is read once, when this module is imported. The repeated records (accounts, actions,
decisions, contributions, meetings) become frozen dataclasses, so a misspelt key fails here
rather than leaving a field empty. In the files, dates are TOML dates and instants are TOML local
date-times (Europe/Rome, made aware when built); what is relative to the day the demo is loaded
is a number of days, ``in_days`` (negative: before).
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    superuser: bool = False
    redazione: bool = False
    zone: int | None = None


@dataclass(frozen=True)
class ActionSpec:
    code: str
    title: str
    text: str
    tools: Sequence[str]
    targets: Sequence[str]
    lead_body: str
    zones: Sequence[int] = ()  # none: the whole territory
    partners: str = ""
    indicators: str = ""

    @property
    def area_code(self) -> str:
        return self.code.rsplit(".", 1)[0]


@dataclass(frozen=True)
class DecisionSpec:
    zone: int
    decision: str
    decided_at: datetime.datetime  # local time
    remarks: Sequence[dict[str, str]] = ()  # {"action": code, "text": …}


@dataclass(frozen=True)
class ContributionSpec:
    programme: str  # slug
    title: str
    kind: str
    text: str
    actor_category: str
    author_name: str
    status: str
    response: str = ""
    table: str | None = None  # slug
    meeting: str | None = None  # title
    body: str | None = None  # name
    submitted_on: datetime.date | None = None
    answered_at: datetime.datetime | None = None  # local time
    led_to: Sequence[dict[str, Any]] = ()  # {"version": number, "action": code}


@dataclass(frozen=True)
class OnlineContributionSpec:
    about: str  # "version", "policy" or "action"
    kind: str
    title: str
    text: str
    submitted_in_days: int
    moderation: str
    status: str
    code: str = ""  # of the policy or action it is about
    hidden_reason: str = ""
    response: str = ""
    comment: str = ""
    moderated: dict[str, Any] | None = None  # {"in_days": …, "at": time}
    answered: dict[str, Any] | None = None


@dataclass(frozen=True)
class UpcomingMeetingSpec:
    title: str
    zone: int
    in_days: int
    venue: str
    capacity: int
    agenda: str
    citizen: bool
    spokespersons: Sequence[int] = field(default=())


@dataclass(frozen=True)
class ImplementationSpec:
    action: str  # code in version 1
    state: str
    progress: int
    after_days: int  # days after version 1 was published
    committed: int | None = None  # euro
    spent: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class MonitoringUpdateSpec:
    action: str
    after_days: int
    title: str
    text: str
    zone: int | None = None  # proposed by this zone's spokesperson; none: written by staff
    outcome: str = "published"  # of a spokesperson's: "published", "declined" or "proposed"
    decided_after_days: int = 0  # after the update's date
    decline_reason: str = ""


@dataclass(frozen=True)
class IndicatorSpec:
    action: str
    name: str
    unit: str
    target: int | float
    target_after_days: int
    baseline: int | float | None = None
    values: Sequence[dict[str, Any]] = ()  # {"after_days": …, "value": …}


ACCOUNTS = _read("accounts")
PATTO = _read("patto")
TABLES = _read("tables")
MEETINGS = _read("meetings")
PIANO = _read("piano")
VERSIONS = _read("piano_versions")
CONTRIBUTIONS = _read("contributions")
CONSULTATION = _read("consultation")
MONITORING = _read("monitoring")

DEMO_ACCOUNTS = tuple(DemoAccount(**account) for account in ACCOUNTS["accounts"])

# (code, name, the seed's words about it, or None when the item is illustrative)
TOOLS = tuple((tool["code"], tool["name"], tool.get("quote")) for tool in PIANO["tools"])
TARGETS = tuple(
    (target["code"], target["name"], target.get("quote")) for target in PIANO["targets"]
)

V1_ACTIONS = tuple(ActionSpec(**action) for action in VERSIONS["version_1"]["actions"])
V1_DECISIONS = tuple(DecisionSpec(**decision) for decision in VERSIONS["version_1"]["decisions"])
V2_NEW_ACTIONS = tuple(ActionSpec(**action) for action in VERSIONS["version_2"]["new_actions"])
V2_DECISIONS = tuple(DecisionSpec(**decision) for decision in VERSIONS["version_2"]["decisions"])

RECORDED_CONTRIBUTIONS = tuple(ContributionSpec(**c) for c in CONTRIBUTIONS["contributions"])
ONLINE_CONTRIBUTIONS = tuple(OnlineContributionSpec(**c) for c in CONSULTATION["contributions"])
UPCOMING_MEETINGS = tuple(
    UpcomingMeetingSpec(**meeting) for meeting in MEETINGS["upcoming"]["meetings"]
)

IMPLEMENTATION = tuple(ImplementationSpec(**state) for state in MONITORING["states"])
MONITORING_UPDATES = tuple(MonitoringUpdateSpec(**update) for update in MONITORING["updates"])
INDICATORS = tuple(IndicatorSpec(**indicator) for indicator in MONITORING["indicators"])
