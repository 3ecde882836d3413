"""The PDF of a validated version: the document, its render lifecycle (queued, claimed by a
worker, ready or failed), the Celery tasks, its pages."""
