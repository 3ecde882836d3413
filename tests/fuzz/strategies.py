"""Hostile input for the property-based tests: long, empty, unicode, HTML/JS and SQL-looking
strings, NUL bytes, out-of-range dates and numbers, ids that do not exist, files that are not
what their name says."""

import datetime
import os

from django import forms
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.xss import XSS

# Every property-based test runs this many inputs (per form), without a deadline: a request
# through the whole stack may take a while on a busy machine.
settings.register_profile(
    "patto",
    max_examples=15,
    deadline=None,
    # under CI the same inputs on every run (derived from each test), so a run's verdict does
    # not depend on the draw; on a developer's machine, new ones each time
    derandomize=os.environ.get("CI", "").lower() == "true",
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("patto")

SQL = [
    "'; DROP TABLE patto_planversion; --",
    "1 OR 1=1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "%",
    "_",
    "\\",
]
ODD = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\u202eilnoc",  # right-to-left override
    "🏳️‍🌈👩‍👩‍👧",
    "Zoë Ñandú Ærø ĳ ﬁ",
    "\ud7ff\ue000\uffff",
    "x" * 5001,
    "é" * 100_001,
    "{{ 7*7 }}{% debug %}",
    "../../etc/passwd",
]
NUMBERS = ["-1", "0", "1e309", "NaN", "inf", "99999999999999999999999", "1.5", "٣", "0x10", ""]
DATES = [
    "2017-02-30",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "1-1-1",
    "31/12/2019",
    "2019-12-31T25:61",
    "ieri",
    "",
]
TIMES = ["25:00", "24:00", "-1:00", "12:60", "mezzogiorno", "", "23:59:59.999999"]

text = st.one_of(
    st.sampled_from(XSS + SQL + ODD),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=6000),
)
number = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), text)
date = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    text,
)
time = st.one_of(st.sampled_from(TIMES), st.times().map(str), text)
an_id = st.one_of(st.integers(min_value=-(2**63), max_value=2**63).map(str), text)

PDF_LIKE = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
file_content = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            b"",
            b"<html><script>alert(1)</script></html>",
            b"PK\x03\x04 not an ods",
            b"MZ\x90\x00",  # a Windows executable
            b"GIF89a",
            b"\x89PNG\r\n\x1a\n",
            b"%PDF",  # truncated
            b"%!PS-Adobe-3.0",
        ]
    ),
)
file_name = st.sampled_from(["verbale.pdf", "verbale.PDF", "verbale.exe", "verbale", "v.pdf.exe"])


def value_for(field):
    """A strategy of hostile values for one Django form field (what a browser could send)."""
    if isinstance(field, forms.FileField):
        return st.tuples(file_name, file_content)
    if isinstance(field, forms.ModelMultipleChoiceField):
        own = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:5]]
        one = st.one_of(st.sampled_from(own), an_id) if own else an_id
        return st.lists(one, max_size=4)
    if isinstance(field, forms.MultipleChoiceField):
        own = [str(v) for v, _label in field.choices][:8]
        return st.lists(st.one_of(st.sampled_from(own), text) if own else text, max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        own = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:5]]
        return st.one_of(st.sampled_from(own), an_id) if own else an_id
    if isinstance(field, forms.ChoiceField):
        own = [str(v) for v, _label in field.choices if v != ""][:10]
        return st.one_of(st.sampled_from(own), text) if own else text
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "1", "sì"])
    if isinstance(field, forms.DateTimeField | forms.DateField):
        return date
    if isinstance(field, forms.TimeField):
        return time
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return number
    return text
