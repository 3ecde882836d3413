"""A WSGI application that answers with the process id of the gunicorn worker serving the request,
for ``tests/test_gunicorn.py``: which worker answers is what is tested there, not the portal."""

import os


def application(environ, start_response):
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
