"""The values of screening: outcomes, sides, citations as shown, findings and the data error.

A :class:`Finding` is what one rule (or one pattern across requests) says about one request:
its outcome, the citations it enforces with their confidence tags (so an unverified paragraph
is shown as such, see :class:`comity.treaty.Confidence`), the data it rests on, and, by
outcome, the refusal ground it names or what a human must look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from comity.errors import DataFileError, TreatyDataError

__all__ = [
    "Evidence",
    "Finding",
    "FindingCitation",
    "Outcome",
    "RulesDataError",
    "Side",
]

#: The data a finding rests on: (what, value) pairs, e.g. ``("offence.maximum_penalty", "3")``.
Evidence = tuple[tuple[str, str], ...]


class RulesDataError(DataFileError):
    """A rule set, law profile or scenario file is malformed (file and line in the message)."""

    @classmethod
    def from_treaty(cls, error: TreatyDataError) -> RulesDataError:
        """The same error (file, line, message) raised by the shared strict YAML reader."""
        message = str(error)
        if error.path is not None:
            where = f"{error.path}:{error.line}: " if error.line is not None else f"{error.path}: "
            message = message.removeprefix(where)
        return cls(message, path=error.path, line=error.line)


class Outcome(StrEnum):
    """What a finding means for the request, strongest first.

    ``blocks``: the request cannot be sent or granted as it stands. ``ground_for_refusal``:
    the reviewer may refuse on it; the finding names the ground (Art 40(21) and the others of
    the Convention data). ``needs_review``: a human must look, at what the finding says.
    ``note``: information only.
    """

    BLOCKS = "blocks"
    GROUND_FOR_REFUSAL = "ground_for_refusal"
    NEEDS_REVIEW = "needs_review"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """0 for ``blocks`` ... 3 for ``note``."""
        return list(Outcome).index(self)


class Side(StrEnum):
    """Who screens: the requesting State (a self-check when drafting) or the requested State."""

    REQUESTING = "requesting"
    REQUESTED = "requested"


@dataclass(frozen=True, slots=True)
class FindingCitation:
    """A citation as shown with a finding: ``UNCC Art 42(2)(f)`` and its confidence tag."""

    label: str
    confidence: str

    def as_dict(self) -> dict[str, str]:
        """``{"label": ..., "confidence": ...}``."""
        return {"label": self.label, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding on one request.

    ``id`` is the rule id (or the pattern id with its subject); it identifies the finding across
    re-screenings. ``ground`` is set for ``ground_for_refusal`` (a refusal ground key of the
    Convention data); ``look_at`` for ``needs_review``. ``rests_on`` holds the data the finding
    rests on; ``requests`` the references of other requests it rests on (patterns).
    """

    id: str
    rule_id: str
    outcome: Outcome
    title: str
    explanation: str
    citations: tuple[FindingCitation, ...]
    rests_on: Evidence = ()
    ground: str | None = None
    look_at: str | None = None
    requests: tuple[str, ...] = field(default=())

    @property
    def cites(self) -> tuple[str, ...]:
        """The citation labels without the instrument prefix (``Art 42(2)(f)``)."""
        return tuple(
            c.label.split(" ", 1)[1] if " " in c.label else c.label for c in self.citations
        )

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (stable key order)."""
        return {
            "id": self.id,
            "rule": self.rule_id,
            "outcome": self.outcome.value,
            "title": self.title,
            "explanation": self.explanation,
            "citations": [c.as_dict() for c in self.citations],
            "rests_on": [{"what": what, "value": value} for what, value in self.rests_on],
            "ground": self.ground,
            "look_at": self.look_at,
            "requests": list(self.requests),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Read back :meth:`as_dict` (for stored reports)."""
        return cls(
            id=data["id"],
            rule_id=data["rule"],
            outcome=Outcome(data["outcome"]),
            title=data["title"],
            explanation=data["explanation"],
            citations=tuple(
                FindingCitation(c["label"], c["confidence"]) for c in data["citations"]
            ),
            rests_on=tuple((e["what"], e["value"]) for e in data["rests_on"]),
            ground=data.get("ground"),
            look_at=data.get("look_at"),
            requests=tuple(data.get("requests", ())),
        )
