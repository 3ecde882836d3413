"""Forms and list filters of the staff pages for tables, bodies and contributions. What every
staff form shares is in ``patto.core.staff_forms``."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from incontri.models import Meeting
from patto.core.staff_forms import (
    DateInput,
    PickerSelectMultiple,
    ProgrammeFilter,
    RevisionForm,
    ServiceErrorsMixin,
    StaffModelForm,
    Text,
    select,
    style_widgets,
)
from patto.models import ActorCategory, Programme
from tavoli.models import (
    Body,
    Contribution,
    ContributionChannel,
    ContributionKind,
    ContributionStatus,
    Moderation,
    ThematicTable,
)
from tavoli.queries import contribution_search
from zone.models import Province

# Tables and bodies ---------------------------------------------------------------------------


class TableForm(StaffModelForm):
    class Meta:
        model = ThematicTable
        fields = ["title", "slug", "phase", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "slug": _(
                "Parte dell'indirizzo della pagina pubblica: lettere minuscole, cifre e trattini."
            ),
            "description": _(
                "Puoi usare *corsivo*, **grassetto** ed elenchi (righe che iniziano con «-»)."
            ),
            "position": _("I tavoli di una fase sono elencati in quest'ordine."),
        }

    def __init__(self, *args, programme: Programme, frozen_versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = programme.phases.order_by("position")
        self.fields["phase"].empty_label = _("Nessuna fase")
        if frozen_versions:
            # the identifier is part of the frozen text of these versions (see the service)
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _(
                "Non si può più cambiare: il tavolo è citato dalla versione %(number)s "
                "(%(status)s), il cui testo è congelato."
            ) % {
                "number": frozen_versions[0].number,
                "status": frozen_versions[0].get_status_display().lower(),
            }


class BodyForm(StaffModelForm):
    website = forms.URLField(
        label=_("Sito web"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Body
        fields = ["name", "category", "province", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("name")
        self.fields["province"].empty_label = _("Nessuna provincia")
        self.fields["category"].choices = [("", _("Nessuna categoria")), *ActorCategory.choices]


class MembershipForm(ServiceErrorsMixin, forms.Form):
    """Add a body to a table: one already registered, or a new one."""

    body = forms.ModelChoiceField(
        label=_("Ente già registrato"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("— scegli un ente —"),
    )
    new_name = forms.CharField(label=_("Nome dell'ente nuovo"), max_length=200, required=False)
    new_category = forms.ChoiceField(
        label=_("Categoria dell'ente nuovo"),
        choices=[("", _("Nessuna categoria")), *ActorCategory.choices],
        required=False,
    )
    new_province = forms.ModelChoiceField(
        label=_("Provincia dell'ente nuovo"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("Nessuna provincia"),
    )
    new_website = forms.URLField(
        label=_("Sito web dell'ente nuovo"), required=False, assume_scheme="https"
    )
    role = forms.CharField(
        label=_("Ruolo nel tavolo"),
        max_length=100,
        required=False,
        help_text=_("Per esempio «Coordinamento» o «Componente»."),
    )
    joined_on = forms.DateField(label=_("Partecipa dal"), required=False, widget=DateInput)

    def __init__(self, *args, table: ThematicTable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.exclude(memberships__table=table).order_by(
            "name"
        )
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("body") and data.get("new_name", "").strip():
            raise ValidationError(
                _(
                    "Scegli un ente già registrato oppure scrivi il nome di uno nuovo, non "
                    "tutti e due."
                )
            )
        if not data.get("body") and not data.get("new_name", "").strip():
            raise ValidationError(
                _("Scegli un ente già registrato oppure scrivi il nome di uno nuovo.")
            )
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        new_body = None
        if not data.get("body"):
            new_body = {
                "name": data["new_name"].strip(),
                "category": data.get("new_category", ""),
                "province": data.get("new_province"),
                "website": data.get("new_website", ""),
            }
        return {
            "body": data.get("body"),
            "new_body": new_body,
            "role": data.get("role", ""),
            "joined_on": data.get("joined_on"),
        }

    def add_service_error(self, exc: ValidationError) -> None:
        # the new body's own fields are named new_* here
        if hasattr(exc, "error_dict"):
            renamed = {
                (f"new_{name}" if f"new_{name}" in self.fields else name): errors
                for name, errors in exc.error_dict.items()
            }
            exc = ValidationError(renamed)
        super().add_service_error(exc)


# Contributions -------------------------------------------------------------------------------


class ContributionForm(StaffModelForm):
    class Meta:
        model = Contribution
        fields = [
            "table",
            "meeting",
            "kind",
            "title",
            "text",
            "author_name",
            "signed_publicly",
            "body",
            "actor_category",
            "submitted_on",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "submitted_on": DateInput}
        help_texts = {
            "table": _("Il tavolo o l'incontro (o entrambi) in cui è stato presentato."),
            "text": _(
                "Puoi usare *corsivo*, **grassetto** ed elenchi (righe che iniziano con «-»)."
            ),
            "author_name": _("Come vuole essere citato chi l'ha presentato."),
            "signed_publicly": _(
                "Spunta solo se chi l'ha presentato ha chiesto di essere citato con il suo "
                "nome: il nome si vede sul sito e nei dati aperti. Senza spunta resta noto solo "
                "alla redazione."
            ),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = (
            ThematicTable.objects.filter(programme=programme)
            .select_related("phase")
            .order_by("phase__position", "position", "title")
        )
        self.fields["table"].label_from_instance = table_label
        self.fields["table"].empty_label = _("Nessun tavolo")
        self.fields["meeting"].queryset = Meeting.objects.filter(programme=programme).order_by(
            "-date", "title"
        )
        self.fields["meeting"].label_from_instance = meeting_label
        self.fields["meeting"].empty_label = _("Nessun incontro")
        self.fields["body"].queryset = Body.objects.order_by("name")
        self.fields["body"].empty_label = _("Nessun ente")
        self.fields["actor_category"].choices = [
            ("", _("Non indicata")),
            *ActorCategory.choices,
        ]
        self.fields["kind"].choices = [("", _("— scegli il tipo —")), *ContributionKind.choices]


def table_label(table: ThematicTable) -> str:
    """The phase too: two phases may have tables with the same title."""
    return f"{table.title} ({table.phase.title})" if table.phase_id else table.title


def meeting_label(meeting: Meeting) -> str:
    when = date_format(meeting.date, "j E Y") if meeting.date else _("data da confermare")
    return f"{when} – {meeting.title}"


def action_label(action) -> str:
    return _("%(code)s %(title)s (versione %(number)s, %(status)s)") % {
        "code": action.code,
        "title": action.title,
        "number": action.version.number,
        "status": action.version.get_status_display().lower(),
    }


class AnswerForm(RevisionForm):
    """What became of a contribution."""

    status = forms.ChoiceField(label=_("Esito"), choices=ContributionStatus.choices)
    response = forms.CharField(
        label=_("Risposta e motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Obbligatoria per «accolto», «accolto in parte» e «non accolto»: perché, e come. "
            "Puoi usare *corsivo*, **grassetto** ed elenchi (righe che iniziano con «-»)."
        ),
    )
    led_to = forms.ModelMultipleChoiceField(
        label=_("Azioni che ne sono nate"),
        queryset=None,
        required=False,
        widget=PickerSelectMultiple,
        help_text=_("Azioni della bozza o dell'ultima versione pubblica del programma."),
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["led_to"].queryset = actions
        self.fields["led_to"].label_from_instance = action_label
        if self.instance is not None and not self.is_bound:
            self.initial.setdefault("status", self.instance.status)
            self.initial.setdefault("response", self.instance.response)
            self.initial.setdefault("led_to", [a.pk for a in self.instance.led_to.all()])


class StatusForm(RevisionForm):
    """The outcome alone, changed inline from the list."""

    status = forms.ChoiceField(label=_("Esito"), choices=ContributionStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            self.initial.setdefault("status", self.instance.status)


# The consultation: public forms ----------------------------------------------------------


CONTRIBUTION_MAX_LENGTH, COMMENT_MAX_LENGTH = 10_000, 3_000


class OnlineContributionForm(ServiceErrorsMixin, forms.Form):
    """A registered user's contribution during a consultation. ``policy`` / ``action`` (hidden)
    name the item by its code in the version under consultation."""

    kind = forms.ChoiceField(
        label=_("Tipo"),
        choices=[("", _("— scegli il tipo —")), *ContributionKind.choices],
    )
    title = forms.CharField(label=_("Titolo"), max_length=300)
    text = Text(
        label=_("Il tuo contributo"),
        max_length=CONTRIBUTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Fino a 10.000 caratteri. Puoi usare *corsivo*, **grassetto** ed elenchi (righe che "
            "iniziano con «-»)."
        ),
    )
    signed_publicly = forms.BooleanField(
        label=_("Firma il contributo con il tuo nome"),
        required=False,
        help_text=_(
            "Se non spunti la casella, il contributo compare sul sito e nei dati aperti senza "
            "il tuo nome."
        ),
    )
    author_name = forms.CharField(
        label=_("Il nome con cui firmi"),
        max_length=150,
        required=False,
        help_text=_(
            "Compare accanto al contributo, sul sito e nei dati aperti, solo se spunti la "
            "casella qui sopra."
        ),
    )
    body_name = forms.CharField(
        label=_("Ente o organizzazione per cui parli"),
        max_length=200,
        required=False,
        help_text=_("Il nome dell'ente compare sempre accanto al contributo."),
    )
    actor_category = forms.ChoiceField(
        label=_("Categoria"),
        choices=[("", _("Non indicata")), *ActorCategory.choices],
        required=False,
    )
    policy = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    action = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.setdefault("author_name", user.get_full_name())
            self.initial.setdefault("body_name", getattr(user, "body_name", ""))
            self.initial.setdefault("actor_category", getattr(user, "actor_category", ""))
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("policy") and data.get("action"):
            raise ValidationError(_("Scegli una politica oppure un'azione."))
        if data.get("signed_publicly") and not data.get("author_name", "").strip():
            self.add_error(
                "author_name", _("Scrivi il nome con cui vuoi firmare, o togli la spunta.")
            )
        for name in ("title", "text"):
            if name in data and not data[name].strip():
                self.add_error(name, _("Questo campo è obbligatorio."))
        return data


class CommentForm(ServiceErrorsMixin, forms.Form):
    text = Text(
        label=_("Il tuo commento"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fino a 3.000 caratteri."),
    )
    author_name = forms.CharField(
        label=_("Firma"),
        max_length=150,
        required=False,
        help_text=_("Vuoto: il commento resta anonimo."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.setdefault("author_name", user.get_full_name())
        style_widgets(self)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Questo campo è obbligatorio."))
        return text


# Moderation (staff) ---------------------------------------------------------------------------

APPROVE = "approve"
HIDE = "hide"


class ModerationForm(RevisionForm):
    """Approve (or show again) an online contribution or comment, or hide it with a public
    reason."""

    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[(APPROVE, _("Pubblica")), (HIDE, _("Nascondi"))],
        widget=forms.HiddenInput,
    )
    reason = Text(
        label=_("Motivo (pubblico)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatorio per nascondere: compare sul sito al posto del testo."),
    )


class ProgrammeFilterForm(forms.Form):
    """The moderation queue's programme (``?programma=<slug>``; empty: every programme)."""

    programma = forms.ModelChoiceField(
        label=_("Programma"),
        queryset=Programme.objects.only("slug", "title").order_by("position", "title"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tutti i programmi"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ModerationSettingForm(RevisionForm):
    contributions_need_approval = forms.BooleanField(
        label=_("I contributi e i commenti online compaiono solo dopo l'approvazione"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            self.initial.setdefault(
                "contributions_need_approval", self.instance.contributions_need_approval
            )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PhaseConsultationForm(RevisionForm):
    is_consultation = forms.BooleanField(label=_("È una consultazione"), required=False)
    consultation_opens_at = forms.DateTimeField(
        label=_("Si apre il"), required=False, widget=DateTimeInput
    )
    consultation_closes_at = forms.DateTimeField(
        label=_("Si chiude il"), required=False, widget=DateTimeInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            for name in ("is_consultation", "consultation_opens_at", "consultation_closes_at"):
                self.initial.setdefault(name, getattr(self.instance, name))


# Filters of the staff lists ------------------------------------------------------------------

WAITING = "in_attesa"


class StaffTableFilterSet(django_filters.FilterSet):
    programma = ProgrammeFilter(field_name="programme")

    class Meta:
        model = ThematicTable
        fields = []


class StaffBodyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Nome"),
        field_name="name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    categoria = django_filters.ChoiceFilter(
        label=_("Categoria"),
        field_name="category",
        choices=ActorCategory.choices,
        empty_label=_("Tutte le categorie"),
        widget=select(),
    )
    provincia = django_filters.ModelChoiceFilter(
        label=_("Provincia"),
        field_name="province",
        to_field_name="abbreviation",
        queryset=Province.objects.order_by("name"),
        empty_label=_("Tutte le province"),
        widget=select(),
    )

    class Meta:
        model = Body
        fields = []


class LabelledModelChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, label_from_instance, **kwargs):
        self.label_from_instance = label_from_instance
        kwargs.setdefault("widget", select())
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = self.label_from_instance
        return field


class StaffContributionFilterSet(django_filters.FilterSet):
    programma = ProgrammeFilter(field_name="programme")
    tavolo = LabelledModelChoiceFilter(
        label=_("Tavolo"),
        field_name="table",
        queryset=ThematicTable.objects.none(),
        empty_label=_("Tutti i tavoli"),
        label_from_instance=lambda t: f"{table_label(t)} – {t.programme.title}",
    )
    incontro = LabelledModelChoiceFilter(
        label=_("Incontro"),
        field_name="meeting",
        queryset=Meeting.objects.none(),
        empty_label=_("Tutti gli incontri"),
        label_from_instance=meeting_label,
    )
    esito = django_filters.ChoiceFilter(
        label=_("Esito"),
        method="filter_status",
        choices=[(WAITING, _("In attesa di risposta")), *ContributionStatus.choices],
        empty_label=_("Tutti gli esiti"),
        widget=select(),
    )
    canale = django_filters.ChoiceFilter(
        label=_("Canale"),
        field_name="channel",
        choices=ContributionChannel.choices,
        empty_label=_("Tutti i canali"),
        widget=select(),
    )
    moderazione = django_filters.ChoiceFilter(
        label=_("Moderazione"),
        field_name="moderation",
        choices=Moderation.choices,
        empty_label=_("Tutti"),
        widget=select(),
    )
    q = django_filters.CharFilter(
        label=_("Cerca nel testo"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )

    class Meta:
        model = Contribution
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # only the columns of the options' labels
        tables = (
            ThematicTable.objects.select_related("programme", "phase")
            .only("title", "phase__title", "programme__title")
            .order_by("programme__position", "phase__position", "position", "title")
        )
        meetings = Meeting.objects.only("date", "title").order_by("-date", "title")
        slug = (data or {}).get("programma")
        if slug:
            tables = tables.filter(programme__slug=slug)
            meetings = meetings.filter(programme__slug=slug)
        else:
            # the meetings of every programme are hundreds of options (a third of the page at
            # the regional scale): they are listed once a programme is chosen; a meeting
            # already chosen (a link from before) stays
            chosen = str((data or {}).get("incontro") or "")
            incontro = self.filters["incontro"]
            incontro.extra["empty_label"] = _("Scegli prima il programma")
            if chosen.isdigit():
                meetings = meetings.filter(pk=chosen)
            else:
                meetings = meetings.none()
                incontro.extra["widget"] = select(disabled=True)
        self.filters["tavolo"].queryset = tables
        self.filters["incontro"].queryset = meetings

    def filter_status(self, queryset, name, value):
        if value == WAITING:
            return queryset.waiting()
        return queryset.filter(status=value) if value else queryset

    def filter_text(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(contribution_search(value, private_names=True))
