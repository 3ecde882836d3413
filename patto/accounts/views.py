"""A person's own pages: the profile (name, body, category, what they take part in, which
e-mails they receive), deleting the account, and following a programme. Login, sign-up and
passwords are allauth's (templates in ``templates/account/``)."""

import json
from functools import partial

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from incontri.models import Registration
from patto.accounts import second_factor, services
from patto.accounts.forms import DeleteAccountForm, EmailPreferencesForm, ProfileForm
from patto.accounts.personal_data import personal_data
from patto.mail.participants import EmailTopic
from patto.models import Follow, Programme
from patto.monitoring.digest import set_monitoring_digest
from tavoli.models import Comment, Contribution, Moderation


def email_topics():
    """(topic, label, help) for the preferences form, in the order of ``EmailTopic``."""
    helps = {
        EmailTopic.FOLLOWING: _(
            "Quando viene proposta o pubblicata una nuova versione di un programma che segui."
        ),
        EmailTopic.ANSWERS: _(
            "Quando la redazione risponde a un tuo contributo o qualcuno lo commenta."
        ),
        EmailTopic.MEETINGS: _(
            "Conferma dell'iscrizione a un incontro, lista d'attesa, posto che si libera."
        ),
        EmailTopic.DIGEST: _(
            "Una volta alla settimana, gli aggiornamenti sull'attuazione dei programmi per cui "
            "l'hai chiesto (in «Programmi che segui», qui sopra)."
        ),
    }
    return [(topic, str(label).capitalize(), helps[topic]) for topic, label in EmailTopic.choices]


def profile_initial(user) -> dict:
    return {
        **{name: getattr(user, name) for name in services.PROFILE_FIELDS},
        "loaded": services.profile_fingerprint(user),
    }


class ProfileView(LoginRequiredMixin, TemplateView):
    """GET: the profile. POST: save name, body and category."""

    template_name = "patto/profile.html"

    def get_context_data(self, profile_form=None, preferences_form=None, **kwargs):
        user = self.request.user
        if profile_form is None:
            profile_form = ProfileForm(initial=profile_initial(user))
        if preferences_form is None:
            preferences_form = EmailPreferencesForm(
                topics=email_topics(), initial=services.email_preferences(user)
            )
        return super().get_context_data(
            **kwargs,
            profile_form=profile_form,
            preferences_form=preferences_form,
            follows=Follow.objects.filter(user=user)
            .select_related("programme")
            .order_by("programme__position", "programme__title"),
            registrations=Registration.objects.filter(user=user)
            .select_related("meeting")
            .order_by(F("meeting__date").desc(nulls_first=True), "-created_at"),
            contributions=Contribution.objects.filter(author=user)
            .with_led_to_flag()
            .select_related("programme")
            .order_by("-created_at"),
            comments=Comment.objects.filter(author=user)
            .select_related("contribution__programme")
            .order_by("-created_at", "-pk"),
            deletion_refused=None,
            # asked only where the page shows it: for the privileged roles
            has_second_factor=partial(second_factor.has_second_factor, user),
        )

    def post(self, request, *args, **kwargs):
        form = ProfileForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
            try:
                services.update_profile(
                    user=request.user, loaded=form.cleaned_data["loaded"], **values
                )
            except services.ProfileConflict as exc:
                # show what is saved now, at its fingerprint: saving again is a deliberate choice
                form = ProfileForm(profile_initial(exc.current))
                form.is_valid()
                form.add_error(None, exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Profilo salvato."))
                return redirect("profile:detail")
        return self.render_to_response(self.get_context_data(profile_form=form), status=400)


class EmailPreferencesView(LoginRequiredMixin, View):
    """POST: which kinds of e-mail the person receives."""

    http_method_names = ["post"]

    def post(self, request):
        form = EmailPreferencesForm(request.POST, topics=email_topics())
        form.is_valid()  # unchecked boxes are simply False
        services.set_email_preferences(
            user=request.user,
            receive={topic: bool(form.cleaned_data.get(topic)) for topic in EmailTopic.values},
        )
        messages.success(request, _("Preferenze sulle email salvate."))
        return redirect(reverse("profile:detail") + "#email")


class DeleteAccountView(LoginRequiredMixin, View):
    """GET: what deleting means, and the password. POST: delete, log out, go home."""

    template_name = "patto/account_delete.html"

    def _render(self, request, form, status=200):
        withdrawn = Q(moderation=Moderation.WITHDRAWN)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "refused": services.deletion_refused_because(request.user),
                **Contribution.objects.filter(author=request.user).aggregate(
                    contribution_count=Count("pk", filter=~withdrawn),
                    withdrawn_count=Count("pk", filter=withdrawn),
                ),
                "withdrawn_comment_count": Comment.objects.filter(
                    author=request.user, moderation=Moderation.WITHDRAWN
                ).count(),
                # those withdrawn go, and those under a contribution their person withdrew
                # (delete_account); under someone else's withdrawn contribution they stay
                "comment_count": Comment.objects.filter(author=request.user)
                .exclude(moderation=Moderation.WITHDRAWN)
                .exclude(
                    contribution__moderation=Moderation.WITHDRAWN,
                    contribution__author=request.user,
                )
                .count(),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, DeleteAccountForm(user=request.user))

    def post(self, request):
        # the password is checked here: a few tries, as at the login page, then a pause
        allowed = ratelimit.consume(request, action="delete_account", user=request.user)
        form = DeleteAccountForm(request.POST, user=request.user, rate_limited=not allowed)
        if not form.is_valid():
            return self._render(request, form, status=400 if allowed else 429)
        try:
            services.delete_account(user=request.user)
        except services.AccountDeletionRefused as exc:
            form.add_error(None, exc)
            return self._render(request, form, status=403)
        logout(request)
        messages.success(
            request, _("Il tuo account è stato eliminato. Grazie di aver partecipato.")
        )
        return redirect("home")


class PersonalDataView(LoginRequiredMixin, View):
    """Everything the portal holds about the person, as a JSON file (GDPR art. 15 and 20)."""

    def get(self, request):
        data = personal_data(request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        day = data["generated_at"][:10]
        response["Content-Disposition"] = f'attachment; filename="patto-i-miei-dati-{day}.json"'
        return response


class FollowView(View):
    """POST: follow (``follow=True``) or stop following a programme. With htmx, answers with
    the button's new state; without, goes back where the form was."""

    http_method_names = ["post"]
    follow = True

    def post(self, request, slug):
        programme = get_object_or_404(Programme, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(programme.get_absolute_url())
        digest = False
        if self.follow:
            follow = services.follow_programme(user=request.user, programme=programme)
            digest = follow.monitoring_digest
        else:
            services.unfollow_programme(user=request.user, programme=programme)
        if request.htmx:
            return render(
                request,
                "patto/includes/follow_button.html",
                {
                    "programme": programme,
                    "following": self.follow,
                    "digest": digest,
                    "just_changed": True,
                    "next_url": programme.get_absolute_url(),
                },
            )
        done = _("Ora segui «%(title)s».") if self.follow else _("Non segui più «%(title)s».")
        messages.success(request, done % {"title": programme.title})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = programme.get_absolute_url()
        return redirect(next_url)


class DigestView(View):
    """POST: ask for (``digest=1``) or stop (``digest=0``) the weekly digest of a programme's
    monitoring updates; asking for it follows the programme. With htmx, answers with the
    follow button; without, goes back where the form was."""

    http_method_names = ["post"]

    def post(self, request, slug):
        programme = get_object_or_404(Programme, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(programme.get_absolute_url())
        wanted = request.POST.get("digest") == "1"
        set_monitoring_digest(user=request.user, programme=programme, digest=wanted)
        if request.htmx:
            return render(
                request,
                "patto/includes/follow_button.html",
                {
                    "programme": programme,
                    "following": True,
                    "digest": wanted,
                    "next_url": programme.get_absolute_url(),
                },
            )
        done = (
            _("Riceverai ogni settimana il riepilogo dell'attuazione di «%(title)s».")
            if wanted
            else _("Non riceverai più il riepilogo settimanale di «%(title)s».")
        )
        messages.success(request, done % {"title": programme.title})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = programme.get_absolute_url()
        return redirect(next_url)
