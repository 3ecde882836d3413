from django import forms
from django.utils.translation import gettext_lazy as _

from patto.models import FeedbackAspect, PageRating

COMMENT_MAX = PageRating._meta.get_field("comment").max_length


class RatingForm(forms.Form):
    """The widget: the page, 1–5 stars and, once a rating is chosen, the follow-up question
    and a free text (shown by ``static/js/feedback.js``; without JavaScript they come after)."""

    page = forms.CharField(max_length=2000)
    rating = forms.TypedChoiceField(
        choices=[(n, n) for n in range(1, 6)],
        coerce=int,
        error_messages={"required": _("Scegli da 1 a 5 stelle.")},
    )
    aspect = forms.ChoiceField(choices=FeedbackAspect.choices, required=False)
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, strip=True)


class DetailsForm(forms.Form):
    """The follow-up of a rating given without JavaScript."""

    token = forms.CharField(max_length=500)
    aspect = forms.ChoiceField(
        choices=FeedbackAspect.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("Risposta"),
    )
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        required=False,
        strip=True,
        label=_("Vuoi aggiungere qualcosa? (facoltativo)"),
        help_text=_("Al massimo 200 caratteri. Non scrivere dati personali."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, aspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        if aspects:
            self.fields["aspect"].choices = [(a.value, a.label) for a in aspects]
