"""Option values several commands take, parsed one way, a bad one reported as one line."""

from __future__ import annotations

from datetime import date

from comity.errors import ValidationFailed
from comity.registry.dates import parse_iso_date

__all__ = ["parse_day"]


def parse_day(value: str | None, option: str) -> date | None:
    """``value`` as a calendar day, ``YYYY-MM-DD`` (None if not given); a bad one is a
    :class:`ValidationFailed` naming ``option``."""
    if value is None or value == "":
        return None
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise ValidationFailed(f"{option}: {error}") from None
