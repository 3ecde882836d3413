from django.urls import include, path

from patto.cache.pages import public_page
from patto.programme import feeds, views
from patto.programme.compare_views import CompareView

app_name = "patto"

urlpatterns = [
    path("dati-aperti/", views.OpenDataView.as_view(), name="open_data"),
    path("accessibilita/", views.AccessibilityView.as_view(), name="accessibility"),
    path("programmi/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmi/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("programmi/<slug:slug>/piano/", views.PublishedPlanView.as_view(), name="published"),
    path("programmi/<slug:slug>/versioni/", views.VersionListView.as_view(), name="versions"),
    path(
        "programmi/<slug:slug>/versioni/<int:number>/",
        views.VersionDetailView.as_view(),
        name="version",
    ),
    path("programmi/<slug:slug>/confronta/", CompareView.as_view(), name="compare"),
    # the programme's Atom feeds (README, "Feeds and structured data")
    path("programmi/<slug:slug>/novita.atom", public_page(feeds.NewsFeed()), name="feed"),
    path(
        "programmi/<slug:slug>/versioni.atom",
        public_page(feeds.VersionsFeed()),
        name="feed_versions",
    ),
    path(
        "programmi/<slug:slug>/incontri.atom",
        public_page(feeds.MeetingsFeed()),
        name="feed_meetings",
    ),
    path(
        "programmi/<slug:slug>/contributi.atom",
        public_page(feeds.ContributionsFeed()),
        name="feed_contributions",
    ),
    path("", include("patto.pdf.urls")),  # the PDF of a version, in this namespace
]
