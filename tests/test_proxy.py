"""The reverse proxy of docker-compose.yml (``deploy/Caddyfile``), run with Debian's Caddy in
front of a recording server: a body over the limit is refused by Caddy and never reaches the
portal, one within it passes whole, and the X-Forwarded-* headers the portal trusts
(``TRUSTED_PROXY_COUNT=1``) are Caddy's own, not the ones a client sends."""

import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import _missing
from tests.reliability.processes import free_port

CADDYFILE = Path(__file__).resolve().parent.parent / "deploy" / "Caddyfile"


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        remaining = length
        while remaining:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        Recorder.seen.append({"length": length, **{k.lower(): v for k, v in self.headers.items()}})
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if not shutil.which("caddy"):
        _missing("Caddy is not installed (apt-get install caddy)")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    home = tmp_path_factory.mktemp("caddy")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "SITE_ADDRESS": f"http://127.0.0.1:{port}",  # plain HTTP, as ":80" in compose
        "UPSTREAM": f"127.0.0.1:{upstream.server_address[1]}",
    }
    process = subprocess.Popen(
        ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/ready", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # Caddy answers
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Caddy did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
    upstream.shutdown()


def post(url, size: int, headers=None):
    request = urllib.request.Request(
        url,
        data=b"x" * size,
        method="POST",
        headers={"Content-Type": "text/plain", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def claim(url: str, length: int) -> str:
    """The status line of the answer to a POST that declares ``length`` bytes and sends only
    the first few: a proxy that reads the body before refusing it never answers."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST /account/login/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\nlogin=a".encode()
        )
        return connection.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


def test_a_body_over_the_limit_is_refused_unread_and_never_reaches_the_portal(proxy):
    Recorder.seen.clear()
    assert claim(proxy, 300 * 1000 * 1000) == "HTTP/1.1 413 Request Entity Too Large"
    assert claim(proxy, 12 * 1000 * 1000).startswith("HTTP/1.1 413")
    assert Recorder.seen == []


def test_the_largest_upload_the_portal_takes_passes_whole(proxy):
    Recorder.seen.clear()
    largest = 10 * 1024 * 1024 + 256 * 1024  # MINUTES_MAX_UPLOAD_MB and the form's other fields
    assert post(proxy + "/redazione/incontri/1/verbale/", largest) == 200
    assert [r["length"] for r in Recorder.seen] == [largest]


def test_the_forwarded_headers_are_the_proxys_not_the_clients(proxy):
    Recorder.seen.clear()
    request = urllib.request.Request(
        proxy + "/",
        headers={"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    (seen,) = Recorder.seen
    assert seen["x-forwarded-for"] == "127.0.0.1", json.dumps(seen)
    assert seen["x-forwarded-proto"] == "http"
