from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView
from django_filters.views import FilterView

from matrice.models import Action, Policy
from patto.cache.pages import public_page
from patto.core.exceptions import NotFound
from patto.core.feeds import feed_links
from patto.core.mixins import (
    FilteredListMixin,
    ProgrammeMixin,
    PublicVersionsMixin,
    VersionMixin,
)
from patto.core.opendata import DownloadView, bad_request, download
from patto.core.staff_views import safe_next
from tavoli import opendata, queries, services
from tavoli.consultation import ConsultationMixin, consultation_of
from tavoli.filters import ContributionFilterSet
from tavoli.forms import CommentForm, OnlineContributionForm
from tavoli.models import Comment, Contribution, Moderation


@method_decorator(public_page, name="dispatch")
class TableListView(ProgrammeMixin, TemplateView):
    """The programme's thematic tables, grouped by phase, with their outcome counts."""

    template_name = "tavoli/table_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            tables=queries.tables_overview(self.programme),
            outcomes=queries.outcome_counts(queries.contributions_of(self.programme)),
        )


@method_decorator(public_page, name="dispatch")
class TableDetailView(ProgrammeMixin, TemplateView):
    """A table: its member bodies, the meetings that involved it, its contributions and what
    became of each."""

    template_name = "tavoli/table_detail.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("table", None)  # the URL's slug; the context's ``table`` is the object
        table = queries.table_detail(self.programme, self.kwargs["table"])
        return super().get_context_data(
            **kwargs, table=table, contributions=table.table_contributions
        )


@method_decorator(public_page(params=ContributionFilterSet), name="dispatch")
class ContributionListView(ProgrammeMixin, FilteredListMixin, FilterView):
    """ "Hai detto, abbiamo fatto": every contribution of the programme and what became of it."""

    template_name = "tavoli/contribution_list.html"
    filterset_class = ContributionFilterSet
    paginate_by = 20
    context_object_name = "contributions"

    @cached_property
    def programme(self):
        return queries.programme_with_tables_flag(self.kwargs["slug"])

    def get_queryset(self):
        return queries.contributions_for_display(self.programme)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["programme"] = self.programme
        kwargs["offer_tables"] = self.programme.has_tables
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queries.with_targets(context["contributions"])
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        context["atom_feeds"] = feed_links(self.programme, "contributions")
        # The summary counts every outcome among the contributions the other filters select,
        # so each count can be a link that narrows the list to that outcome.
        query.pop("esito", None)
        context["query_without_outcome"] = query.urlencode()
        if not self.filterset.is_bound:
            context["outcomes"] = queries.outcome_counts(self.filterset.qs)
            context["selected_outcome"] = ""
        elif self.filterset.is_valid():
            context["outcomes"] = queries.outcome_counts(self.filterset.qs_without("esito"))
            context["selected_outcome"] = self.filterset.form.cleaned_data.get("esito", "")
        else:  # strict: an invalid filter lists nothing, so there is nothing to count
            context["outcomes"] = queries.OutcomeCounts.of([])
            context["selected_outcome"] = ""
        return context


@method_decorator(public_page(params=ContributionFilterSet), name="dispatch")
class OpenDataView(ProgrammeMixin, DownloadView):
    """The programme's contributions as open data. The list's filters apply here too, so the
    page's "download" links give the rows the visitor is looking at."""

    filterset_class = ContributionFilterSet

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), programme=self.programme
        )
        if filterset.is_bound and not filterset.is_valid():
            return bad_request(
                request,
                _("I filtri nell'indirizzo del file non sono validi: %(errors)s")
                % {"errors": filterset_errors(filterset)},
            )
        contributions = list(filterset.qs)
        queries.with_targets(contributions)
        rows = opendata.records(
            contributions, programme=self.programme, absolute_url=request.build_absolute_uri
        )
        return download(
            request,
            opendata.CONTRIBUTIONS,
            rows,
            format=self.format,
            stem=f"contributi-{self.programme.slug}",
            programme=self.programme.slug,
        )

    def get_queryset(self):
        return queries.contributions_for_display(self.programme)


def filterset_errors(filterset) -> str:
    """The filters' errors in a sentence: «Esito: Scegli un'opzione valida…»."""
    form = filterset.form
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


@method_decorator(public_page, name="dispatch")
class ContributionDetailView(ProgrammeMixin, TemplateView):
    """A contribution, what became of it and its comments. An online contribution waiting for
    moderation exists only for its author; a hidden one shows its public reason only."""

    template_name = "tavoli/contribution_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # a link to a contribution its author withdrew (in an e-mail, a bookmark) says so
            withdrawn = Contribution.objects.filter(
                programme=self.programme, pk=self.kwargs["pk"], moderation=Moderation.WITHDRAWN
            ).first()
            # one withdrawn before it was ever published stays unknown to everyone
            if (
                withdrawn is None
                or not withdrawn.history.filter(moderation=Moderation.APPROVED).exists()
            ):
                raise
            return render(
                request,
                "tavoli/contribution_withdrawn.html",
                {"programme": self.programme, "contribution": withdrawn},
                status=410,
            )

    def get_context_data(self, **kwargs):
        contribution = queries.contribution_detail(
            self.programme, self.kwargs["pk"], self.request.user
        )
        return super().get_context_data(
            **kwargs,
            contribution=contribution,
            consultation=consultation_of(self.programme),
            comment_form=CommentForm(user=self.request.user),
        )


class WithdrawContributionView(LoginRequiredMixin, ProgrammeMixin, View):
    """Its author withdraws an online contribution: GET says what that means (or why it can no
    longer be done), POST does it and goes back to the profile. Anyone else's contribution
    answers 404, as if it did not exist."""

    template_name = "tavoli/contribution_withdraw.html"

    @cached_property
    def contribution(self) -> Contribution:
        contribution = Contribution.objects.filter(
            programme=self.programme, pk=self.kwargs["pk"], author=self.request.user
        ).first()
        if contribution is None:
            raise NotFound(_("Contributo non trovato."))
        return contribution

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        contribution = self.contribution
        try:
            services.withdraw_contribution(contribution=contribution, by=request.user)
        except ValidationError as exc:
            # a second click: done already, nothing to do
            if getattr(exc, "code", None) == "already_withdrawn":
                messages.info(request, exc.messages[0])
                return redirect(reverse("profile:detail") + "#contributi")
            contribution.refresh_from_db()  # taken up meanwhile: the page says so
            return self.render(error=exc.messages[0], status=409)
        messages.success(
            request,
            _("Hai ritirato il contributo «%(title)s».") % {"title": contribution.title},
        )
        return redirect(reverse("profile:detail") + "#contributi")

    def render(self, *, error: str = "", status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"programme": self.programme, "contribution": self.contribution, "error": error},
            status=status,
        )


class WithdrawCommentView(LoginRequiredMixin, ProgrammeMixin, View):
    """Its author withdraws a comment: GET says what that means (or why there is nothing to
    withdraw), POST does it and goes back to the profile. Anyone else's comment answers 404."""

    template_name = "tavoli/comment_withdraw.html"

    @cached_property
    def comment(self) -> Comment:
        comment = (
            Comment.objects.select_related("contribution")
            .filter(
                contribution__programme=self.programme,
                pk=self.kwargs["pk"],
                author=self.request.user,
            )
            .first()
        )
        if comment is None:
            raise NotFound(_("Commento non trovato."))
        return comment

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        try:
            services.withdraw_comment(comment=self.comment, by=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_withdrawn":  # a second click
                messages.info(request, exc.messages[0])
                return redirect(reverse("profile:detail") + "#commenti")
            self.comment.refresh_from_db()  # hidden meanwhile: the page says so
            return self.render(error=exc.messages[0], status=409)
        messages.success(request, _("Hai ritirato il commento."))
        return redirect(reverse("profile:detail") + "#commenti")

    def render(self, *, error: str = "", status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"programme": self.programme, "comment": self.comment, "error": error},
            status=status,
        )


# The consultation: contributions and comments online ------------------------------------------


def consultation_context(version, user, *, policies=None, action=None, consultation=None) -> dict:
    """What a version's page (with the ``policies`` it shows) or an action's page shows of the
    consultation: the latest contributions about it (``tavoli.queries.Discussion``, the rest on
    the page of the item's contributions) and, on the version under consultation, the form or
    the message saying when the consultation opened or will open. On a version's page each
    policy gets ``consultation_contributions``. Three to five queries; two fewer with the
    programme's ``consultation`` given (``consultation_from``, for a page that has read its
    phases and public versions)."""
    if consultation is None:
        consultation = consultation_of(version.programme)
    context = {
        "consultation": consultation,
        "consultation_here": consultation.is_about(version),
        "contribution_form": OnlineContributionForm(user=user),
    }
    if action is not None:
        context["action_contributions"] = queries.contributions_on_action(action, user)
    else:
        found = queries.contributions_on_version(version, policies, user)
        context["whole_contributions"] = found["whole"]
        for policy in policies:
            policy.consultation_contributions = found["by_policy"].get(
                policy.key, queries.Discussion()
            )
    return context


@method_decorator(public_page(params=("politica", "azione", "page")), name="dispatch")
class ItemContributionsView(ConsultationMixin, PublicVersionsMixin, ListView):
    """Every contribution about a version as a whole, one of its policies (``?politica=``) or
    one of its actions (``?azione=``), a part at a time: the page of the item shows only the
    latest (``tavoli.queries.SHOWN_CONTRIBUTIONS``)."""

    template_name = "tavoli/item_contributions.html"
    context_object_name = "contributions"
    paginate_by = 20

    @cached_property
    def item(self) -> tuple[Policy | None, Action | None]:
        policy_code = self.request.GET.get("politica", "")
        action_code = self.request.GET.get("azione", "")
        policy = action = None
        if action_code:
            action = Action.objects.filter(version=self.version, code=action_code).first()
            if action is None:
                raise NotFound(_("Azione non trovata."))
        elif policy_code:
            policy = Policy.objects.filter(version=self.version, code=policy_code).first()
            if policy is None:
                raise NotFound(_("Politica non trovata."))
        return policy, action

    def get_queryset(self):
        policy, action = self.item
        return queries.contributions_about(
            self.version, self.request.user, policy=policy, action=action
        )

    def get_context_data(self, **kwargs):
        policy, action = self.item
        if action is not None:
            back_url = reverse(
                "matrice:action", args=[self.programme.slug, self.version.number, action.code]
            )
        else:
            back_url = self.version.get_absolute_url()
            if policy is not None:
                back_url += f"?politica={policy.code}#politica-{policy.code}"
        query = "&".join(
            f"{name}={item.code}"
            for name, item in (("politica", policy), ("azione", action))
            if item is not None
        )
        return super().get_context_data(
            **kwargs,
            policy=policy,
            action=action,
            back_url=back_url,
            query_without_page=query,
        )


class ContributeView(LoginRequiredMixin, VersionMixin, View):
    """A contribution on the version under consultation: on the whole, on a policy
    (``politica``) or on an action (``azione``), named by code. The form lives on those pages;
    this page shows it alone (GET) and again with its errors after a refused POST."""

    template_name = "tavoli/contribute.html"

    @cached_property
    def consultation(self):
        return consultation_of(self.programme)

    def target(self, data) -> tuple[Policy | None, Action | None]:
        policy_code, action_code = data.get("policy") or "", data.get("action") or ""
        policy = action = None
        if policy_code:
            policy = Policy.objects.filter(version=self.version, code=policy_code).first()
            if policy is None:
                raise NotFound(_("Politica non trovata."))
        if action_code:
            action = (
                Action.objects.filter(version=self.version, code=action_code)
                .select_related("area__policy")
                .first()
            )
            if action is None:
                raise NotFound(_("Azione non trovata."))
        return policy, action

    def target_url(self, policy, action, anchor="") -> str:
        """The page of what the contribution is about (at ``anchor``, else at the policy's
        section)."""
        if action is not None:
            url = reverse(
                "matrice:action", args=[self.programme.slug, self.version.number, action.code]
            )
        else:
            url = self.version.get_absolute_url()
            if policy is not None and not anchor:
                anchor = f"politica-{policy.code}"
        return f"{url}#{anchor}" if anchor else url

    def get(self, request, *args, **kwargs):
        initial = {
            "policy": request.GET.get("politica", ""),
            "action": request.GET.get("azione", ""),
        }
        policy, action = self.target(initial)
        form = OnlineContributionForm(user=request.user, initial=initial)
        return self.render(form, policy, action)

    def post(self, request, *args, **kwargs):
        form = OnlineContributionForm(request.POST, user=request.user)
        policy, action = self.target(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = services.submit_online_contribution(
                    version=self.version,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    author_name=data["author_name"],
                    signed_publicly=data["signed_publicly"],
                    body_name=data["body_name"],
                    actor_category=data["actor_category"],
                    policy=policy,
                    action=action,
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if contribution.is_pending:
                    messages.success(
                        request,
                        _(
                            "Grazie: il contributo è stato inviato. Comparirà sul sito dopo "
                            "l'approvazione della redazione; intanto lo vedi solo tu."
                        ),
                    )
                else:
                    messages.success(request, _("Grazie: il contributo è pubblicato."))
                return redirect(
                    self.target_url(policy, action, anchor=f"contributo-{contribution.pk}")
                )
        return self.render(form, policy, action)

    def render(self, form, policy, action):
        consultation = self.consultation
        here = consultation.is_about(self.version)
        notice = consultation.refusal
        if consultation.is_open and not here:
            notice = _("La consultazione riguarda la versione %(number)s del piano.") % {
                "number": consultation.version.number
            }
        return render(
            self.request,
            self.template_name,
            {
                "programme": self.programme,
                "version": self.version,
                "consultation": consultation,
                "consultation_here": here,
                "notice": notice,
                "form": form,
                "policy": policy,
                "action": action,
                "back_url": self.target_url(policy, action),
            },
        )


class CommentView(LoginRequiredMixin, ProgrammeMixin, View):
    """A comment on a published contribution, while the consultation is open. The form lives
    under each contribution; this page shows it alone (GET) and with its errors."""

    template_name = "tavoli/comment.html"

    @cached_property
    def contribution(self) -> Contribution:
        contribution = (
            Contribution.objects.visible_to(self.request.user)
            .filter(programme=self.programme, pk=self.kwargs["pk"])
            .first()
        )
        if contribution is None:
            raise NotFound(_("Contributo non trovato."))
        return contribution

    def contribution_url(self) -> str:
        return reverse("tavoli:contribution", args=[self.programme.slug, self.contribution.pk])

    def get(self, request, *args, **kwargs):
        return self.render(CommentForm(user=request.user))

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                comment = services.add_comment(
                    contribution=self.contribution,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    author_name=form.cleaned_data["author_name"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if comment.is_pending:
                    messages.success(
                        request,
                        _(
                            "Grazie: il commento comparirà dopo l'approvazione della "
                            "redazione; intanto lo vedi solo tu."
                        ),
                    )
                else:
                    messages.success(request, _("Grazie: il commento è pubblicato."))
                default = self.contribution_url()
                return redirect(safe_next(request, default))
        return self.render(form)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "programme": self.programme,
                "contribution": self.contribution,
                "consultation": consultation_of(self.programme),
                "form": form,
                "back_url": safe_next(self.request, self.contribution_url()),
            },
        )
