from django import forms
from django.utils.translation import gettext_lazy as _

from patto.core.staff_forms import TOO_LONG, ServiceErrorsMixin, Text
from patto.models import Decision, ItemKind
from patto.validation.services import Remark

REMARK_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 5000
REMARK_PREFIX = "remark-"


def remark_name(kind: str, key) -> str:
    """The name (and id) of the field of the remark on an item: ``remark-<kind>-<key>``."""
    return f"{REMARK_PREFIX}{kind}-{key}"


def parse_remark_name(name: str) -> tuple[str, str] | None:
    """(kind, key) of a remark field's name, or None."""
    if not name.startswith(REMARK_PREFIX):
        return None
    kind, _sep, key = name.removeprefix(REMARK_PREFIX).partition("-")
    return (kind, key) if kind in ItemKind.values and key else None


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """The decision of a zone, its reason and the remarks on the items of the version.

    The remarks are fields named ``remark-<kind>-<key>``, one for each remark box the page sent
    (an item with something written, or whose box was opened), never one per item of the
    version: the page would send thousands of empty boxes for a large version, more than Django
    accepts (``DATA_UPLOAD_MAX_NUMBER_FIELDS``). A name that is not an item of the version
    (``items``: (kind, key) → label) is ignored. ``deciding``: the decision is required (to
    decide, not to save a draft). Unbound, the form shows ``draft``."""

    decision = forms.ChoiceField(
        label=_("La decisione della zona"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Scegli se approvare o chiedere modifiche.")},
    )
    reason = Text(
        label=_("Motivazione"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Obbligatoria se chiedi modifiche."),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, data=None, *, items: dict, deciding: bool = False, draft=None, **kwargs):
        self.items = items
        self.deciding = deciding
        self.draft_remarks = {}
        if data is None and draft is not None:
            kwargs["initial"] = {"decision": draft.decision, "reason": draft.reason}
            self.draft_remarks = {
                (r.item_kind, str(r.item_key)): r.text
                for r in draft.remarks.all()
                if (r.item_kind, str(r.item_key)) in items
            }
        super().__init__(data, **kwargs)
        for name in data or ():
            item = parse_remark_name(name)
            if item in items:
                self.fields[name] = Text(
                    label=_("Osservazione su %(code)s") % {"code": items[item]},
                    required=False,
                    max_length=REMARK_MAX_LENGTH,
                    error_messages={"max_length": TOO_LONG},
                )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if self.deciding and not decision and "decision" not in self.errors:
            self.add_error("decision", _("Scegli se approvare o chiedere modifiche."))
        asks_changes = self.deciding and decision == Decision.CHANGES_REQUESTED
        if asks_changes and "reason" not in self.errors and not data.get("reason", "").strip():
            self.add_error("reason", _("Per chiedere modifiche scrivi il motivo."))
        return data

    def remark_fields(self):
        """(kind, key) → the bound field of each remark the page sent."""
        return {
            parse_remark_name(name): self[name]
            for name in self.fields
            if name.startswith(REMARK_PREFIX)
        }

    def remark_values(self) -> dict:
        """(kind, key) → the text of each remark box to show: as sent, or as in the draft."""
        if not self.is_bound:
            return dict(self.draft_remarks)
        return {item: field.value() or "" for item, field in self.remark_fields().items()}

    def remarks(self) -> list[Remark]:
        """The remarks written (valid form), in the order of the version's items."""
        written = {
            parse_remark_name(name): text.strip()
            for name, text in self.cleaned_data.items()
            if name.startswith(REMARK_PREFIX) and text.strip()
        }
        return [
            Remark(ItemKind(kind), key, label, written[(kind, key)])
            for (kind, key), label in self.items.items()
            if (kind, key) in written
        ]
