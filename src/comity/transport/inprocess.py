"""Delivery between authorities hosted on the same node: a direct call of the receiver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.errors import Error
from comity.services.messaging import receive_message
from comity.transport import Delivery

__all__ = ["InProcessTransport"]


class InProcessTransport:
    """A :class:`~comity.transport.Transport` to authorities hosted on this node.

    The receiving service verifies the envelope against the directory exactly as it would
    for an envelope that came over the network; a rejection comes back as a
    :class:`~comity.transport.Delivery` with the reason.
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def deliver(self, envelope: Mapping[str, Any]) -> Delivery:
        try:
            return receive_message(self.engine, self.settings, envelope)
        except Error as error:
            return Delivery("rejected", str(error))
