"""The Nu HTML Checker (vnu.jar, the W3C validator's engine) run on pages saved by the browser
tests. The jar comes from the npm package ``vnu-jar``, pinned in ``package.json`` and installed
by ``make test`` (``npm ci``) into ``node_modules/``; it runs on Java 17 or later. A JVM takes a
few seconds to start, so the pages are checked in one batch: one ``java`` for all of them."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.e2e.portal import ROOT

JAR = Path(
    os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
)


def missing() -> str | None:
    """Why the checker cannot run here, or ``None`` when it can."""
    if shutil.which("java") is None:
        return "java is not installed (apt-get install default-jre-headless)"
    if not JAR.is_file():
        return f"{JAR} is missing (npm ci, which `make test` runs)"
    return None


def check(files: list[Path]) -> dict[Path, list[str]]:
    """The errors the checker reports in each of ``files`` (HTML documents), as one line each:
    ``line:column: message [extract]``. Files without an error are left out."""
    result = subprocess.run(
        ["java", "-jar", str(JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"vnu.jar failed ({result.returncode}):\n{result.stderr}")
    by_path = {str(f.resolve()): f for f in files}
    errors: dict[Path, list[str]] = {}
    for message in json.loads(result.stderr)["messages"]:
        # "error", or "non-document-error" when a file could not be read at all
        path = unquote(urlsplit(message.get("url", "")).path)  # "file:/tmp/…" or "file:///tmp/…"
        where = by_path.get(path, Path(path))
        extract = " ".join(message.get("extract", "").split())
        line = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        errors.setdefault(where, []).append(f"{line}: {message['message']} [{extract}]")
    return errors
