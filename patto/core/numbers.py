"""Numbers as an Italian reader writes and types them: a count grouped by thousands («3.000»,
as the help under a text box and ``static/js/limits.js`` write it) and an amount with a
decimal comma and dots between the thousands («150.000,50»).

An amount is read the Italian way whatever the language of the page, and written back the same
way, so that a form given back re-submits unchanged: a dot is a thousands separator, never a
decimal point, except in the one case no Italian writes thousands (a single dot followed by one
or two digits, «1500.50», as a spreadsheet or an English text gives it)."""

import re
from decimal import Decimal

from django.utils.formats import number_format

# «150.000,50», «1.234.567,8», «150.000»: groups of three digits after the first one to three
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
# «150000,50», «150000»
_PLAIN = re.compile(r"\d+(?:,\d+)?")
# «150000.50», «12.5»: a decimal point, since no Italian group of thousands has one or two digits
_DECIMAL_POINT = re.compile(r"\d+\.\d{1,2}")
# «1,500», «150,000»: a comma before exactly three digits after one to three (not a zero), which
# an English text means as thousands; as Italian it would be a money amount with three decimals:
# read two ways, refused
_COMMA_THOUSANDS = re.compile(r"[1-9]\d{0,2},\d{3}")
# what may surround the figure: spaces (also the non-breaking ones a copied figure carries) and
# the euro sign; inside it, a space is refused («12 34» may be two numbers)
_AROUND = re.compile(r"^[\s€]+|[\s€]+$")


def grouped(count: int) -> str:
    """``count`` with the thousands grouped as the page's language writes them («3.000»)."""
    return number_format(count, force_grouping=True)


def is_blank(text: str) -> bool:
    """Nothing but spaces and euro signs: no amount given."""
    return not _AROUND.sub("", text)


def parse_amount(text: str) -> Decimal:
    """The amount ``text`` says, written the Italian way; ``ValueError`` if it is not one or
    it can be read in more than one way («1.5.0», «150.00,5», «1,500»)."""
    compact = _AROUND.sub("", text)
    # a hyphen or a minus sign
    sign, digits = ("-", compact[1:]) if compact[:1] in ("-", "\u2212") else ("", compact)
    if _COMMA_THOUSANDS.fullmatch(digits):
        raise ValueError(f"a comma that may group thousands: {text!r}")
    if _GROUPED.fullmatch(digits) or _PLAIN.fullmatch(digits):
        return Decimal(sign + digits.replace(".", "").replace(",", "."))
    if _DECIMAL_POINT.fullmatch(digits):
        return Decimal(sign + digits)
    raise ValueError(f"not an amount written the Italian way: {text!r}")


def format_amount(amount: Decimal | int) -> str:
    """``amount`` as ``parse_amount`` reads it back: «150.000», «1.500,50», «-12,30»."""
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    units, _, cents = f"{abs(amount):,.{places}f}".partition(".")
    sign = "-" if amount < 0 else ""
    return sign + units.replace(",", ".") + (f",{cents}" if cents else "")
