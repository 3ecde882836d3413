"""Charts drawn on the server as accessible SVG, each with the numbers it is drawn from.

A :class:`Chart` is data first: rows (a label and one number per series) under named series. The
same object gives the SVG (:meth:`Chart.svg`), the rows of the data table the page shows after
it (:meth:`Chart.header`, :meth:`Chart.table_rows`) and the CSV of those rows
(:meth:`Chart.csv`, written by ``patto.core.spreadsheets``, so a label that starts like a formula
is neutralised and both dialects are there). A page never shows a chart without its table.

Three kinds:

- ``BARS``: horizontal bars, one per row (several series: one bar per series, grouped);
- ``STACKED``: horizontal bars, one per row, split into its series (the total at the end);
- ``TIMELINE``: a simple time series, one line per series, the rows being the points in order
  (months, days…).

What every chart does, so that it can be read by everyone:

- ``<svg role="img" aria-labelledby="…">`` names its ``<title>`` and ``<desc>``; the description
  says what the chart shows and its first numbers (the table after it has all of them);
- every series is a colour *and* a pattern (``<pattern>``: plain, stripes, dots, cross-hatch,
  lines…) or, on a time series, a dash and a marker shape, so the series stay apart in grayscale
  and for people who do not tell the colours apart; every colour is at least 4.5:1 against
  white, and bars have a dark outline;
- no ``style`` attribute and no ``<style>`` element (the Content-Security-Policy forbids both):
  presentation attributes only; the page's CSS (``.chart``) makes the SVG as wide as its column;
- it scales with its ``viewBox`` (360 units wide): labels go above their bars, on as many lines
  as they need, so a phone 390 px wide shows them whole.

Nothing here knows about the portal's models: a caller builds the rows (the participation
statistics, ``patto.participation``, and later the monitoring) and gives the texts.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patto.core import spreadsheets
from patto.core.numbers import grouped as _number

BARS = "bars"
STACKED = "stacked"
TIMELINE = "timeline"

WIDTH = 360
FONT = 14  # user units; a phone 390 px wide draws the SVG at about its size
LINE = 18  # distance between two lines of a label
PAD = 6
TEXT_COLOUR = "#1c2833"  # 14.6:1 on white
GRID_COLOUR = "#8a99a8"  # axis and grid: decorative, the numbers are in the table
OUTLINE = "#1c2833"
DESCRIBED_ROWS = 12  # rows spelled out in <desc>; the table has all of them


@dataclass(frozen=True)
class Look:
    """How one series is drawn: a colour (at least 4.5:1 on white) and a pattern of white marks
    on it; on a time series, a dash and a marker."""

    colour: str
    pattern: str  # plain, stripes, dots, cross, lines, columns
    dash: str  # stroke-dasharray, "" for a full line
    marker: str  # circle, square, triangle, diamond


LOOKS = (
    Look("#0059b3", "plain", "", "circle"),  # blue, 6.9:1
    Look("#8a4f00", "stripes", "7 4", "square"),  # brown, 6.6:1
    Look("#00704a", "dots", "2 3", "triangle"),  # green, 6.0:1
    Look("#7a1f5c", "cross", "10 3 2 3", "diamond"),  # plum, 9.0:1
    Look("#3d4d5c", "lines", "4 2", "circle"),  # slate, 8.9:1
    Look("#a0262e", "columns", "1 2", "square"),  # red, 7.2:1
)


@dataclass(frozen=True)
class Series:
    """A series: ``label`` is its name in the legend and the table's column header."""

    label: str


@dataclass(frozen=True)
class Row:
    """A row: its label (the table's row header), one number per series, and for the CSV an
    optional ``key`` written instead of the label (an ISO month, ``2017-10``, where the table
    shows «ottobre 2017»); on a time series, an optional ``short`` label for the axis."""

    label: str
    values: tuple[int, ...]
    key: str = ""
    short: str = ""  # TIMELINE: the label under the axis, where the label would be too long

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Chart:
    """A chart and its numbers. ``slug`` names it in the page (the ids of its elements) and in
    its CSV's file name; ``title`` is the chart's and the table's caption; ``description`` says
    in a sentence what it shows; ``category`` is the header of the rows' column."""

    slug: str
    title: str
    description: str
    category: str
    series: Sequence[Series]
    rows: Sequence[Row]
    kind: str = BARS
    total_label: str = ""  # STACKED: the header of the totals' column
    empty_text: str = ""  # what the page says instead of the chart when it has nothing to show
    # a long time series with gaps: its table and CSV leave out the points that are all zero
    # (the line still goes through them); say so in ``description``
    table_omits_zeros: bool = False

    def __post_init__(self):
        if self.kind not in (BARS, STACKED, TIMELINE):
            raise ValueError(f"unknown kind of chart {self.kind!r}")
        for row in self.rows:
            if len(row.values) != len(self.series):
                raise ValueError(f"{self.slug}: row {row.label!r} has not one value per series")

    # the numbers ------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no row, or only zeros."""
        return self.total == 0

    @property
    def has_totals(self) -> bool:
        return self.kind == STACKED and len(self.series) > 1

    def header(self) -> list[str]:
        """The table's column headers, which are the CSV's."""
        names = [self.category, *(s.label for s in self.series)]
        if self.has_totals:
            names.append(self.total_label or _("Totale"))
        return names

    def table_rows(self) -> list[tuple[Row, list[int]]]:
        """Each row with the numbers its table row shows (its total last on a stacked chart)."""
        return [
            (row, [*row.values, row.total] if self.has_totals else list(row.values))
            for row in self.rows
            if row.total or not self.table_omits_zeros
        ]

    def csv(self, dialect: spreadsheets.Dialect = spreadsheets.STANDARD) -> str:
        """The table as CSV: the same header and rows (a row's ``key`` in place of its label
        where it has one)."""
        return spreadsheets.write(
            self.header(),
            ([row.key or row.label, *numbers] for row, numbers in self.table_rows()),
            dialect,
        )

    # the drawing ------------------------------------------------------------------------------

    @property
    def dom_id(self) -> str:
        return f"chart-{self.slug}"

    def look(self, index: int) -> Look:
        return LOOKS[index % len(LOOKS)]

    def summary(self) -> str:
        """What ``<desc>`` says after the description: the first rows and their numbers."""
        parts = []
        for row in self.rows[:DESCRIBED_ROWS]:
            if len(self.series) == 1:
                parts.append(f"{row.label}: {_number(row.values[0])}")
            else:
                values = ", ".join(
                    f"{s.label} {_number(v)}" for s, v in zip(self.series, row.values, strict=True)
                )
                parts.append(f"{row.label}: {values}")
        text = "; ".join(parts) + "."
        hidden = len(self.rows) - DESCRIBED_ROWS
        if hidden > 0:
            text += " " + ngettext(
                "Un'altra riga è nella tabella che segue.",
                "Altre %(count)s righe sono nella tabella che segue.",
                hidden,
            ) % {"count": hidden}
        return text

    def svg(self) -> SafeString:
        """The chart as an inline ``<svg>`` element."""
        if self.kind == TIMELINE:
            body, height = self._timeline()
        else:
            body, height = self._bars()
        title_id, desc_id = f"{self.dom_id}-title", f"{self.dom_id}-desc"
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{self.dom_id}" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">'
            f'<title id="{title_id}">{escape(self.title)}</title>'
            f'<desc id="{desc_id}">{escape(self.description + " " + self.summary())}</desc>'
            f"<defs>{self._patterns()}</defs>"
            f'<g font-size="{FONT}" fill="{TEXT_COLOUR}">{body}</g></svg>'
        )

    def _pattern_id(self, index: int) -> str:
        return f"{self.dom_id}-pattern-{index}"

    def _patterns(self) -> str:
        out = []
        for index in range(len(self.series)):
            look = self.look(index)
            marks = _MARKS[look.pattern]
            out.append(
                f'<pattern id="{self._pattern_id(index)}" patternUnits="userSpaceOnUse" '
                f'width="8" height="8"><rect width="8" height="8" fill="{look.colour}"/>'
                f"{marks}</pattern>"
            )
        return "".join(out)

    def _fill(self, index: int) -> str:
        return f"url(#{self._pattern_id(index)})"

    def _legend(self, y: float, *, lines: bool = False) -> tuple[list[str], float]:
        """One legend entry a line, its swatch (or line and marker) drawn like the series."""
        out = []
        if len(self.series) < 2:
            return out, y
        for index, series in enumerate(self.series):
            text_lines = _wrap(series.label, WIDTH - 2 * PAD - 34)
            if lines:
                look = self.look(index)
                middle = y + 7
                out.append(
                    f'<line x1="{PAD}" y1="{middle}" x2="{PAD + 26}" y2="{middle}" '
                    f'stroke="{look.colour}" stroke-width="2.5"'
                    + (f' stroke-dasharray="{look.dash}"' if look.dash else "")
                    + "/>"
                    + _marker(look, PAD + 13, middle)
                )
            else:
                out.append(
                    f'<rect x="{PAD}" y="{y}" width="26" height="14" fill="{self._fill(index)}" '
                    f'stroke="{OUTLINE}" stroke-width="1"/>'
                )
            out.append(_text(PAD + 34, y + 11, text_lines))
            y += max(LINE * len(text_lines), 18) + 4
        return out, y + 6

    def _bars(self) -> tuple[str, float]:
        out, y = self._legend(PAD)
        grouped = self.kind == BARS and len(self.series) > 1
        bar_height = 14 if grouped else 18
        if grouped:
            shown = [v for row in self.rows for v in row.values]
        else:
            shown = [row.total for row in self.rows]
        top = max(shown, default=0)
        # room after the longest bar for its number, as wide as the widest number written
        value_room = 10 + _widest_figure(shown)
        scale_width = WIDTH - 2 * PAD - value_room
        unit = scale_width / top if top else 0
        for row in self.rows:
            label_lines = _wrap(row.label, WIDTH - 2 * PAD)
            out.append(_text(PAD, y + FONT, label_lines))
            y += LINE * len(label_lines) + 3
            if grouped:
                for index, value in enumerate(row.values):
                    out.append(self._bar(PAD, y, value * unit, bar_height, index))
                    out.append(_value(PAD + value * unit + 5, y + bar_height - 3, value))
                    y += bar_height + 2
            else:
                x = PAD
                for index, value in enumerate(row.values):
                    out.append(self._bar(x, y, value * unit, bar_height, index))
                    x += value * unit
                out.append(_value(x + 5, y + bar_height - 4, row.total))
                y += bar_height
            y += 12
        # the axis the bars start from
        out.append(
            f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{y - 8:.1f}" stroke="{GRID_COLOUR}" '
            'stroke-width="1"/>'
        )
        return "".join(out), math.ceil(y)

    def _bar(self, x: float, y: float, width: float, height: float, index: int) -> str:
        if width <= 0:
            return ""
        return (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" '
            f'fill="{self._fill(index)}" stroke="{OUTLINE}" stroke-width="1"/>'
        )

    def _timeline(self) -> tuple[str, float]:
        out, top = self._legend(PAD, lines=True)
        plot_height = 160
        peak = max((v for row in self.rows for v in row.values), default=0)
        step = _nice_step(peak)
        ceiling = step * max(1, math.ceil(peak / step)) if peak else 1
        ticks = range(0, ceiling + 1, step if peak else 1)
        # the axis starts after the widest tick's figure (1.000 is wider than 40)
        left, right = max(40, PAD + 5 + math.ceil(_widest_figure(ticks))), WIDTH - PAD - 8
        bottom = top + plot_height
        for tick in ticks:
            y = bottom - tick / ceiling * plot_height
            out.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                f'stroke="{GRID_COLOUR}" stroke-width="{1 if tick == 0 else 0.5}"/>'
            )
            out.append(
                f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{_number(tick)}</text>'
            )
        count = len(self.rows)
        span = right - left - 10

        def x_of(i):
            return left + 5 + (span * i / (count - 1) if count > 1 else span / 2)

        # labels under the axis, every so many points so that they never touch: the first at
        # the first point, each one centred on its point but kept inside the plot
        labels = [row.short or row.label for row in self.rows]
        room = max(len(label) for label in labels) * FONT * 0.56 if labels else 0
        per_point = span / (count - 1) if count > 1 else span
        every = max(1, math.ceil((1.5 * room + 8) / per_point))
        for i in range(0, count, every):
            x = min(max(x_of(i), left + room / 2), right - room / 2)
            out.append(
                f'<text x="{x:.1f}" y="{bottom + 18:.1f}" text-anchor="middle">'
                f"{escape(labels[i])}</text>"
            )
        for index in range(len(self.series)):
            look = self.look(index)
            points = [
                (x_of(i), bottom - row.values[index] / ceiling * plot_height)
                for i, row in enumerate(self.rows)
            ]
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{look.colour}" '
                    f'stroke-width="2.5" stroke-linejoin="round"'
                    + (f' stroke-dasharray="{look.dash}"' if look.dash else "")
                    + "/>"
                )
            if count <= 36:  # beyond that the markers would hide the lines
                out.extend(_marker(look, x, y) for x, y in points)
        return "".join(out), math.ceil(bottom + 18 + PAD + 4)


# the white marks of each pattern, on an 8×8 tile
_MARKS = {
    "plain": "",
    "stripes": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="2"/>',
    "dots": '<circle cx="4" cy="4" r="1.8" fill="#fff"/>',
    "cross": '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-width="1.5"/>',
    "lines": '<path d="M0,4 h8" stroke="#fff" stroke-width="2"/>',
    "columns": '<path d="M4,0 v8" stroke="#fff" stroke-width="2"/>',
}


def _marker(look: Look, x: float, y: float) -> str:
    colour = f'fill="{look.colour}" stroke="#fff" stroke-width="1"'
    if look.marker == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {colour}/>'
    if look.marker == "triangle":
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} '
            f'L{x - 5:.1f},{y + 4:.1f} Z" {colour}/>'
        )
    if look.marker == "diamond":
        return (
            f'<path d="M{x:.1f},{y - 5.5:.1f} L{x + 5.5:.1f},{y:.1f} L{x:.1f},{y + 5.5:.1f} '
            f'L{x - 5.5:.1f},{y:.1f} Z" {colour}/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {colour}/>'


def _widest_figure(values) -> float:
    """How wide, in user units, the widest of ``values`` is as ``_number`` writes it: a figure
    reckoned at 0.6 of the font size (wider than the 0.56 of ``_wrap``'s letters); one figure's
    width when there are none."""
    return max((len(_number(value)) for value in values), default=1) * FONT * 0.6


def _value(x: float, y: float, value: int) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}">{_number(value)}</text>'


def _text(x: float, y: float, lines: list[str]) -> str:
    """A text of one or more lines, the first with its baseline at ``y``."""
    if len(lines) == 1:
        return f'<text x="{x}" y="{y:.1f}">{escape(lines[0])}</text>'
    spans = "".join(
        f"<tspan x={quoteattr(str(x))} dy={quoteattr('0' if i == 0 else str(LINE))}>"
        f"{escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y:.1f}">{spans}</text>'


def _wrap(text: str, width: float) -> list[str]:
    """``text`` cut between words into lines that fit ``width`` user units, reckoning a
    character at 0.56 of the font size (the portal's Titillium Web is narrower than that); a
    word longer than a line is cut."""
    most = max(8, int(width / (FONT * 0.56)))
    lines, line = [], ""
    for word in text.split():
        while len(word) > most:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: most - 1] + "-")
            word = word[most - 1 :]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= most:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _nice_step(peak: int) -> int:
    """A step of 1, 2 or 5 × 10ⁿ that divides 0…``peak`` in at most five intervals."""
    if peak <= 5:
        return 1
    magnitude = 10 ** math.floor(math.log10(peak / 5))
    for multiple in (1, 2, 5, 10):
        if peak / (multiple * magnitude) <= 5:
            return multiple * magnitude
    return 10 * magnitude
