"""The portal's gunicorn settings (``gunicorn.conf.py``, the same for the image, docker compose and
the benchmark), run by a real gunicorn: each worker listens on its own socket, so kept-alive
connections are spread over the workers instead of piling up on whichever woke first."""

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.reliability.processes import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
# what answers does not matter here, only which worker does: the portal's gunicorn settings with
# an application that names the worker's process
APPLICATION = "tests.gunicorn_app:application"
CONNECTIONS = 20  # the benchmark's


def listening_sockets(port: int) -> int:
    """How many sockets listen on ``port`` (``/proc/net/tcp``: state 0A is LISTEN)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = [line.split() for line in lines]
    return sum(1 for f in local if f[1].endswith(f":{port:04X}") and f[3] == "0A")


def test_connections_are_spread_over_the_workers(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        gunicorn = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", APPLICATION),
                *("--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"),
            ],
            cwd=ROOT,
            env={**os.environ, "WEB_CONCURRENCY": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # a socket per worker, not one shared by them
        wait_until(
            lambda: listening_sockets(port) == 2,
            timeout=30,
            message=f"not two listening sockets: {log.read_text()}",
        )
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10)]
        connections += [
            http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for _ in range(CONNECTIONS - 1)
        ]
        for connection in connections:  # all open before any request, as wrk's
            connection.connect()
        workers = []
        for _ in range(2):  # kept alive: a connection stays with its worker
            for connection in connections:
                connection.request("GET", "/")
                response = connection.getresponse()
                assert response.status == 200
                workers.append(response.read().decode())
        for connection in connections:
            connection.close()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    by_worker = {pid: workers.count(pid) for pid in set(workers)}
    assert len(by_worker) == 2, by_worker  # all 20 on one worker: one chance in half a million
    assert workers[:CONNECTIONS] == workers[CONNECTIONS:]  # each connection kept its worker
