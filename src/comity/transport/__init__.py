"""How signed messages travel between authorities: the :class:`Transport` interface.

A transport carries a signed envelope (docs/formats/signed-message.md) from the sending
authority to the receiving one and reports what the receiver did with it. The services never
know how: :class:`~comity.transport.inprocess.InProcessTransport` hands the envelope to the
receiving service on the same node; an HTTPS transport between nodes will POST the same
envelope, unchanged, to the receiving node, whose receiving service does the same checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["Delivery", "DeliveryStatus", "Transport"]

DeliveryStatus = Literal["accepted", "duplicate", "rejected", "undeliverable"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one envelope: accepted, a duplicate of one already accepted, rejected
    by the receiver (``reason`` says why), or not deliverable (no route to the recipient)."""

    status: DeliveryStatus
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The delivery as JSON."""
        return {"status": self.status, "reason": self.reason}


class Transport(Protocol):
    """Carries a signed envelope to its recipient and returns the receiver's answer."""

    def deliver(self, envelope: Mapping[str, Any]) -> Delivery:
        """Deliver ``envelope``; never raises for a rejection, which is a :class:`Delivery`."""
        ...
