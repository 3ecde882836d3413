"""The forms of a person's account: allauth's own (login, sign-up, passwords, e-mail) with
Bootstrap Italia widgets, and the portal's profile, e-mail preferences and account deletion.

Allauth picks its forms from ``ACCOUNT_FORMS`` in the settings."""

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from allauth.mfa.webauthn import forms as mfa_webauthn_forms
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from patto.accounts.roles import roles_of
from patto.core.staff_forms import style_widgets
from patto.models import ActorCategory


class StyledMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LoginForm(StyledMixin, allauth_forms.LoginForm):
    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if (
            user is not None
            and not settings.PASSWORD_LOGIN_FOR_CITIZENS
            and not roles_of(user)["privileged"]
        ):
            # AgID: in production citizens log in with SPID or CIE; the password stays for the
            # redazione, the spokespersons and the administrators
            raise forms.ValidationError(
                _("Accedi con SPID o con la Carta d'identità elettronica."),
                code="password_login_off",
            )
        return cleaned


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

    def try_save(self, request):
        """For an address that already has an account allauth sends a mail instead of creating
        one: hash the password all the same, so both answers take as long and the time of the
        answer does not tell whether the address is registered (both e-mails are sent by the
        worker, through the outbox)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)

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

    def __init__(self, *args, user, rate_limited=False, **kwargs):
        self.user = user
        self.rate_limited = rate_limited
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.rate_limited:  # not even checked: too many tries in a short time
            raise forms.ValidationError(
                _(
                    "Hai provato troppe volte. Per proteggere il tuo account aspetta qualche "
                    "minuto e riprova."
                ),
                code="rate_limited",
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."), code="wrong_password")
        return password


# The second factor (allauth.mfa, picked from ``MFA_FORMS``; patto/accounts/second_factor.py) ---


class CodeFieldMixin(StyledMixin):
    """The code field of allauth's forms, in the portal's words: digits only, no placeholder."""

    code_label = _("Codice")
    code_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label, field.help_text = self.code_label, self.code_help
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.update(inputmode="numeric", autocomplete="one-time-code", size=10)


class MFAAuthenticateForm(CodeFieldMixin, mfa_base_forms.AuthenticateForm):
    code_help = _(
        "Le 6 cifre che l'app di autenticazione mostra ora per Patto. Se non hai il telefono, "
        "scrivi uno dei codici di recupero (8 cifre): ognuno vale una volta sola."
    )


class MFAReauthenticateForm(CodeFieldMixin, mfa_base_forms.ReauthenticateForm):
    code_help = MFAAuthenticateForm.code_help


class ActivateTOTPForm(CodeFieldMixin, mfa_totp_forms.ActivateTOTPForm):
    code_label = _("Codice dell'app")
    code_help = _("Le 6 cifre che l'app mostra ora per Patto: cambiano ogni 30 secondi.")


class KeyNameMixin(StyledMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["name"]
        field.label = _("Nome della chiave")
        field.help_text = _("Per riconoscerla se ne aggiungi altre, per esempio «Chiavetta blu».")
        field.widget.attrs.setdefault("maxlength", 100)


class AddWebAuthnForm(KeyNameMixin, mfa_webauthn_forms.AddWebAuthnForm):
    pass


class EditWebAuthnForm(KeyNameMixin, mfa_webauthn_forms.EditWebAuthnForm):
    pass
