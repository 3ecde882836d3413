"""The widget's two answers (the rating, and the details without JavaScript) and the staff's
summary.

The widget is on pages the cache serves the same to every visitor, so its form carries no CSRF
token and the rating view is exempt: a rating acts for no account and changes nothing but the
count, and each address may give ``ACCOUNT_RATE_LIMITS["page_rating"]`` (kept in the cache,
never in the database)."""

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView, View

from patto.core.permissions import RedazioneRequiredMixin
from patto.feedback import queries, services
from patto.feedback.forms import DetailsForm, RatingForm


def _answer(request, *, status=200, **context):
    return render(request, "feedback/answer.html", context, status=status)


def _refused(request):
    return _answer(
        request,
        status=429,
        error=_("Hai inviato molte valutazioni in poco tempo: riprova tra un'ora."),
    )


@method_decorator(csrf_exempt, name="dispatch")
class AnswerView(View):
    """What both answers do: read the form, count the address against the rate limit, write
    through the service, and answer with a page; a refusal says why and writes nothing."""

    http_method_names = ["post"]
    form_class = None

    def write(self, data: dict):
        raise NotImplementedError

    def answered(self, request, rating):
        return _answer(request, done=True, page=rating.page)

    def post(self, request):
        form = self.form_class(request.POST)
        page = _safe(request.POST.get("page", ""))
        if not form.is_valid():
            return _answer(request, status=400, error=_first_error(form), page=page)
        if not ratelimit.consume(request, action="page_rating"):
            return _refused(request)
        try:
            rating = self.write(form.cleaned_data)
        except ValidationError as exc:
            return _answer(request, status=400, error=" ".join(exc.messages), page=page)
        return self.answered(request, rating)


class RatePageView(AnswerView):
    form_class = RatingForm

    def write(self, data):
        return services.record_rating(
            page=data["page"], rating=data["rating"], aspect=data["aspect"], comment=data["comment"]
        )

    def answered(self, request, rating):
        if rating.aspect or rating.comment:
            return super().answered(request, rating)
        details = DetailsForm(
            initial={"token": services.details_token(rating)},
            aspects=services.aspects_for(rating.rating),
        )
        return _answer(request, rating=rating, form=details, page=rating.page)


class RatingDetailsView(AnswerView):
    form_class = DetailsForm

    def write(self, data):
        return services.add_details(
            token=data["token"], aspect=data["aspect"], comment=data["comment"]
        )


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return ""


def _safe(page: str) -> str:
    """The page to go back to, only if it is one of the portal's rated pages."""
    return page if services.is_rated_page(page) else ""


class PageRatingsView(RedazioneRequiredMixin, TemplateView):
    """For the redazione: what people said of each page, most answered first."""

    template_name = "redazione/page_ratings.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        paginator = Paginator(queries.pages_summary(), self.paginate_by)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        rows = queries.details_for(list(page_obj.object_list))
        return super().get_context_data(
            **kwargs,
            page_obj=page_obj,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            rows=rows,
        )
