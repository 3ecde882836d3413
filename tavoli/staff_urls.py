"""Staff pages of the tables, bodies and contributions, included by ``patto.programme.staff_urls``
under /redazione/ (namespace ``redazione``)."""

from django.urls import path

from tavoli import staff_views

urlpatterns = [
    path("tavoli/", staff_views.TableListView.as_view(), name="tavoli_tables"),
    path("tavoli/nuovo/", staff_views.TableCreateView.as_view(), name="tavoli_table_create"),
    path("tavoli/<int:pk>/", staff_views.TablePageView.as_view(), name="tavoli_table"),
    path(
        "tavoli/<int:pk>/enti/",
        staff_views.MembershipAddView.as_view(),
        name="tavoli_membership_add",
    ),
    path(
        "tavoli/<int:pk>/enti/<int:membership>/togli/",
        staff_views.MembershipRemoveView.as_view(),
        name="tavoli_membership_remove",
    ),
    path("enti/", staff_views.BodyListView.as_view(), name="tavoli_bodies"),
    path("enti/nuovo/", staff_views.BodyCreateView.as_view(), name="tavoli_body_create"),
    path("enti/<int:pk>/", staff_views.BodyPageView.as_view(), name="tavoli_body"),
    path("contributi/", staff_views.ContributionListView.as_view(), name="tavoli_contributions"),
    path(
        "contributi/nuovo/",
        staff_views.ContributionCreateView.as_view(),
        name="tavoli_contribution_create",
    ),
    path(
        "contributi/<int:pk>/",
        staff_views.ContributionPageView.as_view(),
        name="tavoli_contribution",
    ),
    path(
        "contributi/<int:pk>/risposta/",
        staff_views.ContributionAnswerView.as_view(),
        name="tavoli_contribution_answer",
    ),
    path(
        "contributi/<int:pk>/esito/",
        staff_views.ContributionStatusView.as_view(),
        name="tavoli_contribution_status",
    ),
    path("moderazione/", staff_views.ModerationQueueView.as_view(), name="tavoli_moderation"),
    path(
        "contributi/<int:pk>/moderazione/",
        staff_views.ContributionModerateView.as_view(),
        name="tavoli_contribution_moderate",
    ),
    path(
        "commenti/<int:pk>/moderazione/",
        staff_views.CommentModerateView.as_view(),
        name="tavoli_comment_moderate",
    ),
    path(
        "programmi/<slug:slug>/consultazione/",
        staff_views.ConsultationSettingsView.as_view(),
        name="tavoli_consultation",
    ),
    path(
        "programmi/<slug:slug>/consultazione/fasi/<int:pk>/",
        staff_views.PhaseConsultationView.as_view(),
        name="tavoli_phase_consultation",
    ),
]
