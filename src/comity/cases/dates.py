"""Calendar semantics for every clock of a request: UTC dates and "N days after".

The rules, stated once:

1. **Dates are UTC calendar dates.** A moment is turned into a date by converting it to UTC
   first (:func:`utc_date`); a moment without a time zone is refused, because it would be
   read differently by the two sides of a request.
2. **"N days after D" is D + N calendar days** (:func:`days_after`): weekends and public
   holidays count; there is no month arithmetic, so no rounding rule is needed.
3. **A clock's due date is the last day on which the act is in time.** It is overdue from
   the next day on (:func:`is_overdue`).

>>> from datetime import date
>>> days_after(date(2026, 1, 31), 60)
datetime.date(2026, 4, 1)
"""

from __future__ import annotations

import datetime as dt

from comity.errors import ValidationFailed

__all__ = [
    "MINIMUM_PRESERVATION_DAYS",
    "days_after",
    "earliest_preservation_end",
    "is_overdue",
    "today_utc",
    "utc_date",
]

MINIMUM_PRESERVATION_DAYS = 60
"""Preservation lasts "not less than 60 days" (Art 42 [UNVERIFIED, paragraph uncertain])."""


def utc_date(moment: dt.datetime) -> dt.date:
    """The UTC calendar date of a timezone-aware moment.

    >>> from datetime import datetime, timedelta, timezone
    >>> utc_date(datetime(2026, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))))
    datetime.date(2026, 2, 28)
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed(f"moment {moment.isoformat()} has no time zone; give a UTC offset")
    return moment.astimezone(dt.UTC).date()


def today_utc() -> dt.date:
    """Today's UTC date: the one place the cases core reads the clock (callers pass dates on)."""
    return dt.datetime.now(dt.UTC).date()


def days_after(start: dt.date, days: int) -> dt.date:
    """The date ``days`` calendar days after ``start`` (rule 2).

    >>> days_after(dt.date(2028, 2, 28), 1), days_after(dt.date(2026, 12, 31), 1)
    (datetime.date(2028, 2, 29), datetime.date(2027, 1, 1))
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return start + dt.timedelta(days=days)


def earliest_preservation_end(began: dt.date) -> dt.date:
    """The earliest date a preservation that began on ``began`` may be set to last until.

    >>> earliest_preservation_end(dt.date(2026, 3, 1))
    datetime.date(2026, 4, 30)
    """
    return days_after(began, MINIMUM_PRESERVATION_DAYS)


def is_overdue(due: dt.date, today: dt.date) -> bool:
    """Whether an act due on ``due`` is late on ``today`` (rule 3).

    >>> due = dt.date(2026, 3, 1)
    >>> is_overdue(due, dt.date(2026, 3, 1)), is_overdue(due, dt.date(2026, 3, 2))
    (False, True)
    """
    return today > due
