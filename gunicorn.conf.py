"""gunicorn's settings for the portal: read by the image's command (``Dockerfile``), by the web
service of ``docker-compose.yml`` and by ``make bench`` (``bench/run.py``), so what is measured is
what runs in production. The command lines add only the address to bind and the logging.

Threaded workers (``gthread``) rather than gunicorn's default sync workers: docker compose
publishes gunicorn with no buffering proxy in front, and a sync worker is held for the whole of
each connection, so two slow clients would stop both workers; a sync worker also closes every
connection after one response, so a browser opens a new one for the page and for each of its
static files (served by WhiteNoise from the same workers). A gthread worker keeps connections
alive and waits on them without tying up a thread.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# a request holds a thread while it waits on PostgreSQL or Redis; four keep the CPU busy
# (each thread keeps its own database connection: CONN_MAX_AGE)
threads = 4
# seconds an idle connection is kept open for the client's next request
keepalive = 5
