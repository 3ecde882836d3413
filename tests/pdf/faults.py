"""The renderer of the test worker: the real one, unless

- the file named by ``PATTO_PDF_FAIL_FILE`` exists. That file holds a count on its first line
  and a message on the second; each render while it exists raises ``RuntimeError(message)``
  and counts down, and the file is deleted when the count reaches zero;
- the file named by ``PATTO_PDF_HANG_FILE`` exists: the render removes it, writes
  ``<that name>.started`` and sleeps for the number of seconds the file holds (a render the
  test can kill in the middle; the next render is a normal one)."""

import os
import time
from pathlib import Path

from patto.pdf import document as pdf


def render_version(version) -> pdf.RenderedPdf:
    hang = Path(os.environ.get("PATTO_PDF_HANG_FILE", "/nonexistent"))
    if hang.exists():
        seconds = float(hang.read_text())
        hang.unlink()
        Path(f"{hang}.started").write_text(str(os.getpid()))
        time.sleep(seconds)
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


def hang_next(path: Path, seconds: float) -> None:
    path.write_text(str(seconds))
