"""Every e-mail of the portal goes out through here: after the transaction commits, from a
Celery worker, with one-click unsubscribe for the participants' messages."""
