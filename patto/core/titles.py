"""What a page's ``<title>`` says beyond its name, so that no two pages share one: the filters a
list shows, the page of a paginated list."""

import re

from django import forms
from django.utils.translation import gettext as _

EMPTY = (None, "", [], ())

# control characters (NUL…), not tabs or line breaks: never shown, in a title or anywhere else
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """``text`` with each control character (NUL…, not tabs or line breaks) made a space."""
    return CONTROL_CHARACTERS.sub(" ", text)


def _shown(field: forms.Field, value) -> str:
    """``value`` of ``field`` as the form shows it: the label of a choice, the item of a model
    choice, the text itself between «»."""
    if isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): str(label) for key, label in field.choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(field, forms.BooleanField):
        return _("sì") if value else _("no")
    return f"«{without_control_characters(str(value))}»"


def filters_summary(form: forms.Form) -> str:
    """The filters ``form`` applies, as a title names them («Strumento: Voucher, Zona: 1
    Torino»): its valid, non-empty values only; empty when nothing is filtered."""
    if not form.is_bound:
        return ""
    form.is_valid()  # cleaned_data holds the valid fields, also when another one is not
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in EMPTY:
            continue
        parts.append(f"{field.label}: {_shown(field, value)}")
    return ", ".join(parts)


def list_title_details(form: forms.Form | None, page_obj) -> list[str]:
    """What the title of a filtered, paginated list adds to its name: the filters chosen and
    the page beyond the first."""
    details = []
    summary = filters_summary(form) if form is not None else ""
    if summary:
        details.append(summary)
    if page_obj is not None and page_obj.number > 1:
        details.append(_("pagina %(number)s") % {"number": page_obj.number})
    return details
