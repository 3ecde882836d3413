"""E-mails to the authors of contributions, sent by Celery after the transaction that caused
them has committed, through ``patto.mail.participants`` (one-click unsubscribe, topic ANSWERS).
Each task re-reads its row and sends nothing if the reason for the e-mail has gone."""

from django.urls import reverse

from patto.mail.outbox import mail_task
from patto.mail.participants import EmailTopic, send_participant_mail
from patto.mail.sending import absolute
from tavoli.models import Comment, Contribution


def contribution_url(contribution: Contribution) -> str:
    return absolute(
        reverse(
            "tavoli:contribution",
            kwargs={"slug": contribution.programme.slug, "pk": contribution.pk},
        )
    )


@mail_task("tavoli.tasks.contribution_answered")
def contribution_answered(contribution_id: int) -> int:
    """Tell the author what became of their contribution (accepted, partly, not accepted)."""
    contribution = (
        Contribution.objects.select_related("programme", "author")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or contribution.author is None or not contribution.is_answered:
        return 0
    return send_participant_mail(
        contribution.author,
        EmailTopic.ANSWERS,
        "tavoli/email/contribution_answered",
        {
            "contribution": contribution,
            "programme": contribution.programme,
            "contribution_url": contribution_url(contribution),
        },
    )


@mail_task("tavoli.tasks.comment_published")
def comment_published(comment_id: int) -> int:
    """Tell a contribution's author that a comment on it is now public."""
    comment = (
        Comment.objects.select_related("contribution__programme", "contribution__author")
        .filter(pk=comment_id)
        .first()
    )
    # nothing to tell once the contribution was withdrawn (its page answers 410)
    if comment is None or not comment.is_approved or not comment.contribution.is_approved:
        return 0
    contribution = comment.contribution
    if contribution.author is None or contribution.author_id == comment.author_id:
        return 0
    return send_participant_mail(
        contribution.author,
        EmailTopic.ANSWERS,
        "tavoli/email/contribution_commented",
        {
            "comment": comment,
            "contribution": contribution,
            "programme": contribution.programme,
            "contribution_url": contribution_url(contribution),
        },
    )
