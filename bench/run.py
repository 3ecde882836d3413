"""``make bench`` (``python bench/run.py --scale N``): the portal's performance as users meet it.

1. drops and creates ``patto_bench_<N>`` in PostgreSQL, migrates, loads the reference data
   (all 1,181 comuni) and builds the dataset (``bench/dataset.py``);
2. collects the static files and serves the portal with gunicorn, production settings and
   production's ``gunicorn.conf.py`` (2 threaded workers, keep-alive; ``bench/floor.py``: the
   project's application plus the floor, ``/__floor__``);
3. drives every page from wrk at 20 connections (after a short warm-up), asking for gzip as
   browsers do, and counts the SQL queries per request in-process (``bench/queries.py``); before
   wrk, times a comparison of two versions computed cold and precomputes the comparisons as the
   app does when a version is frozen (``bench/precompute.py``);
4. renders the PDF of a 100-action version (about 170 pages) in a subprocess, timing it and
   reading its peak memory, and reports them per 100 pages against the target;
5. prints one table, writes the same figures to ``bench-results/bench-<N>.json``, stops gunicorn
   and drops the database.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG = "postgres://postgres@127.0.0.1:5432"
CONNECTIONS = 20
# what every browser sends: cached pages are served gzip-compressed to the clients that take it
ACCEPT_ENCODING = "gzip, deflate, br"


def pages(slug):
    """(label, path) of every page measured; the floor first."""
    version = f"/programmi/{slug}/versioni/2"
    return [
        ("floor (trivial Django view)", "/__floor__"),
        ("home", "/"),
        ("programme", f"/programmi/{slug}/"),
        ("published plan (version 2)", f"{version}/"),
        ("matrix", f"{version}/matrice/"),
        ("filtered action list", f"{version}/azioni/?politica=1&zona=1"),
        ("action detail", f"{version}/azioni/1.1.1/"),
        ("meetings list", "/incontri/"),
        ("zone page", "/zone/1/"),
        ("comune search", "/zone/cerca-comune/?q=torino"),
        (".ics feed", f"/programmi/{slug}/incontri.ics"),
        ("version comparison 1→2", f"/programmi/{slug}/confronta/?da=1&a=2"),
    ]


def step(message):
    print(f"== {message}", flush=True)


def run(*args, env, quiet=True):
    result = subprocess.run(
        [str(a) for a in args], env=env, cwd=ROOT, text=True, capture_output=quiet
    )
    if result.returncode:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, args))}")
    return result.stdout


def psql(sql):
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
        check=True,
        stderr=subprocess.DEVNULL if "IF EXISTS" in sql else None,
    )


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install Debian's wrk (sudo apt-get install -y wrk)")
    step("wrk is missing: apt-get install -y wrk (Debian's package)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(wrk_bin, url, seconds):
    out = subprocess.run(
        [
            wrk_bin,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            "-s",
            str(BENCH / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"^BENCH (.+)$", out, re.M)
    p50, p90, p95, p99, requests, duration, errors, non2xx = map(int, match.group(1).split())
    return {
        "p50_ms": p50 / 1000,
        "p90_ms": p90 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "requests": requests,
        "rps": requests / (duration / 1e6),
        "socket_errors": errors,
        "non_2xx_3xx": non2xx,
    }


def comparison_line(figures) -> str:
    cold = figures["cold"]
    return (
        f"comparison of two {cold['actions']:,}-action versions, computed cold: "
        f"{cold['median_ms']:.0f} ms (median of {cold['rounds']}; first {cold['first_ms']:.0f} ms; "
        f"{cold['cpu_median_ms']:.0f} ms of CPU)"
    )


PDF_TARGET_SECONDS_PER_100_PAGES = 10
PDF_TARGET_PEAK_MB = 400
PDF_MIN_PAGES = 100


def render_pdf(env, slug, number):
    """Render the PDF in a subprocess: wall time, CPU time and peak RSS from that child's own
    rusage, and the same times per 100 pages, which the target is about (a 100-page PDF in at
    most 10 s and 400 MB); a document of fewer than 100 pages does not count."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [PYTHON, "manage.py", "render_pdf", slug, str(number), "--force"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    pages_match = re.search(r"(\d+) pagine", text)
    pages = int(pages_match.group(1)) if pages_match else None
    cpu_seconds = usage.ru_utime + usage.ru_stime
    peak_rss_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    return {
        "version": f"{slug} v{number}",
        "ok": child.returncode == 0,
        "pages": pages,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "seconds_per_100_pages": per_100_pages(seconds, pages),
        "cpu_seconds_per_100_pages": per_100_pages(cpu_seconds, pages),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "target_met": bool(
            child.returncode == 0
            and pages
            and pages >= PDF_MIN_PAGES
            and seconds * 100 / pages <= PDF_TARGET_SECONDS_PER_100_PAGES
            and peak_rss_mb <= PDF_TARGET_PEAK_MB
        ),
        "output": text.strip()[-500:],
    }


def per_100_pages(value, pages):
    return round(value * 100 / pages, 2) if pages else None


def pdf_summary(pdf):
    """The PDF's line of the report."""
    if not pdf["ok"]:
        return f"PDF {pdf['version']}: FAILED\n{pdf['output']}"
    verdict = "met" if pdf["target_met"] else "NOT met"
    if pdf["pages"] is not None and pdf["pages"] < PDF_MIN_PAGES:
        verdict += f" (fewer than {PDF_MIN_PAGES} pages)"
    return (
        f"PDF {pdf['version']}: {pdf['pages']} pages, {pdf['seconds']:.1f} s "
        f"({pdf['cpu_seconds']:.1f} s of CPU) = {pdf['seconds_per_100_pages']:.1f} s per 100 "
        f"pages ({pdf['cpu_seconds_per_100_pages']:.1f} s of CPU), peak memory "
        f"{pdf['peak_rss_mb']:.0f} MB; target ≤ {PDF_TARGET_SECONDS_PER_100_PAGES} s per 100 "
        f"pages and ≤ {PDF_TARGET_PEAK_MB} MB: {verdict}"
    )


def main():
    parser = argparse.ArgumentParser(description="Patto's performance benchmark.")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scale = args.scale
    wrk_bin = ensure_wrk()
    db = f"patto_bench_{scale}"
    tmp = Path(tempfile.mkdtemp(prefix="patto-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "patto.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{PG}/{db}",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
    }
    gunicorn = None
    try:
        step(f"database {db}: drop, create, migrate, reference data, dataset at scale {scale}")
        psql(f"DROP DATABASE IF EXISTS {db}")
        psql(f"CREATE DATABASE {db}")
        # the dataset is bulk-inserted (no model signals): no page of an earlier run may remain
        run(
            PYTHON,
            "-c",
            "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
            env["REDIS_URL"],
            env=env,
        )
        started = time.perf_counter()
        run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
        run(PYTHON, "manage.py", "load_reference_data", env=env)
        print(run(PYTHON, BENCH / "dataset.py", "--scale", scale, env=env).strip())
        print(f"   built in {time.perf_counter() - started:.1f} s")

        step("collectstatic")
        run(PYTHON, "manage.py", "collectstatic", "--noinput", env=env)

        slug = "bench-1"
        measured = pages(slug)
        step("SQL queries per request (in-process, test client, same database and settings)")
        queries = json.loads(
            run(PYTHON, BENCH / "queries.py", *(path for _, path in measured), env=env)
        )

        # after the SQL counts, which empty the cache: what the app does at each version's
        # submission, validation and publication, which the bulk-inserted dataset skipped
        step("comparisons precomputed, as the Celery task does when a version is frozen")
        comparison = json.loads(run(PYTHON, BENCH / "precompute.py", env=env))
        print(f"   {comparison_line(comparison)}")
        print(
            f"   {comparison['precomputed']} comparisons (every page, each language) in "
            f"{comparison['precompute_s']:.1f} s"
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        step(f"gunicorn (gunicorn.conf.py: production's workers) on {base}")
        gunicorn = subprocess.Popen(
            [
                BIN / "gunicorn",
                "bench.floor:application",
                "--config",
                ROOT / "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--chdir",
                ROOT,
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/__floor__", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")

        step(
            f"wrk -t2 -c{CONNECTIONS} -d{args.duration}s per page (after a 2 s warm-up), "
            "the floor measured again between pages"
        )
        # the machine's speed drifts (a shared VM): each page is compared with the floor
        # measured just before and just after it, not with one measurement at the start
        (floor_label, floor_path), page_list = measured[0], measured[1:]

        def measure(label, path):
            wrk(wrk_bin, base + path, 2)
            figures = wrk(wrk_bin, base + path, args.duration)
            print(
                f"   {label}: p95 {figures['p95_ms']:.1f} ms, {figures['rps']:.0f} req/s",
                flush=True,
            )
            return {"page": label, "path": path, **figures, **queries.get(path, {})}

        floors = [measure(floor_label, floor_path)]
        rows = []
        for label, path in page_list:
            rows.append(measure(label, path))
            floors.append(measure(floor_label, floor_path))
        for i, row in enumerate(rows):
            row["floor_rps"] = (floors[i]["rps"] + floors[i + 1]["rps"]) / 2
            row["ratio_to_floor"] = row["rps"] / row["floor_rps"]
        floor_row = sorted(floors, key=lambda f: f["rps"])[len(floors) // 2]  # the median run
        floor_row["ratio_to_floor"] = 1.0
        floor_row["floor_runs_rps"] = [round(f["rps"]) for f in floors]
        rows.insert(0, floor_row)

        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        gunicorn = None

        # a version of 100 actions (about 170 pages, at least the 100 the target is about,
        # reported per 100 pages); a 1,000-action version (some 1,700 pages) would need
        # gigabytes
        pdf_slug = slug if scale == 1 else "bench-pdf"
        step(f"PDF of {pdf_slug} version 2 (100 actions)")
        pdf = render_pdf(env, pdf_slug, 2)

        print()
        header = (
            f"{'page':<30} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} {'floor':>6} {'SQL':>7}"
            f" {'uncached':>9}"
        )
        print(header + "\n" + "-" * len(header))
        for row in rows:
            sql = f"{row.get('queries_cold', '?')}/{row.get('queries_warm', '?')}"
            print(
                f"{row['page']:<30} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
                f"{row['p99_ms']:>7.1f} {row['rps']:>7.0f} {row['ratio_to_floor']:>5.0%} "
                f"{sql:>7} {row.get('ms_cold', 0):>9.1f}"
                + (f"  ({row['non_2xx_3xx']} non-2xx)" if row["non_2xx_3xx"] else "")
            )
        print(
            "latency in ms; floor = req/s relative to the trivial view's, measured just before "
            "and after the page (the floor's row is its median run; all runs: "
            f"{', '.join(map(str, floor_row['floor_runs_rps']))} req/s); SQL = queries per "
            "request with an empty cache / right after; uncached = ms of one request with an "
            "empty cache, in-process."
        )
        print(pdf_summary(pdf))
        print(comparison_line(comparison))

        results = ROOT / "bench-results"
        results.mkdir(exist_ok=True)
        out = results / f"bench-{scale}.json"
        out.write_text(
            json.dumps(
                {
                    "scale": scale,
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "connections": CONNECTIONS,
                    "duration_s": args.duration,
                    "cpus": os.cpu_count(),
                    "pages": rows,
                    "pdf": pdf,
                    "comparison": comparison,
                },
                indent=2,
            )
        )
        print(f"written {out.relative_to(ROOT)}")
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep:
            step(f"drop {db}")
            psql(f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
