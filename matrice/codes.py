"""The codes of a draft's policies, action areas and actions.

- ``next_code`` proposes the next free code of a new item: after 1.2.3 comes 1.2.4 in area 1.2,
  after area 2.3 comes 2.4 in policy 2, after policy 5 comes 6. Only a proposal: the form shows
  it and the person may change it; the services check the code as they check any other.
- ``renumbering`` says which codes would change if the draft were numbered again in the order
  of its tree (policies 1, 2, …; their areas 1.1, 1.2, …; their actions 1.1.1, 1.1.2, …), and
  ``renumber_codes`` does it, item by item through the same locking and history as a hand edit.
  An item keeps its row and its stable key, so what is attached to it (contributions by key or
  by row, zones' remarks) follows it. Frozen versions are refused, as every edit is.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matrice import services
from matrice.import_services import draft_state
from matrice.models import Action, ActionArea, Policy
from patto.core.locking import save_with_revision
from patto.core.permissions import require_redazione
from patto.models import PlanVersion

MAX_CODE_LENGTH = 20
RENUMBER_REASON = "codici rinumerati nell'ordine della bozza"


def _highest_number(prefix: str, codes) -> int:
    """The largest n among ``codes`` of the form ``<prefix>.n`` (``n`` alone without prefix)."""
    pattern = re.compile(rf"{re.escape(prefix)}\.(\d+)" if prefix else r"(\d+)")
    numbers = [int(match[1]) for code in codes if (match := pattern.fullmatch(code))]
    return max(numbers, default=0)


def _free_code(model, version: PlanVersion, prefix: str, siblings) -> str:
    used = set(model.objects.filter(version=version).values_list("code", flat=True))
    number = _highest_number(prefix, siblings) + 1
    while True:
        code = f"{prefix}.{number}" if prefix else str(number)
        if len(code) > MAX_CODE_LENGTH:
            return ""
        if code not in used:
            return code
        number += 1


def next_code(*, version: PlanVersion, kind: str, parent=None) -> str:
    """The code to propose for a new item of ``kind`` ("policy", "area" or "action") under
    ``parent`` (the policy of an area, the area of an action; None for a policy), or "" when
    there is nothing sensible to propose (no parent chosen yet). Two queries."""
    if kind == "policy":
        codes = version.policies.values_list("code", flat=True)
        return _free_code(Policy, version, "", codes)
    if parent is None or parent.version_id != version.pk:
        return ""
    if kind == "area":
        return _free_code(
            ActionArea, version, parent.code, parent.action_areas.values_list("code", flat=True)
        )
    if kind == "action":
        return _free_code(
            Action, version, parent.code, parent.actions.values_list("code", flat=True)
        )
    return ""


def next_codes(*, version: PlanVersion, kind: str) -> dict[int, str]:
    """``next_code`` for a new item of ``kind`` ("area" or "action") under each possible parent
    of ``version``, by the parent's primary key: what the form proposes when the person chooses
    another parent. Two queries."""
    model, parents, link = {
        "area": (ActionArea, Policy, "policy_id"),
        "action": (Action, ActionArea, "area_id"),
    }[kind]
    rows = list(model.objects.filter(version=version).values_list(link, "code"))
    used = {code for _, code in rows}
    proposals = {}
    for pk, prefix in parents.objects.filter(version=version).values_list("pk", "code"):
        siblings = [code for parent, code in rows if parent == pk]
        number = _highest_number(prefix, siblings) + 1
        while f"{prefix}.{number}" in used:
            number += 1
        code = f"{prefix}.{number}"
        if len(code) <= MAX_CODE_LENGTH:
            proposals[pk] = code
    return proposals


@dataclass(frozen=True)
class CodeChange:
    """One item whose code renumbering would change."""

    kind: str  # "policy", "area" or "action"
    item: object
    old: str
    new: str


def renumbering(version: PlanVersion) -> list[CodeChange]:
    """The codes that would change if the draft were numbered in the order of its tree, in the
    order of the tree. Three queries."""
    order = ("position", "code", "pk")
    areas_of, actions_of = {}, {}
    for area in ActionArea.objects.filter(version=version).order_by(*order):
        areas_of.setdefault(area.policy_id, []).append(area)
    for action in Action.objects.filter(version=version).order_by(*order):
        actions_of.setdefault(action.area_id, []).append(action)
    changes = []

    def note(kind, item, new):
        if item.code != new:
            changes.append(CodeChange(kind, item, item.code, new))

    policies = Policy.objects.filter(version=version).order_by(*order)
    for p, policy in enumerate(policies, start=1):
        policy_code = str(p)
        note("policy", policy, policy_code)
        for a, area in enumerate(areas_of.get(policy.pk, []), start=1):
            area_code = f"{policy_code}.{a}"
            note("area", area, area_code)
            for n, action in enumerate(actions_of.get(area.pk, []), start=1):
                note("action", action, f"{area_code}.{n}")
    return changes


class StaleRenumberError(ValidationError):
    """The draft changed after the preview was shown: the preview no longer says what
    renumbering would do."""

    def __init__(self):
        super().__init__(
            _(
                "Nel frattempo la bozza è cambiata: i codici non sono stati toccati. Guarda di "
                "nuovo l'anteprima e conferma se va bene."
            ),
            code="stale_renumber",
        )


@transaction.atomic
def renumber_codes(*, version: PlanVersion, by, state: str) -> list[CodeChange]:
    """Give the draft's policies, areas and actions the codes of ``renumbering``, if the draft
    is still in ``state`` (``import_services.draft_state``: the state its preview was shown
    in); otherwise ``StaleRenumberError`` and nothing is written. Each changed item gets a new
    revision and one history record by ``by``, as a hand edit does. Returns the changes."""
    require_redazione(by)
    version = services.locked_draft(version.pk)
    if state != draft_state(version):
        raise StaleRenumberError()
    changes = renumbering(version)
    # codes are unique in a version and may swap (1.1.1 ↔ 1.1.2): every changed row first takes
    # a code no row can have (a hand-typed code starts with a letter or a digit), then its own
    for model in (Policy, ActionArea, Action):
        for change in changes:
            if isinstance(change.item, model):
                model.objects.filter(pk=change.item.pk).update(code=f"~{change.item.pk}")
    for change in changes:
        item = change.item
        item.code = change.new
        item._change_reason = RENUMBER_REASON
        save_with_revision(item, expected_revision=item.revision, by=by, update_fields=["code"])
    return changes
