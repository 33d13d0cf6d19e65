"""Comity's transparency ledger: a public, append-only Merkle log of every event.

Pure modules, no database and no web:

* :mod:`~comity.ledger.merkle` — RFC 9162 §2.1 hashing, proofs, the append frontier;
* :mod:`~comity.ledger.tiles` — C2SP tlog-tiles paths, tiles and entry bundles;
* :mod:`~comity.ledger.note`, :mod:`~comity.ledger.checkpoint` — C2SP signed notes and
  checkpoints with Ed25519;
* :mod:`~comity.ledger.cosignature`, :mod:`~comity.ledger.fork` — witness cosignatures
  (C2SP tlog-cosignature) and fork/rollback evidence;
* :mod:`~comity.ledger.entry` — the leaf format: public header and salted commitment;
* :mod:`~comity.ledger.store` — the ``LogStore`` Protocol, an in-memory store, the sequencer;
* :mod:`~comity.ledger.verify` — the auditor's verifier over the tlog-tiles API;
* :mod:`~comity.ledger.stats` — statistics recomputable from public headers.
"""

from __future__ import annotations
