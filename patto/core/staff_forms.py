"""The pieces every staff form shares: Bootstrap Italia widgets, a form that only parses and
remembers the revision it was opened at (optimistic locking, see ``patto.core.locking``), a
service's ``ValidationError`` put back on the fields it names, the conflict shown field by field,
and the "which programme?" first step of the "new" pages.

The forms only parse what was typed: every rule (the model's, the database's, the domain's) is
checked by the service that saves, and its ``ValidationError`` comes back onto the form's fields
with ``add_service_error``. So a rule lives in one place and a refused save is a form error,
never a crash."""

import datetime
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patto.core.locking import ConflictError
from patto.core.numbers import format_amount, grouped, is_blank, parse_amount
from patto.core.widgets import limit_attrs
from patto.models import ActorCategory, Programme

TOO_LONG = _("Scrivi al massimo %(limit_value)s caratteri (ne hai scritti %(show_value)s).")


class MaxCharacters(MaxLengthValidator):
    """Django's ``MaxLengthValidator`` saying the numbers as the help under the box and its
    counter write them: «al massimo 3.000 caratteri (ne hai scritti 3.120)». A message given to
    it writes them with ``%(limit_value)s`` and ``%(show_value)s``."""

    def __call__(self, value):
        count = self.clean(value)
        if self.compare(count, self.limit_value):
            params = {
                "limit_value": grouped(self.limit_value),
                "show_value": grouped(count),
                "value": value,
            }
            raise ValidationError(self.message, code=self.code, params=params)


class Text(forms.CharField):
    """Text typed in a box, its line breaks counted once: a browser sends each as CR LF, while
    the box (and ``static/js/limits.js``) count it as one character. Too long, it says by how
    much (``TOO_LONG``), the numbers grouped as the box writes them («3.000»)."""

    default_error_messages = {"max_length": TOO_LONG}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            MaxCharacters(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea) and "maxlength" in attrs:
            attrs.update(limit_attrs(int(attrs.pop("maxlength"))))
        return attrs


class Amount(forms.DecimalField):
    """An amount (of euros, or in an indicator's unit) typed the Italian way: «150.000,50»,
    «150000,50», «150.000» (one hundred fifty thousand), and «150000.50» where the dot cannot
    be a thousands separator (``patto.core.numbers.parse_amount``). What can be read in two
    ways («1.5.0», «150.00,5») is refused with a message showing how to write it. A stored
    amount is shown back the same way («150.000», «1.500,50»), so a form given back re-submits
    unchanged. A plain text box: a browser's number box refuses the comma or the dots, and
    sends nothing."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _(
            "Scrivi il numero così: 150.000,50 oppure 150000,50 (il punto separa le migliaia, "
            "a gruppi di tre cifre; la virgola separa i decimali)."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and is_blank(value):
            value = ""  # spaces, a non-breaking one, a lone «€»: nothing typed
        if isinstance(value, str) and value not in self.empty_values:
            try:
                value = str(parse_amount(value))
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value):
        # a stored amount; what was typed (a string) is given back as it was
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_amount(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs


def style_widgets(form: forms.BaseForm) -> None:
    """Bootstrap Italia classes on every widget of ``form``."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class PickerSelectMultiple(forms.SelectMultiple):
    """A long list of choices, several of which may be chosen: a plain ``<select multiple>``
    (Ctrl-click, or Shift and the arrows, to choose more than one) that ``static/js/staff.js``
    turns into a searchable picker (Tom Select) where JavaScript runs. ``templates/includes/
    field.html`` adds the hint about Ctrl, which the picker hides."""

    picker = True

    def __init__(self, attrs=None):
        defaults = {
            "class": "form-select",
            "size": 8,
            "data-picker": "",
            "data-placeholder": _("Scrivi per cercare…"),
            "data-no-results": _("Nessuna voce corrisponde a quello che hai scritto."),
            "data-remove-label": _("Togli"),
        }
        super().__init__({**defaults, **(attrs or {})})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ServiceErrorsMixin:
    """Puts a service's ``ValidationError`` on the fields it names (the others on the form), and
    a ``ConflictError`` on the form with what changed."""

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = name if name in self.fields and name != NON_FIELD_ERRORS else None
                self.add_error(target, errors)
        else:
            self.add_error(None, exc)

    def add_conflict(self, exc: ConflictError) -> list[dict]:
        """After a conflict: the rows of ``conflict_rows``, the conflict as the form's error, and
        the form keeping what was typed at the current revision."""
        rows = self.conflict_rows(exc)
        self.add_error(None, exc)
        self.show_current_revision(exc.current.revision)
        return rows

    def conflict_rows(self, exc: ConflictError) -> list[dict]:
        """What the other person saved next to what this form holds, field by field."""
        return conflict_rows(exc, self)

    def show_current_revision(self, revision: int) -> None:
        """After a conflict: keep what the person typed, but at the current revision, so saving
        again (after looking at what changed) is a deliberate choice."""
        self.data = self.data.copy()
        self.data[self.add_prefix("revision")] = str(revision)


class RevisionForm(ServiceErrorsMixin, forms.Form):
    """A form on an existing item: it remembers the revision it was opened at."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.setdefault("revision", instance.revision)
        style_widgets(self)


class StaffModelForm(ServiceErrorsMixin, forms.ModelForm):
    """A ModelForm that only parses: the instance is left untouched (the service applies the
    changes and validates them), and editing an existing item carries its revision."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["revision"].required = True
            if not self.is_bound:
                self.initial["revision"] = self.instance.revision
        style_widgets(self)

    def _post_clean(self):
        """No model validation here and no change to ``self.instance``: see the module
        docstring."""

    def service_data(self, *, exclude=()) -> dict:
        """The parsed values of the model's fields, for the service."""
        skip = {"revision", *exclude}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in skip
        }


def display_value(model, name: str, value) -> str:
    """``value`` of the field ``name`` of ``model`` as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "audiences":  # a meeting's audiences: a list of actor categories
        labels = dict(ActorCategory.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    field = model._meta.get_field(name)
    if getattr(field, "choices", None):
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return str(_("sì") if value else _("no"))
    if isinstance(value, datetime.datetime):
        return date_format(value, "j E Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j E Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):  # an amount, as the Amount field reads it back
        return format_amount(value)
    return str(value)


def conflict_rows(exc: ConflictError, form) -> list[dict]:
    """What the other person saved next to what this form holds, field by field."""
    current = exc.current
    model = type(current)
    rows = []
    for change in exc.changes:
        theirs = display_value(model, change.field, getattr(current, change.field))
        if change.field in form.fields:
            yours = display_value(model, change.field, form.cleaned_data.get(change.field))
        else:
            yours = _("(non modificabile in questo modulo)")
        rows.append({"label": change.label, "theirs": theirs, "yours": yours})
    return rows


class ProgrammeChoiceForm(forms.Form):
    """Which programme a new item belongs to (the first step of every "new" page)."""

    programma = forms.ModelChoiceField(
        label=_("Programma"),
        queryset=Programme.objects.order_by("position", "title"),
        to_field_name="slug",
        empty_label=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


def select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class ProgrammeFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Programma"))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault(
            "queryset", Programme.objects.only("slug", "title").order_by("position", "title")
        )
        kwargs.setdefault("empty_label", _("Tutti i programmi"))
        kwargs.setdefault("widget", select())
        super().__init__(*args, **kwargs)
