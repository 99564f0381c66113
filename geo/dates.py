"""Partial ISO 8601 dates as the sources give them: ``2009``, ``2009-08`` or ``2009-08-18``.

A partial date stands for the first day of the period it names when compared with a full date: ``"2009"``
sorts as 2009-01-01. Membership periods use ``since`` inclusive and ``until`` exclusive.
"""

from __future__ import annotations

import datetime as dt
import re

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

EXPECTED_DATE = "an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD"


def is_partial_date(text: str) -> bool:
    """Return True if `text` is a valid partial ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    try:
        partial_date_start(text)
    except ValueError:
        return False
    return True


def partial_date_start(text: str) -> dt.date:
    """Return the first day of the period named by a partial ISO date.

    Raises
    ------
    ValueError
        If `text` is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or names no real day.
    """
    match = _PARTIAL.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not {EXPECTED_DATE}")
    year, month, day = match.groups()
    return dt.date(int(year), int(month or 1), int(day or 1))


def parse_as_of(text: str | dt.date | None) -> dt.date:
    """Return the date for an ``as_of`` argument; ``None`` means today.

    Only full dates (``YYYY-MM-DD``) are accepted here, since an as-of date is a single day.
    """
    if text is None:
        return dt.date.today()
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"as-of date {text!r} is not a date of the form YYYY-MM-DD") from None
