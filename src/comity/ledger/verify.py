"""An auditor's verifier for a Comity log, reading only the C2SP tlog-tiles API.

:func:`verify_log` takes a ``fetch(path) -> bytes`` function (HTTP, a directory of static
files, or :meth:`comity.ledger.store.Log.read_path` in tests), the log's verifier key and the
checkpoint the auditor saw last. It

1. fetches ``checkpoint`` and checks the log's Ed25519 signature (C2SP signed-note,
   tlog-checkpoint) and any cosignatures by the given witnesses (tlog-cosignature);
2. in *full* mode, fetches every level-0 tile and entry bundle, checks that each entry hashes
   to its leaf hash (RFC 9162 §2.1.1), recomputes the root from the leaves, and checks every
   higher tile against the recomputed subtree hashes; in *light* mode it computes the root
   from ``O(log n)`` tiles only;
3. checks that the tree extends the previous checkpoint: same size and root, or a larger
   tree whose prefix has the previous root (RFC 9162 §2.1.4). A smaller tree is a rollback,
   a different prefix a fork: :class:`~comity.ledger.fork.ForkDetected` carries both notes.

:func:`load_state` and :func:`save_state` keep the last verified checkpoint in a local file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from comity.errors import LogConsistencyError
from comity.ledger.checkpoint import SignedCheckpoint, open_checkpoint
from comity.ledger.cosignature import Cosignature, CosignatureVerifier, verify_cosignatures
from comity.ledger.fork import ForkDetected, ForkEvidence, check_checkpoints
from comity.ledger.merkle import Frontier, consistency_proof, leaf_hash, root_from_reader
from comity.ledger.note import Ed25519Verifier, NoteVerifier
from comity.ledger.tiles import (
    ENTRIES_LEVEL,
    TILE_HEIGHT,
    Tile,
    decode_entry_bundle,
    split_tile,
    tile_for_size,
    tile_hash_reader,
    tiles_for_size,
)

__all__ = ["VerifiedLog", "load_state", "save_state", "verify_log"]

Fetch = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class VerifiedLog:
    """What the verifier established: the checkpoint, its cosignatures, and how much."""

    checkpoint: SignedCheckpoint
    cosignatures: tuple[Cosignature, ...]
    entries_checked: int
    previous_size: int | None


def verify_log(
    fetch: Fetch,
    verifier: str | NoteVerifier,
    previous_checkpoint: bytes | None = None,
    *,
    witnesses: Iterable[CosignatureVerifier] = (),
    full: bool = True,
    on_entry: Callable[[int, bytes], None] | None = None,
) -> VerifiedLog:
    """Verify the log served by ``fetch`` (see the module docstring).

    Raises :class:`~comity.errors.SignatureInvalid` for a bad signature,
    :class:`ForkDetected` for a fork or rollback against ``previous_checkpoint``, and
    :class:`LogConsistencyError` when tiles or entries do not match the signed root.
    ``on_entry(index, entry)`` is called for every verified entry in full mode.
    """
    log_key = Ed25519Verifier.from_vkey(verifier) if isinstance(verifier, str) else verifier
    witness_list = list(witnesses)
    signed, cosignatures = verify_cosignatures(fetch("checkpoint"), log_key, witness_list)
    previous = None
    if previous_checkpoint is not None:
        previous = open_checkpoint(previous_checkpoint, log_key)
    size, root = signed.checkpoint.size, signed.checkpoint.root

    if previous is not None and previous.checkpoint.size > size:
        check_checkpoints(previous, signed)  # raises: rollback
    if full:
        old_root = _verify_full(fetch, size, root, previous, on_entry)
        if previous is not None and old_root != previous.checkpoint.root:
            raise ForkDetected(
                ForkEvidence(
                    "fork",
                    f"the tree of {size} does not extend the tree of {previous.checkpoint.size}",
                    previous.note,
                    signed.note,
                )
            )
        checked = size
    else:
        read = tile_hash_reader(fetch, size)
        if root_from_reader(read, size) != root:
            raise LogConsistencyError(f"tiles of the tree of {size} do not hash to its root")
        if previous is not None:
            proof = consistency_proof(read, previous.checkpoint.size, size)
            check_checkpoints(previous, signed, proof)
        checked = 0
    return VerifiedLog(
        signed,
        tuple(cosignatures),
        checked,
        None if previous is None else previous.checkpoint.size,
    )


def _verify_full(
    fetch: Fetch,
    size: int,
    root: bytes,
    previous: SignedCheckpoint | None,
    on_entry: Callable[[int, bytes], None] | None,
) -> bytes | None:
    """Check every entry and tile; return the root at the previous size (if any)."""
    frontier = Frontier()
    upper: dict[int, bytearray] = {}  # tile level -> hashes at tree level 8 * L, computed
    old_size = None if previous is None else previous.checkpoint.size
    old_root = frontier.root() if old_size == 0 else None
    width = 1 << TILE_HEIGHT
    for n in range((size + width - 1) // width):
        tile = tile_for_size(0, n, size)
        leaves = split_tile(fetch(tile.path), tile)
        bundle = Tile(ENTRIES_LEVEL, n, tile.width)
        entries = decode_entry_bundle(fetch(bundle.path), expected=tile.width)
        for i, (entry, leaf) in enumerate(zip(entries, leaves, strict=True)):
            index = tile.start + i
            if leaf_hash(entry) != leaf:
                raise LogConsistencyError(f"entry {index} does not hash to its leaf in {tile.path}")
            for stored in frontier.append(leaf):
                if stored.level % TILE_HEIGHT == 0 and stored.level > 0:
                    upper.setdefault(stored.level // TILE_HEIGHT, bytearray()).extend(stored.hash)
            if frontier.size == old_size:
                old_root = frontier.root()
            if on_entry is not None:
                on_entry(index, entry)
    if frontier.root() != root:
        raise LogConsistencyError(f"the entries of the tree of {size} do not hash to its root")
    for tile in tiles_for_size(size):
        if tile.level == 0:
            continue
        computed = upper.get(tile.level, bytearray())
        expected = bytes(computed[tile.start * 32 : (tile.start + tile.width) * 32])
        if fetch(tile.path) != expected:
            raise LogConsistencyError(f"{tile.path} does not match the hashes of the entries")
    return old_root


def load_state(path: Path) -> bytes | None:
    """The last verified checkpoint note kept at ``path``, or None if there is none yet."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def save_state(path: Path, checkpoint: bytes) -> None:
    """Replace the state file atomically (write, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(checkpoint)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
