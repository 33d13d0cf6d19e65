"""Purity of the registry core, participants, dates, and the doctests of the registry modules."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from datetime import date

import pytest

from comity.errors import NotFound
from comity.registry.dates import DateSpan, nth_day_after, one_year_after
from comity.registry.participants import display_name, is_known, participant

MODULES = [
    "comity.registry.dates",
    "comity.registry.participants",
    "comity.registry.entry_into_force",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0


def test_core_imports_no_storage_web_or_plotting() -> None:
    code = (
        "import sys, comity.registry, comity.registry.shipped;"
        "banned = ('sqlalchemy', 'fastapi', 'starlette', 'httpx', 'uvicorn', 'alembic', "
        "'psycopg', 'comity.storage', 'comity.api', 'comity.web', 'comity.services', 'matplotlib');"
        "print([m for m in sys.modules if m.split('.')[0] in banned or m.startswith(banned)])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_participants() -> None:
    assert participant("FRA").kind == "state"
    eu = participant("EU")
    assert eu.is_organisation
    assert len(eu.members) == 27
    assert display_name("PSE", "en") == "Palestinian Territories"  # the CLDR name
    assert display_name("CHN", "zh_Hans") == "中国"
    assert display_name("EU", "fr") == "Union européenne"
    assert display_name("RUS", "ar")
    assert is_known("EU")
    assert is_known("TUR")
    assert not is_known("XXX")
    with pytest.raises(NotFound, match=r"unknown participant code 'fra' \(codes are upper case\)"):
        participant("fra")
    with pytest.raises(NotFound, match="unknown participant code 'EC'"):
        participant("EC")
    with pytest.raises(NotFound, match="unknown locale"):
        display_name("FRA", "xx_YY_ZZ")


@pytest.mark.parametrize(
    "text", ["2025-10-25", "2025-10-25/2025-10-26", "../2026-07-31", "2025-10-25/..", ".."]
)
def test_date_span_round_trip(text: str) -> None:
    assert str(DateSpan.parse(text)) == text


@pytest.mark.parametrize(
    "text", ["2025-13-01", "20251025", "2025-10-26/2025-10-25", "../..", "2025-10-25/", ""]
)
def test_date_span_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        DateSpan.parse(text)


def test_day_arithmetic() -> None:
    assert nth_day_after(date(2005, 9, 15), 90) == date(2005, 12, 14)  # UNCAC
    assert nth_day_after(date(2003, 7, 1), 90) == date(2003, 9, 29)  # UNTOC
    assert one_year_after(date(2027, 3, 1)) == date(2028, 3, 1)
    assert one_year_after(date(2028, 2, 29)) == date(2029, 3, 1)
    span = DateSpan.parse("2025-10-25/2025-10-26")
    assert not span.surely_on_or_before(date(2025, 10, 25))
    assert span.possibly_on_or_before(date(2025, 10, 25))
    assert span.surely_on_or_before(date(2025, 10, 26))
    with pytest.raises(ValueError, match="not known exactly"):
        _ = span.exact
