"""Reading a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts)."""

import re
import subprocess


def run(tool, *options, data: bytes) -> str:
    """A poppler tool reading the PDF from stdin (pdftotext also writes to stdout)."""
    output = ["-"] if tool == "pdftotext" else []
    command = [tool, *options, "-", *output]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


def words(text: str) -> str:
    return " ".join(text.split())


def page_count(content: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", run("pdfinfo", data=content), re.M).group(1))


def page_texts(content: bytes, pages: int | None = None) -> list[str]:
    """The text of each page, whitespace collapsed."""
    pages = pages or page_count(content)
    return [
        words(run("pdftotext", "-f", str(n), "-l", str(n), data=content))
        for n in range(1, pages + 1)
    ]


def toc_pages_match_headings(pages: list[str], headings: list[str]) -> None:
    """Each heading's page number in the table of contents is the first page after it on
    which the heading appears."""
    toc_index = next(i for i, p in enumerate(pages) if "Indice" in p)
    toc = pages[toc_index]
    for heading in headings:
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)", toc)
        assert match, f"{heading!r} is not in the table of contents"
        first = next(
            n for n, text in enumerate(pages, start=1) if n > toc_index + 1 and heading in text
        )
        assert int(match.group(1)) == first, heading
