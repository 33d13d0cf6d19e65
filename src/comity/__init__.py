"""Comity: the cooperation machinery of the UN Convention against Cybercrime, made real.

Competent authorities draft, send, screen, execute and track requests for electronic evidence;
the Convention's safeguards screen every request with article citations; evidence travels
sealed and signed; and every event goes into a public Merkle log.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
