from django.urls import path

from patto.core import opendata
from tavoli import views

app_name = "tavoli"

urlpatterns = [
    path("programmi/<slug:slug>/tavoli/", views.TableListView.as_view(), name="list"),
    path(
        "programmi/<slug:slug>/tavoli/<slug:table>/",
        views.TableDetailView.as_view(),
        name="detail",
    ),
    path(
        "programmi/<slug:slug>/contributi/",
        views.ContributionListView.as_view(),
        name="contributions",
    ),
    path(
        "programmi/<slug:slug>/contributi/<int:pk>/",
        views.ContributionDetailView.as_view(),
        name="contribution",
    ),
    path(
        "programmi/<slug:slug>/contributi/<int:pk>/ritira/",
        views.WithdrawContributionView.as_view(),
        name="withdraw",
    ),
    path(
        "programmi/<slug:slug>/commenti/<int:pk>/ritira/",
        views.WithdrawCommentView.as_view(),
        name="withdraw_comment",
    ),
    path(
        "programmi/<slug:slug>/contributi/<int:pk>/commenta/",
        views.CommentView.as_view(),
        name="comment",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/contributi/",
        views.ItemContributionsView.as_view(),
        name="item_contributions",
    ),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/contribuisci/",
        views.ContributeView.as_view(),
        name="contribute",
    ),
    *opendata.paths("programmi/<slug:slug>/contributi", views.OpenDataView, "opendata"),
]
