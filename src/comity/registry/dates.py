"""Dates that may be known exactly or only within bounds, and the treaty's day arithmetic.

A treaty action recorded from public sources sometimes has no known date: "signed at Hanoi"
(25 or 26 October 2025) or "listed as a signatory by a page of unknown date". Comity never
invents the missing day. A :class:`DateSpan` holds what is known: the earliest and the latest
possible day, either of which may be open. The text forms are ISO 8601 (ISO 8601-2:2019 for
open ends):

==========================  ============================================
``2025-10-25``              exactly that day
``2025-10-25/2025-10-26``   some day in that interval (both ends included)
``../2026-07-31``           some day on or before 2026-07-31
``2025-10-25/..``           some day on or after 2025-10-25
``..``                      unknown
==========================  ============================================

>>> str(DateSpan.parse("2025-10-25/2025-10-26"))
'2025-10-25/2025-10-26'
>>> DateSpan.parse("2025-10-25").exact
datetime.date(2025, 10, 25)
>>> nth_day_after(date(2005, 9, 15), 90)
datetime.date(2005, 12, 14)
>>> one_year_after(date(2024, 2, 29))
datetime.date(2025, 3, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateSpan", "nth_day_after", "one_year_after", "parse_iso_date"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> date:
    """Parse an ISO 8601 calendar date in extended form (``YYYY-MM-DD``) and nothing else.

    Raises :class:`ValueError` with a one-line reason.
    """
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def nth_day_after(day: date, n: int) -> date:
    """ "The ``n``-th day after ``day``": ``day`` plus ``n`` calendar days.

    This is the reading of the depositary (UN Treaty Collection) of "the ninetieth day after the
    date of deposit" in Art 65: UNCAC's thirtieth instrument was deposited on 15 September 2005
    and UNCAC entered into force on 14 December 2005 (see docs/decisions/0002).
    """
    return day + timedelta(days=n)


def one_year_after(day: date) -> date:
    """The day on which "one year after ``day``" has run (Art 67: denunciation takes effect).

    The same day and month of the following year; for 29 February, 1 March (a full year has not
    run on 28 February).
    """
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


@dataclass(frozen=True, order=True)
class DateSpan:
    """A day known exactly (``earliest == latest``) or only within bounds (``None`` = open)."""

    earliest: date | None
    latest: date | None

    def __post_init__(self) -> None:
        if self.earliest is not None and self.latest is not None and self.earliest > self.latest:
            raise ValueError(f"interval ends before it starts: {self.earliest}/{self.latest}")

    @classmethod
    def on(cls, day: date) -> DateSpan:
        """The span of exactly one known day."""
        return cls(day, day)

    @classmethod
    def parse(cls, text: str) -> DateSpan:
        """Parse one of the forms in the module docstring; :class:`ValueError` otherwise."""
        if text == "..":
            return cls(None, None)
        if "/" not in text:
            return cls.on(parse_iso_date(text))
        start, _, end = text.partition("/")
        if text.startswith("../"):
            start, end = "..", text[3:]
        earliest = None if start == ".." else parse_iso_date(start)
        latest = None if end == ".." else parse_iso_date(end)
        if earliest is None and latest is None:
            raise ValueError(f"{text!r}: write '..' for a wholly unknown date")
        return cls(earliest, latest)

    @property
    def is_exact(self) -> bool:
        """True when the day is known."""
        return self.earliest is not None and self.earliest == self.latest

    @property
    def exact(self) -> date:
        """The known day; :class:`ValueError` if the day is not known exactly."""
        if not self.is_exact or self.earliest is None:
            raise ValueError(f"the date {self} is not known exactly")
        return self.earliest

    def surely_on_or_before(self, day: date) -> bool:
        """True if the event certainly happened on or before ``day``."""
        return self.latest is not None and self.latest <= day

    def possibly_on_or_before(self, day: date) -> bool:
        """True if the event may have happened on or before ``day``."""
        return self.earliest is None or self.earliest <= day

    def __str__(self) -> str:
        if self.is_exact:
            return self.exact.isoformat()
        start = ".." if self.earliest is None else self.earliest.isoformat()
        end = ".." if self.latest is None else self.latest.isoformat()
        return ".." if start == end == ".." else f"{start}/{end}"
