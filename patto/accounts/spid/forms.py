from django import forms
from django.utils.translation import gettext_lazy as _

from patto.accounts.forms import StyledMixin


class EmailForm(StyledMixin, forms.Form):
    """The address of someone whose identity provider sent none (the CIE)."""

    email = forms.EmailField(
        label=_("Il tuo indirizzo email"),
        max_length=254,
        help_text=_("Ti mandiamo un link per confermarlo; i messaggi del portale arrivano qui."),
    )
