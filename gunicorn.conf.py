"""gunicorn's settings for the portal: read by the image's command (``Dockerfile``), by the web
service of ``docker-compose.yml`` and by ``make bench`` (``bench/run.py``), so what is measured is
what runs in production. The command lines add only the address to bind and the logging.

Threaded workers (``gthread``) rather than gunicorn's default sync workers: docker compose
publishes gunicorn with no buffering proxy in front, and a sync worker is held for the whole of
each connection, so two slow clients would stop both workers; a sync worker also closes every
connection after one response, so a browser opens a new one for the page and for each of its
static files (served by WhiteNoise from the same workers). A gthread worker keeps connections
alive and waits on them without tying up a thread.

Each worker listens on a socket of its own (``reuse_port``, ``SO_REUSEPORT``), and the kernel
spreads new connections evenly over them. With one socket shared by the workers, whichever worker
wakes first takes the connections waiting to be accepted, and a kept-alive connection stays with
the worker that took it: a burst of clients could all end up on one worker, which then serves
them with one core while the other waits (measured with wrk at 20 connections on 2 workers: in
one run of 25, all 20 on one worker and 1,100 requests per second instead of 2,400 to 3,900; 19
and 1 gave 2,100). The price: connections still waiting in a worker's own queue when that worker
dies are reset, not handed to another; a stuck worker keeps getting its share of new connections
until gunicorn's timeout replaces it; and a second gunicorn started by mistake on the same port
shares it instead of failing. gunicorn ≥ 24 gives each worker a socket of its own (before, the
flag was set on the one shared socket and changed nothing).
"""

import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# a request holds a thread while it waits on PostgreSQL or Redis; four keep the CPU busy
# (each thread keeps its own database connection: CONN_MAX_AGE)
threads = 4
# seconds an idle connection is kept open for the client's next request
keepalive = 5
# a listening socket per worker, connections spread over them by the kernel (see above)
reuse_port = True


# Python's cyclic garbage collector, in a long-running worker. Its full collections walk every
# object the process tracks, and a worker holds some 250,000 once it has served its first pages
# (Django, the URL resolvers, the compiled templates, the translations): each full collection
# then took 100–200 ms on the 2-core bench machine, in the middle of whatever request triggered
# it (an action list's 15 ms query measured at 200–400 ms). Once the worker has warmed up, the
# objects it has are moved out of the collector's sight (``gc.freeze``): they live as long as the
# process anyway, and the collections that remain walk only what requests create.
FREEZE_AFTER_REQUESTS = (1, 50, 500)


def post_worker_init(worker):
    gc.freeze()  # what importing the application created
    worker.requests_served = 0


def post_request(worker, req, environ, resp):
    worker.requests_served = getattr(worker, "requests_served", 0) + 1
    if worker.requests_served in FREEZE_AFTER_REQUESTS:
        # what the first pages loaded (templates, translations, resolvers), without garbage; the
        # few cycles a request in another thread holds at that instant stay: three times a life
        gc.collect()
        gc.freeze()
