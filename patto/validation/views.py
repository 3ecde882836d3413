"""The spokesperson area: the versions waiting for the zones a person speaks for, what changed
since their zone last decided, and the decision (approve, or ask for changes with a reason).

The review page is one form, in steps, none of which needs JavaScript (``step``, the button
pressed): ``write:<kind>:<key>`` opens an item's remark box, ``show`` goes to another part of a
long text (``?parte=<n>``) with what is typed, ``save`` keeps what is written as
the zone's draft, ``check`` (the default) shows the decision, the reason and the remarks for
confirmation, ``back`` returns from there to the form, ``confirm`` records the decision. A
refused step answers the same page with everything as it was typed, each error next to its field
and listed at the top."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.core.exceptions import NotFound
from patto.models import Decision, PlanVersion, VersionStatus
from patto.validation import queries, review, services
from patto.validation.forms import ReviewForm, remark_name
from patto.validation.permissions import SpokespersonRequiredMixin

# a link to another part of the text, in the form: it sends what is typed along
GOTO_BUTTON = (
    '<button type="submit" form="review-form" name="step" value="show" formaction="{}" '
    'class="btn btn-link review-goto">{}</button>'
)
WRITE, SHOW, SAVE, CHECK, BACK, CONFIRM = "write", "show", "save", "check", "back", "confirm"


class SpokespersonHomeView(SpokespersonRequiredMixin, TemplateView):
    template_name = "portavoce/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.home(self.request.user, self.zones))


class ReviewVersionView(SpokespersonRequiredMixin, TemplateView):
    """Read a version for one of my zones, write remarks, keep them as a draft, and decide. A
    zone the person does not speak for is refused (403); a version that is not public (a draft)
    does not exist here (404)."""

    template_name = "portavoce/review.html"

    @cached_property
    def zone(self):
        zone = next((z for z in self.zones if z.number == self.kwargs["zone_number"]), None)
        if zone is None:
            raise PermissionDenied(_("Non sei portavoce di questa zona."))
        return zone

    @cached_property
    def version(self):
        version = (
            PlanVersion.objects.public()
            .select_related("programme")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if (
            version is None
            or not version.programme.validating_zones.filter(pk=self.zone.pk).exists()
        ):
            raise NotFound(_("Versione non trovata."))
        return version

    @cached_property
    def decision(self):
        return (
            self.version.validations.filter(zone=self.zone)
            .select_related("decided_by")
            .prefetch_related("remarks")
            .first()
        )

    @cached_property
    def can_decide(self) -> bool:
        return self.decision is None and self.version.status == VersionStatus.IN_VALIDATION

    @cached_property
    def base(self):
        return queries.last_decided_version(self.zone, self.version)

    @cached_property
    def text(self) -> dict:
        return review.review_text(self.version, self.base)

    @cached_property
    def part(self) -> review.Part:
        """The part of the text shown (``?parte=``); the first one when not said, or not one."""
        parts = self.text["parts"]
        number = self.request.GET.get("parte", "")
        return (
            parts[int(number) - 1]
            if number.isdigit() and 0 < int(number) <= len(parts)
            else parts[0]
        )

    def url(self, part: int = 1) -> str:
        url = reverse("portavoce:review", args=[self.version.pk, self.zone.number])
        return f"{url}?parte={part}" if part > 1 else url

    # GET: the page, with the zone's draft when there is one

    def get(self, request, *args, **kwargs):
        draft = queries.draft(self.version, self.zone) if self.can_decide else None
        form = ReviewForm(items=self.text["labels"], draft=draft)
        return self.render_review(form, draft=draft)

    # POST: one of the steps

    def post(self, request, *args, **kwargs):
        step, _sep, item = request.POST.get("step", CHECK).partition(":")
        form = ReviewForm(
            request.POST, items=self.text["labels"], deciding=step in (CHECK, CONFIRM)
        )
        try:
            services.require_may_decide(version=self.version, zone=self.zone, by=request.user)
        except ValidationError as exc:  # closed, or decided already: nothing is recorded
            return self.refuse(form, exc)
        if step == WRITE:
            kind, _sep, key = item.partition(":")
            opened = (kind, key) if (kind, key) in self.text["labels"] else None
            return self.render_review(form, opened=opened)
        if step in (BACK, SHOW):
            return self.render_review(form)
        if not form.is_valid():
            return self.render_review(form, status=400)
        if step == SAVE:
            return self.save(form)
        if step == CONFIRM:
            return self.confirm(form)
        return self.check(form)

    def save_draft(self, form):
        """``(draft, None)``: the zone's draft replaced by what ``form`` holds (None when it was
        empty); or ``(None, page)``: the page saying why not (409 with the draft saved meanwhile
        by someone else, 400 when the service refused), nothing written."""
        try:
            draft = services.save_draft(
                version=self.version,
                zone=self.zone,
                by=self.request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                remarks=form.remarks(),
                revision=self.revision_sent(),
            )
        except services.DraftConflict as conflict:
            return None, self.render_review(form, status=409, conflict=conflict.draft)
        except ValidationError as exc:
            return None, self.refuse(form, exc)
        return draft, None

    def check(self, form):
        """The confirmation, once what was typed is kept as the zone's draft: however the
        person leaves that page (the breadcrumb, the browser's back button, a closed tab), they
        find it all again on the review page."""
        draft, refused = self.save_draft(form)
        if refused is not None:
            return refused
        return self.render_confirmation(form, draft.revision)

    def save(self, form):
        draft, refused = self.save_draft(form)
        if refused is not None:
            return refused
        if draft is None:
            messages.info(self.request, _("Non c'era niente da salvare: la bozza è vuota."))
        else:
            messages.success(
                self.request,
                _(
                    "Bozza salvata. La ritrovi qui quando torni; entra nella decisione della "
                    "zona solo quando la registri."
                ),
            )
        return redirect(self.url())

    def confirm(self, form):
        try:
            services.decide_validation(
                version=self.version,
                zone=self.zone,
                by=self.request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                remarks=form.remarks(),
            )
        except ValidationError as exc:
            return self.refuse(form, exc)
        messages.success(
            self.request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Decisione registrata per la %(zone)s.") % {"zone": self.zone},
                self.version.get_absolute_url(),
                _("La trovi anche nella pagina pubblica della proposta."),
            ),
        )
        return redirect(self.url())

    def refuse(self, form, exc: ValidationError):
        """A step the service refused: its message at the top (or next to the field it names),
        what was typed kept, nothing recorded."""
        form.is_valid()  # the field errors first, so that add_error does not clean again
        form.add_service_error(exc)
        # the decision may have become impossible since the page was read (another tab)
        for name in ("decision", "can_decide"):
            self.__dict__.pop(name, None)
        return self.render_review(form, status=400)

    def revision_sent(self) -> int | None:
        """The revision of the draft the page was opened on (0: none); None when the form did
        not say (then the save is not checked against others)."""
        try:
            return max(int(self.request.POST.get("draft_revision", "")), 0)
        except ValueError:
            return None

    # the pages

    def render_review(self, form, *, status=200, draft=None, opened=None, conflict=None):
        values = form.remark_values()
        errors = {item: field.errors for item, field in form.remark_fields().items()}
        if opened is not None:
            values.setdefault(opened, "")
        recorded = {}
        if self.decision is not None:
            recorded = {(r.item_kind, str(r.item_key)): r for r in self.decision.remarks.all()}
        can_decide = self.can_decide
        here = self.part.number
        part_of = self.text["part_of"]

        def box(item, label):
            kind, key = item
            return render_to_string(
                "portavoce/includes/remark.html",
                {
                    "kind": kind,
                    "key": key,
                    "name": remark_name(kind, key),
                    "code": label,
                    "value": values[item],
                    "errors": errors.get(item, ()),
                    "autofocus": item == opened,
                },
            )

        def slot(kind, key, button):
            item = (kind, key)
            if not can_decide:
                remark = recorded.get(item)
                if remark is None:
                    return ""
                return render_to_string(
                    "portavoce/includes/recorded_remark.html", {"remark": remark}
                )
            if item not in values:
                return button
            return box(item, self.text["labels"][item].split(" ", 1)[0])

        def goto(part, anchor, label):
            label = mark_safe(label)  # our template's
            if part in (0, here):
                return format_html('<a href="#{}">{}</a>', anchor, label)
            if can_decide:  # a button of the form: what is typed goes along
                return format_html(GOTO_BUTTON, f"?parte={part}#{anchor}", label)
            return format_html('<a href="?parte={}#{}">{}</a>', part, anchor, label)

        changes, text = review.review_part(self.version, self.base, here)
        # the boxes written in the other parts of the text stay in the form
        elsewhere = [
            box(item, self.text["labels"][item])
            for item in self.text["labels"]
            if item in values and part_of[item] != here
        ]

        # the revision the page goes on with: the one it was opened on (a later save by
        # someone else must still be caught), the conflicting draft's once it is shown
        revision = self.revision_sent() if form.is_bound else None
        if draft is None and can_decide and form.is_bound:
            draft = queries.draft(self.version, self.zone)
        if conflict is not None:
            draft, revision = conflict, conflict.revision
        if revision is None:
            revision = draft.revision if draft is not None else 0
        remark_errors = [
            (remark_name(*item), field.label, error)
            for item, field in form.remark_fields().items()
            for error in field.errors
        ]
        context = self.get_context_data(
            version=self.version,
            programme=self.version.programme,
            zone=self.zone,
            decision=self.decision,
            can_decide=can_decide,
            base=self.base,
            changes=review.fill_slots(changes, slot, goto),
            change_count=self.text["count"],
            parts=self.text["parts"],
            part=self.part,
            text=review.fill_slots(text, slot, goto),
            elsewhere=elsewhere,
            form=form,
            remark_errors=remark_errors,
            typed=self._typed(form) if form.is_bound and not can_decide else None,
            draft=draft,
            draft_revision=revision,
            conflict=conflict,
            conflict_remarks=self._labelled(conflict),
        )
        return self.render_to_response(context, status=status)

    def _typed(self, form) -> dict:
        """What was sent, as typed, for a page that no longer has the form to show it in."""
        labels = self.text["labels"]
        return {
            "reason": form["reason"].value() or "",
            "remarks": [
                (labels[item], text) for item, text in form.remark_values().items() if text.strip()
            ],
        }

    def _labelled(self, draft) -> list[tuple[str, str]]:
        if draft is None:
            return []
        labels = self.text["labels"]
        return [
            (labels.get((r.item_kind, str(r.item_key)), ""), r.text) for r in draft.remarks.all()
        ]

    def render_confirmation(self, form, draft_revision: int):
        context = self.get_context_data(
            version=self.version,
            programme=self.version.programme,
            zone=self.zone,
            form=form,
            decision_label=Decision(form.cleaned_data["decision"]).label,
            remarks=form.remarks(),
            fields=[(remark_name(r.item_kind, r.item_key), r.text) for r in form.remarks()],
            draft_revision=draft_revision,
        )
        return self.response_class(
            request=self.request,
            template="portavoce/confirm.html",
            context=context,
            using=self.template_engine,
        )
