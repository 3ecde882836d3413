"""Hostile input for the pages that show user-written text, and a checker for what a browser
would run of it."""

from html.parser import HTMLParser

XSS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    '<p onmouseover="alert(1)">passa</p>',
]


# The types of a <script> a browser runs (HTML's JavaScript MIME types, and modules); any other
# (application/ld+json, application/json) is a data block, never run.
SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "text/ecmascript"}


class ActiveContent(HTMLParser):
    """Collects what a browser would run: inline scripts, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        kind = (dict(attrs).get("type") or "").strip().lower()
        self._in_script = tag == "script" and kind in SCRIPT_TYPES
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found
