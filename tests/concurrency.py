"""Requests that arrive at the same instant, against the real PostgreSQL: each call runs in a
thread with its own database connection, and all are released together by a barrier."""

import threading

from django.db import connection


def run_together(*calls, timeout=60):
    """Run each callable in its own thread, all released at once; return their results, with
    an exception standing for a refusal (a refusal is a result too)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
