"""Shared helpers for the treaty tests: a writable copy of the shipped data."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def shipped_dir() -> Path:
    """The shipped ``uncc`` data directory, as a real path."""
    return Path(str(resources.files("comity.treaty") / "data" / "uncc"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data that a test may break."""
    target = tmp_path / "uncc"
    shutil.copytree(shipped_dir(), target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``path``; fails if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
