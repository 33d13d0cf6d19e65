"""The nine request kinds are one vocabulary across the Convention data and every module."""

from __future__ import annotations

from comity.registry.notifications import REQUEST_KINDS as REGISTRY_KINDS
from comity.treaty import load_instrument
from comity.treaty.kinds import REQUEST_KINDS


def test_the_shared_kinds_are_the_kinds_of_the_convention_data() -> None:
    assert tuple(kind.key for kind in load_instrument().kinds) == REQUEST_KINDS


def test_the_registry_knows_the_same_kinds() -> None:
    assert set(REGISTRY_KINDS) == set(REQUEST_KINDS)
