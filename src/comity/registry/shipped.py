"""The registry data shipped with Comity: the Convention's status from public sources.

``data/uncc-actions.csv`` holds the treaty actions and ``data/uncc-sources.json`` says as of
when, on which sources, and with which confidence for each action (docs/formats/
registry-actions.md). Nothing in it is invented: a signature whose day is not known carries an
interval of possible days.
"""

from __future__ import annotations

from importlib.resources import files

from comity.registry.snapshot import Registry, parse_texts

__all__ = ["SHIPPED_FILES", "shipped_registry"]

#: The shipped data files, in the order they are read.
SHIPPED_FILES = ("uncc-actions.csv", "uncc-sources.json")


def shipped_registry() -> Registry:
    """Parse and validate the shipped data (all or nothing, like any import)."""
    folder = files("comity.registry") / "data"
    texts = [(name, (folder / name).read_text("utf-8")) for name in SHIPPED_FILES]
    return parse_texts(texts)
