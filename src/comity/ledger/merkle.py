"""Merkle tree maths of the transparency ledger: RFC 9162 §2.1 (the RFC 6962 tree), pure.

Hashing (RFC 9162 §2.1.1), always with the domain-separation prefixes::

    MTH({})        = SHA-256()
    leaf hash      = SHA-256(0x00 || entry)
    node hash      = SHA-256(0x01 || left || right)
    MTH(D[n])      = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

Indices are zero-based. Trees are addressed by *stored hashes*, the layout of the Go checksum
database (``golang.org/x/mod/sumdb/tlog``): the hash at ``(level, index)`` is the root of the
complete subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``. A log keeps every
such hash once it is complete; every other hash (right edges, roots) is computed from at most
``O(log n)`` of them. :class:`Frontier` appends in ``O(log n)`` and yields the new stored hashes.

Proof generation reads stored hashes through a :data:`HashReader` (a function of
``(level, index)``), so a proof in a log of ten million leaves needs about ``2 * log2(n)``
reads. Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency); proof
lengths are checked against the sizes before any hashing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from comity.errors import LogConsistencyError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "HashReader",
    "StoredHash",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_reader",
    "root_of",
    "split_stored_hash_index",
    "stored_hash_count",
    "stored_hash_index",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1)."""

HashReader = Callable[[int, int], bytes]
"""Returns the stored hash at ``(level, index)``; see the module docstring."""


@dataclass(frozen=True, slots=True)
class StoredHash:
    """One hash a log must keep: the root of the complete subtree at ``(level, index)``."""

    level: int
    index: int
    hash: bytes


def leaf_hash(entry: bytes) -> bytes:
    """Leaf hash of one entry: ``SHA-256(0x00 || entry)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node hash: ``SHA-256(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``), RFC 9162 §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over a list of *leaf hashes* (not entries), iteratively, in ``O(n)``.

    >>> root_of([]).hex()[:16]
    'e3b0c44298fc1c14'
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    frontier = Frontier()
    for h in leaf_hashes:
        frontier.append(h)
    return frontier.root()


# --- the stored-hash layout (sumdb/tlog) -------------------------------------------------------


def stored_hash_index(level: int, index: int) -> int:
    """Position of hash ``(level, index)`` in the sumdb/tlog linear stored-hash order.

    Hashes are written in the order :meth:`Frontier.append` produces them: leaf ``n`` and then
    every subtree it completes, lowest level first.
    """
    if level < 0 or index < 0:
        raise ValueError(f"stored hash ({level}, {index}) has a negative coordinate")
    n = index
    for _ in range(level):
        n = 2 * n + 1
    # Leaf n is preceded by n leaves and by the n/2 + n/4 + ... subtrees they completed.
    total = 0
    while n > 0:
        total += n
        n >>= 1
    return total + level


def split_stored_hash_index(position: int) -> tuple[int, int]:
    """Inverse of :func:`stored_hash_index`: ``(level, index)`` of a linear position."""
    if position < 0:
        raise ValueError(f"stored hash position {position} is negative")
    n = position // 2  # stored_hash_index(0, n) <= 2n, so the leaf is in [pos/2, pos]
    while stored_hash_index(0, n) > position:
        n -= 1
    while True:
        start = stored_hash_index(0, n)
        count = 1 + _trailing_ones(n)
        if position < start + count:
            level = position - start
            return level, n >> level
        n += 1


def _trailing_ones(n: int) -> int:
    return ((n ^ (n + 1)).bit_length()) - 1


def stored_hash_count(tree_size: int) -> int:
    """How many stored hashes a tree of ``tree_size`` leaves has (sumdb ``StoredHashCount``)."""
    if tree_size == 0:
        return 0
    return stored_hash_index(0, tree_size - 1) + 1 + _trailing_ones(tree_size - 1)


# --- the frontier --------------------------------------------------------------------------------


class Frontier:
    """Compact range ``[0, size)``: the roots of the complete subtrees of a tree, one per set
    bit of its size, largest first. Appending a leaf costs ``O(log n)`` node hashes.

    >>> f = Frontier()
    >>> [(s.level, s.index) for s in f.append(leaf_hash(b"a"))]
    [(0, 0)]
    >>> [(s.level, s.index) for s in f.append(leaf_hash(b"b"))]
    [(0, 1), (1, 0)]
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def from_reader(cls, tree_size: int, read: HashReader) -> Frontier:
        """Rebuild the frontier of a stored tree with ``popcount(tree_size)`` reads."""
        frontier = cls()
        start = 0
        for level in range(tree_size.bit_length() - 1, -1, -1):
            if tree_size >> level & 1:
                frontier._hashes.append(_checked(read(level, start >> level), level, start))
                start += 1 << level
        frontier._size = tree_size
        return frontier

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    def append(self, leaf: bytes) -> list[StoredHash]:
        """Append one *leaf hash*; return the stored hashes it creates, in sumdb order."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf)}")
        index = self._size
        new = [StoredHash(0, index, leaf)]
        h = leaf
        level = 0
        while index >> level & 1:  # the new leaf completes the subtree to its left
            h = node_hash(self._hashes.pop(), h)
            level += 1
            new.append(StoredHash(level, index >> level, h))
        self._hashes.append(h)
        self._size += 1
        return new

    def extend(self, leaves: Iterable[bytes]) -> list[StoredHash]:
        """Append many leaf hashes; return all the stored hashes they create, in order."""
        out: list[StoredHash] = []
        for leaf in leaves:
            out.extend(self.append(leaf))
        return out

    def root(self) -> bytes:
        """MTH of the tree so far: fold the subtree roots from the right."""
        if not self._hashes:
            return EMPTY_ROOT
        h = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            h = node_hash(left, h)
        return h

    def hashes(self) -> list[bytes]:
        """The subtree roots, largest (leftmost) first."""
        return list(self._hashes)


def _checked(h: bytes, level: int, index: int) -> bytes:
    if len(h) != HASH_SIZE:
        raise LogConsistencyError(f"stored hash ({level}, {index}) is {len(h)} bytes, not 32")
    return h


# --- hashes and proofs from stored hashes --------------------------------------------------------


def subtree_hash(read: HashReader, start: int, end: int) -> bytes:
    """MTH(D[start:end]) from stored hashes, where ``[start, end)`` is a subtree of RFC 9162's
    recursion; a complete aligned subtree is one read, a right edge ``O(log n)`` reads."""
    n = end - start
    if n <= 0:
        raise ValueError(f"empty or negative range [{start}, {end})")
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return _checked(read(level, start >> level), level, start >> level)
    k = _split(n)
    return node_hash(subtree_hash(read, start, start + k), subtree_hash(read, start + k, end))


def root_from_reader(read: HashReader, tree_size: int) -> bytes:
    """MTH of the first ``tree_size`` leaves from stored hashes (``O(log n)`` reads)."""
    if tree_size < 0:
        raise ValueError(f"tree size {tree_size} is negative")
    return EMPTY_ROOT if tree_size == 0 else subtree_hash(read, 0, tree_size)


def inclusion_proof(read: HashReader, index: int, tree_size: int) -> list[bytes]:
    """Audit path ``PATH(index, D[0:tree_size])`` of RFC 9162 §2.1.3.1, leaf side first."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is not in a tree of size {tree_size}")
    path: list[bytes] = []
    start, end = 0, tree_size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_hash(read, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(read, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(read: HashReader, size1: int, size2: int) -> list[bytes]:
    """Consistency proof ``PROOF(size1, D[0:size2])`` of RFC 9162 §2.1.4.1.

    Empty when ``size1`` is 0 or equal to ``size2`` (nothing to prove).
    """
    if not 0 <= size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    if size1 in (0, size2):
        return []
    proof: list[bytes] = []
    start, end, complete = 0, size2, True  # SUBPROOF(m, D[start:end], b)
    while end - start != size1 - start:
        n = end - start
        m = size1 - start
        k = _split(n)
        if m <= k:
            proof.append(subtree_hash(read, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(read, start, start + k))
            start += k
            complete = False
    if not complete:
        proof.append(subtree_hash(read, start, end))
    proof.reverse()
    return proof


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------------------


def _check_hashes(proof: Sequence[bytes], *named: tuple[str, bytes]) -> None:
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise LogConsistencyError(f"proof element {i} is {len(h)} bytes, not {HASH_SIZE}")
    for name, h in named:
        if len(h) != HASH_SIZE:
            raise LogConsistencyError(f"{name} is {len(h)} bytes, not {HASH_SIZE}")


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` (a leaf hash) is at ``index`` in the tree of ``tree_size`` with
    ``root``; RFC 9162 §2.1.3.2. Raises :class:`LogConsistencyError` on any failure."""
    if not 0 <= index < tree_size:
        raise LogConsistencyError(f"leaf index {index} is not in a tree of size {tree_size}")
    _check_hashes(proof, ("leaf hash", leaf), ("root hash", root))
    inner = (index ^ (tree_size - 1)).bit_length()
    expected = inner + (index >> inner).bit_count()
    if len(proof) != expected:
        raise LogConsistencyError(
            f"inclusion proof for leaf {index} of {tree_size} has {len(proof)} hashes, "
            f"not {expected}"
        )
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise LogConsistencyError(f"inclusion proof for leaf {index} of {tree_size} fails")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree ``(size2, root2)`` extends ``(size1, root1)``; RFC 9162 §2.1.4.2.

    Raises :class:`LogConsistencyError` when it does not (a fork or a rollback).
    """
    if size1 < 0 or size2 < size1:
        raise LogConsistencyError(f"tree size went from {size1} back to {size2}")
    _check_hashes(proof, ("first root hash", root1), ("second root hash", root2))
    if size1 == size2:
        if proof:
            raise LogConsistencyError("consistency proof between equal sizes must be empty")
        if root1 != root2:
            raise LogConsistencyError(f"two different root hashes for tree size {size1}")
        return
    if size1 == 0:
        if proof:
            raise LogConsistencyError("consistency proof from the empty tree must be empty")
        return
    shift = (size1 & -size1).bit_length() - 1  # trailing zeros of size1
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length() - shift
    border = ((size1 - 1) >> (inner + shift)).bit_count()
    seeded = size1 == 1 << shift  # size1 is a power of two: root1 is the first node
    expected = inner + border + (0 if seeded else 1)
    if len(proof) != expected:
        raise LogConsistencyError(
            f"consistency proof {size1} -> {size2} has {len(proof)} hashes, not {expected}"
        )
    path = [root1, *proof] if seeded else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise LogConsistencyError(f"consistency proof {size1} -> {size2} is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != root1 or sr != root2:
        raise LogConsistencyError(f"consistency proof {size1} -> {size2} fails")
