"""The renderer of the test worker: the real one, unless the file named by
``PATTO_PDF_FAIL_FILE`` exists. That file holds a count on its first line and a message on
the second; each render while it exists raises ``RuntimeError(message)`` and counts down, and
the file is deleted when the count reaches zero."""

import os
from pathlib import Path

from patto import pdf


def render_version(version) -> pdf.RenderedPdf:
    path = Path(os.environ.get("PATTO_PDF_FAIL_FILE", "/nonexistent"))
    if path.exists():
        count, message = path.read_text().split("\n", 1)
        remaining = int(count) - 1
        if remaining > 0:
            path.write_text(f"{remaining}\n{message}")
        else:
            path.unlink()
        raise RuntimeError(message.strip())
    return pdf.render_version(version)


def fail_next(path: Path, times: int, message: str) -> None:
    path.write_text(f"{times}\n{message}")
