"""The forms of a person's account: allauth's own (login, sign-up, passwords, e-mail) with
Bootstrap Italia widgets, and the portal's profile, e-mail preferences and account deletion.

Allauth picks its forms from ``ACCOUNT_FORMS`` in the settings."""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from patto.core.staff_forms import style_widgets
from patto.models import ActorCategory


class StyledMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LoginForm(StyledMixin, allauth_forms.LoginForm):
    pass


class AddEmailForm(StyledMixin, allauth_forms.AddEmailForm):
    pass


class ChangePasswordForm(StyledMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(StyledMixin, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(StyledMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(StyledMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(StyledMixin, allauth_forms.ReauthenticateForm):
    pass


class AboutMeFields(forms.Form):
    """The fields a person states about themselves, at sign-up and on the profile page."""

    first_name = forms.CharField(label=_("Nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=150, required=False)
    body_name = forms.CharField(
        label=_("Ente o organizzazione per cui parli"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: Comune di Pinerolo, una cooperativa, un'associazione."),
    )
    actor_category = forms.ChoiceField(
        label=_("Categoria"),
        choices=[("", _("— non indicata —")), *ActorCategory.choices],
        required=False,
        help_text=_("Il gruppo di attori a cui appartieni."),
    )


class SignupForm(StyledMixin, AboutMeFields, allauth_forms.SignupForm):
    """E-mail and password, and what the person chooses to say about themselves."""

    field_order = [
        "email",
        "first_name",
        "last_name",
        "body_name",
        "actor_category",
        "password1",
        "password2",
    ]

    def custom_signup(self, request, user):
        # allauth's adapter has already stored first_name, last_name and email
        user.body_name = self.cleaned_data.get("body_name", "").strip()
        user.actor_category = self.cleaned_data.get("actor_category", "")
        user.save(update_fields=["body_name", "actor_category"])


class ProfileForm(AboutMeFields):
    """Name, body and category. ``loaded`` is a fingerprint of the values the form was opened
    with: a save made on an outdated page is refused rather than overwriting the newer values
    (see ``account_services.update_profile``)."""

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("loaded"):
            raise forms.ValidationError(
                _("Il modulo è incompleto: ricarica la pagina e riprova."), code="no_fingerprint"
            )
        return cleaned


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of e-mail: checked means "send it to me"."""

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        for topic, label, help_text in topics:
            self.fields[topic] = forms.BooleanField(
                label=label, help_text=help_text, required=False
            )
        style_widgets(self)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("La tua password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."), code="wrong_password")
        return password
