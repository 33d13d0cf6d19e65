"""A citation of the Convention with the confidence tag of the brief it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Cite", "Confidence"]

Confidence = Literal["verified", "corroborated", "unverified", "paragraph_uncertain"]


@dataclass(frozen=True, slots=True)
class Cite:
    """``UNCC Art 40(28)`` and how sure Comity is of it.

    ``paragraph_uncertain`` means the content is believed right but the paragraph number is a
    best estimate (the long Arts 37, 40, 41 and 42); ``unverified`` means not checked against
    the official text. Both are shown to users until a legal officer confirms them.

    >>> Cite("UNCC Art 40(28)", "paragraph_uncertain").tagged()
    'UNCC Art 40(28) [paragraph_uncertain]'
    """

    text: str
    confidence: Confidence

    def __str__(self) -> str:
        return self.text

    def tagged(self) -> str:
        """The citation followed by its confidence tag in brackets."""
        return f"{self.text} [{self.confidence}]"
