from django import forms
from django.utils.translation import gettext_lazy as _

from patto.models import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("La decisione della zona"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegliete se approvare o chiedere modifiche.")},
    )
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Obbligatoria se chiedete modifiche."),
    )

    def clean(self):
        data = super().clean()
        asks_changes = data.get("decision") == Decision.CHANGES_REQUESTED
        if asks_changes and not data.get("reason", "").strip():
            self.add_error("reason", _("Per chiedere modifiche scrivete il motivo."))
        return data
