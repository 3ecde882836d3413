"""The one-click unsubscribe page of the participants' e-mails (see ``patto.mail.participants``).
No login: the signed token in the address is the authority."""

from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from patto.mail.participants import Unsubscription


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058: mail clients POST with no token
class UnsubscribeView(View):
    template_name = "patto/unsubscribe.html"

    def _unsubscription(self, token):
        unsubscription = Unsubscription.parse(token)
        if unsubscription is None:
            raise Http404
        return unsubscription

    def get(self, request, token):
        unsubscription = self._unsubscription(token)
        return render(
            request,
            self.template_name,
            {"unsubscription": unsubscription, "done": unsubscription.is_done()},
        )

    def post(self, request, token):
        unsubscription = self._unsubscription(token)
        unsubscription.apply()
        return render(request, self.template_name, {"unsubscription": unsubscription, "done": True})
