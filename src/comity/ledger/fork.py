"""Fork and rollback detection between two signed checkpoints of one log.

tlog-checkpoint ("Signatures"): a log MUST NOT sign a checkpoint inconsistent with one it
signed before. Two checkpoints signed by the same log key therefore prove misbehaviour when

* they have the same size and different root hashes (a **fork**: two views of one tree);
* the later one is smaller than one already seen (a **rollback**: entries removed);
* the larger one is not an extension of the smaller (a **fork**: the RFC 9162 §2.1.4
  consistency proof between them fails).

The evidence keeps both signed notes byte for byte, so anyone holding the log's verifier key
can check it without trusting the reporter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from comity.errors import LogConsistencyError, ValidationFailed
from comity.ledger.checkpoint import SignedCheckpoint
from comity.ledger.merkle import verify_consistency

__all__ = ["ForkDetected", "ForkEvidence", "check_checkpoints"]


@dataclass(frozen=True, slots=True)
class ForkEvidence:
    """Two signed checkpoints of one origin that cannot both be honest."""

    kind: Literal["fork", "rollback"]
    reason: str
    earlier: bytes
    later: bytes

    def to_text(self) -> str:
        """A self-contained report: the reason, then both signed notes."""
        return (
            f"{self.kind}: {self.reason}\n\n"
            f"-- checkpoint seen first --\n{self.earlier.decode()}\n"
            f"-- checkpoint seen later --\n{self.later.decode()}"
        )


class ForkDetected(LogConsistencyError):
    """The log showed two inconsistent checkpoints; ``evidence`` holds both."""

    def __init__(self, evidence: ForkEvidence) -> None:
        self.evidence = evidence
        super().__init__(f"log {evidence.kind} detected: {evidence.reason}")

    def diagnostics(self) -> str:
        return self.evidence.to_text()


def check_checkpoints(
    earlier: SignedCheckpoint, later: SignedCheckpoint, proof: Sequence[bytes] | None = None
) -> None:
    """Check that ``later`` extends ``earlier`` (both already signature-verified).

    ``proof`` is the consistency proof from ``earlier.size`` to ``later.size``; it is needed
    only when the sizes differ. Raises :class:`ForkDetected` with both checkpoints.
    """
    a, b = earlier.checkpoint, later.checkpoint
    if a.origin != b.origin:
        raise ValidationFailed(f"checkpoints of different logs: {a.origin!r} and {b.origin!r}")

    def evidence(kind: Literal["fork", "rollback"], reason: str) -> ForkDetected:
        return ForkDetected(ForkEvidence(kind, reason, earlier.note, later.note))

    if b.size < a.size:
        raise evidence("rollback", f"tree size went back from {a.size} to {b.size}")
    if b.size == a.size:
        if a.root != b.root:
            raise evidence("fork", f"two different root hashes for tree size {a.size}")
        return
    if proof is None:
        raise ValidationFailed(f"a consistency proof from {a.size} to {b.size} is needed")
    try:
        verify_consistency(a.size, b.size, proof, a.root, b.root)
    except LogConsistencyError as exc:
        raise evidence("fork", f"tree {b.size} does not extend tree {a.size} ({exc})") from exc
