"""The names of the Celery tasks are part of the messages already queued in Redis: a worker of a
new release must still find every task an older web process may have enqueued. Moving a task to
another module must not change its name."""

from patto.celery import app

QUEUED_NAMES = {
    # the PDF of a validated version, and the sweep of lost renders (Celery beat)
    "patto.render_version_pdf",
    "patto.resume_pdf_renders",
    # the comparison a version's page links to, computed before anyone asks
    "patto.precompute_comparison",
    # e-mails about a version's life, and to the followers of a programme
    "patto.notifications.version_submitted",
    "patto.notifications.zone_decided",
    "patto.notifications.version_validated",
    "patto.notifications.version_published",
    "patto.notifications.notify_followers",
    "patto.notifications.follower_mail",
    # e-mails about meeting registrations
    "incontri.tasks.registration_confirmed",
    "incontri.tasks.registration_waiting",
    "incontri.tasks.registration_promoted",
    "incontri.tasks.registration_cancelled",
    # e-mails about contributions
    "tavoli.tasks.contribution_answered",
    "tavoli.tasks.comment_published",
}


def test_every_task_a_queued_message_may_name_is_registered():
    app.loader.import_default_modules()  # what a worker imports when it starts
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered >= QUEUED_NAMES, sorted(QUEUED_NAMES - registered)


def test_no_task_goes_by_an_unpinned_name():
    app.loader.import_default_modules()
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered <= QUEUED_NAMES, sorted(registered - QUEUED_NAMES)
