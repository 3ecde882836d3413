"""The pages of the login with SPID and CIE. All answer 404 while SPID_ENABLED is off."""

import logging
import secrets
import time
from dataclasses import asdict

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from patto.accounts.roles import landing_page
from patto.accounts.spid import saml, services
from patto.accounts.spid.forms import EmailForm
from patto.accounts.spid.metadata import build_metadata
from patto.accounts.spid.registry import identity_providers

logger = logging.getLogger(__name__)
# The browser that started a login carries the request's ID in this signed cookie; the server
# keeps what the login is for (the page to go back to, the account to link) for PENDING_SECONDS,
# and takes it back at the first answer: an answer is never taken twice.
COOKIE = "patto_spid"
SALT = "patto.spid.request"
PENDING_SECONDS = 600
# the identity waiting for an e-mail address (EmailView), in the session
EMAIL_PENDING = "patto_spid_email_pending"


def _pending_key(request_id: str) -> str:
    return f"patto:spid:pending:{request_id}"


class SpidEnabledMixin:
    def dispatch(self, request, *args, **kwargs):
        if not settings.SPID_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class MetadataView(SpidEnabledMixin, View):
    """The service provider's signed metadata: /spid/metadata/ for SPID, ?cie=1 for the CIE."""

    def get(self, request):
        kind = "cie" if request.GET.get("cie") == "1" else "spid"
        return HttpResponse(build_metadata(kind), content_type="application/samlmetadata+xml")


class LoginView(SpidEnabledMixin, View):
    """GET ?idp=<entityID>&next=<page>: off to the identity provider with a signed request.
    Without a known identity provider: the list to choose from."""

    def get(self, request):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        idps = identity_providers()
        idp = request.GET.get("idp", "")
        if idp not in {provider.entity_id for provider in idps}:
            return render(
                request,
                "spid/choose.html",
                {"identity_providers": idps, "next": next_url, "unknown": bool(idp)},
                status=400 if idp else 200,
            )
        relay_state = secrets.token_urlsafe(16)
        authn = saml.authn_request(idp=idp, relay_state=relay_state)
        link_to = request.user.pk if request.user.is_authenticated else None
        cache.set(
            _pending_key(authn.id),
            {"next": next_url, "link_to": link_to, "idp": idp},
            PENDING_SECONDS,
        )
        response = HttpResponseRedirect(authn.location)
        # the identity provider's answer comes back by a POST from its own site
        secure = request.is_secure()
        response.set_signed_cookie(
            COOKIE,
            authn.id,
            salt=SALT,
            max_age=PENDING_SECONDS,
            secure=secure,
            httponly=True,
            samesite="None" if secure else "Lax",
            path=reverse("spid:acs"),
        )
        return response


@method_decorator(csrf_exempt, name="dispatch")
class AssertionConsumerView(SpidEnabledMixin, View):
    """POST SAMLResponse: the identity provider's answer. Logs the person in (creating their
    account at the first login), or explains why not."""

    def refuse(self, request, message: str, status: int = 403):
        response = render(request, "spid/error.html", {"message": message}, status=status)
        response.delete_cookie(COOKIE, path=reverse("spid:acs"))
        return response

    def post(self, request):
        request_id = request.get_signed_cookie(
            COOKIE, default=None, salt=SALT, max_age=PENDING_SECONDS
        )
        pending = cache.get(_pending_key(request_id)) if request_id else None
        saml_response = request.POST.get("SAMLResponse", "")
        if pending is None or not saml_response:
            return self.refuse(
                request, _("L'accesso è scaduto o non è partito da qui: ricomincia dall'inizio.")
            )
        cache.delete(_pending_key(request_id))
        try:
            identity = saml.read_response(saml_response=saml_response, request_id=request_id)
        except saml.SpidError as exc:
            logger.warning("SPID: answer refused: %s", exc)
            return self.refuse(
                request,
                _("Il gestore dell'identità non ha confermato chi sei: l'accesso non è riuscito."),
            )
        link_to = None
        if pending["link_to"] is not None:
            from django.contrib.auth import get_user_model

            link_to = get_user_model().objects.filter(pk=pending["link_to"]).first()
        try:
            user, created = services.user_for_identity(identity=identity, link_to=link_to)
        except services.EmailNeeded:
            request.session[EMAIL_PENDING] = {
                **asdict(identity),
                "next": pending["next"],
                "at": time.time(),
            }
            response = HttpResponseRedirect(reverse("spid:email"))
            response.delete_cookie(COOKIE, path=reverse("spid:acs"))
            return response
        except ValidationError as exc:
            return self.refuse(request, " ".join(exc.messages), status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if created:
            messages.success(
                request,
                _("Il tuo account è pronto: scegli nel profilo la categoria in cui partecipi."),
            )
            target = reverse("profile:detail")
        elif link_to is not None:
            messages.success(request, _("La tua identità digitale è collegata al tuo account."))
            target = pending["next"] or reverse("profile:detail")
        else:
            target = pending["next"] or landing_page(user)
        response = HttpResponseRedirect(target)
        response.delete_cookie(COOKIE, path=reverse("spid:acs"))
        return response


class EmailView(SpidEnabledMixin, View):
    """After a first login whose identity provider sent no e-mail address (the CIE): the person
    gives one; the account is made, they are logged in and the address waits for its link."""

    template_name = "spid/email.html"

    def pending(self, request):
        pending = request.session.get(EMAIL_PENDING)
        if not pending or time.time() - pending["at"] > PENDING_SECONDS:
            return None
        return pending

    def get(self, request):
        if self.pending(request) is None:
            return HttpResponseRedirect(reverse("account_login"))
        return render(request, self.template_name, {"form": EmailForm()})

    def post(self, request):
        pending = self.pending(request)
        if pending is None:
            return HttpResponseRedirect(reverse("account_login"))
        form = EmailForm(request.POST)
        if form.is_valid():
            identity = saml.Identity(
                **{field: pending[field] for field in saml.Identity.__dataclass_fields__}
            )
            try:
                user, _created = services.user_for_identity(
                    identity=identity, email=form.cleaned_data["email"]
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                del request.session[EMAIL_PENDING]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                EmailAddress.objects.get(user=user).send_confirmation(request, signup=True)
                messages.success(
                    request,
                    _(
                        "Il tuo account è pronto: apri il link che ti abbiamo mandato per "
                        "confermare l'indirizzo, e scegli qui la categoria in cui partecipi."
                    ),
                )
                return HttpResponseRedirect(reverse("profile:detail"))
        return render(request, self.template_name, {"form": form}, status=400)


@method_decorator(csrf_exempt, name="dispatch")
class SingleLogoutView(SpidEnabledMixin, View):
    """The single logout address of the metadata: ends the session here."""

    def get(self, request):
        from django.contrib.auth import logout

        logout(request)
        return HttpResponseRedirect("/")

    post = get
