"""Tiles and entry bundles of the C2SP tlog-tiles read API, pure.

A tile (C2SP tlog-tiles, "Merkle Tree") at level ``L`` and index ``N`` is the concatenation of
up to 256 stored hashes at *tree* level ``8 * L``, indices ``N * 256 .. N * 256 + W - 1``;
a full tile holds exactly 256 hashes (8,192 bytes), a partial one ``1 <= W <= 255``. Paths::

    tile/<L>/<N>[.p/<W>]            hashes
    tile/entries/<N>[.p/<W>]        entry bundles (the entries of level-0 tile N)

``N`` is written in 3-digit groups, all but the last prefixed with ``x``: 1234067 is
``x001/x234/067`` (the sumdb/tlog encoding). An entry bundle is the concatenation of each
entry's big-endian uint16 length and bytes (tlog-tiles, "Log entries").

The functions take the tile height as a parameter (``TILE_HEIGHT`` = 8 for tlog-tiles) so the
Go sumdb/tlog vectors, which use other heights, can test them. :func:`tile_hash_reader` turns
a tile fetcher into a :data:`~comity.ledger.merkle.HashReader`, which is how a client computes
roots and proofs from tiles alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from comity.errors import LogConsistencyError, NotFound
from comity.ledger.merkle import HASH_SIZE, HashReader, node_hash

__all__ = [
    "ENTRIES_LEVEL",
    "MAX_ENTRY_SIZE",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "Tile",
    "decode_entry_bundle",
    "encode_entry_bundle",
    "new_tiles",
    "parse_tile_path",
    "split_tile",
    "tile_for_size",
    "tile_hash_reader",
    "tiles_for_size",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
ENTRIES_LEVEL = -1
"""The ``level`` of a :class:`Tile` that names an entry bundle (path element ``entries``)."""
MAX_ENTRY_SIZE = 0xFFFF
"""An entry's length must fit the uint16 prefix of an entry bundle."""

_PATH = re.compile(
    r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


@dataclass(frozen=True, slots=True, order=True)
class Tile:
    """One tile: ``level`` (``ENTRIES_LEVEL`` for an entry bundle), index ``n`` and ``width``
    (the number of hashes or entries, ``2**height`` when full)."""

    level: int
    n: int
    width: int
    height: int = TILE_HEIGHT

    def __post_init__(self) -> None:
        if not 1 <= self.height <= 30:
            raise ValueError(f"tile height {self.height} is not in 1..30")
        if not ENTRIES_LEVEL <= self.level <= 63:
            raise ValueError(f"tile level {self.level} is not in 0..63")
        if self.n < 0:
            raise ValueError(f"tile index {self.n} is negative")
        if not 1 <= self.width <= 1 << self.height:
            raise ValueError(f"tile width {self.width} is not in 1..{1 << self.height}")

    @property
    def full(self) -> bool:
        """True for a full tile (``2**height`` wide)."""
        return self.width == 1 << self.height

    @property
    def path(self) -> str:
        """The tlog-tiles path, e.g. ``tile/0/x001/x234/067.p/5`` or ``tile/entries/000``."""
        level = "entries" if self.level == ENTRIES_LEVEL else str(self.level)
        suffix = "" if self.full else f".p/{self.width}"
        return f"tile/{level}/{_encode_index(self.n)}{suffix}"

    @property
    def tree_level(self) -> int:
        """Tree level of the hashes in this tile (0 for entry bundles)."""
        return max(self.level, 0) * self.height

    @property
    def start(self) -> int:
        """Index, at :attr:`tree_level`, of the first hash (or entry) in the tile."""
        return self.n << self.height


def _encode_index(n: int) -> str:
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def parse_tile_path(path: str, *, height: int = TILE_HEIGHT) -> Tile:
    """Parse a tlog-tiles path (without the URL prefix); raise :class:`NotFound` if malformed.

    Only the canonical spelling is accepted (no leading zeros, no ``x`` on the last group, a
    partial width below the full width), so each tile has exactly one path.
    """
    m = _PATH.fullmatch(path)
    if m is None:
        raise NotFound(f"{path!r} is not a tlog-tiles path")
    level_text, index_text, width_text = m.groups()
    level = ENTRIES_LEVEL if level_text == "entries" else int(level_text)
    if level > 63:
        raise NotFound(f"{path!r}: tile level above 63")
    n = int("".join(part.lstrip("x") for part in index_text.split("/")))
    if _encode_index(n) != index_text:
        raise NotFound(f"{path!r}: tile index is not in canonical form")
    full = 1 << height
    width = full if width_text is None else int(width_text)
    if width_text is not None and width >= full:
        raise NotFound(f"{path!r}: partial tile width must be below {full}")
    return Tile(level, n, width, height)


def tile_for_size(level: int, n: int, tree_size: int, *, height: int = TILE_HEIGHT) -> Tile:
    """The tile at ``(level, n)`` as it exists in a tree of ``tree_size`` leaves (full or
    partial); raise :class:`NotFound` if that tree has no such tile."""
    count = tree_size >> (max(level, 0) * height)  # hashes (or entries) at that tree level
    width = min(count - (n << height), 1 << height)
    if width <= 0:
        raise NotFound(f"no tile ({level}, {n}) in a tree of size {tree_size}")
    return Tile(level, n, width, height)


def tiles_for_size(tree_size: int, *, height: int = TILE_HEIGHT) -> list[Tile]:
    """Every hash tile of a tree of ``tree_size`` leaves (tlog-tiles, "Partial Tiles")."""
    return new_tiles(0, tree_size, height=height)


def new_tiles(old_size: int, new_size: int, *, height: int = TILE_HEIGHT) -> list[Tile]:
    """Hash tiles that growing a tree from ``old_size`` to ``new_size`` creates or widens
    (the set sumdb/tlog ``NewTiles`` returns), level by level."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot grow a tree from {old_size} to {new_size}")
    tiles: list[Tile] = []
    level = 0
    while new_size >> (height * level) > 0:
        old_n = old_size >> (height * level)
        new_n = new_size >> (height * level)
        if old_n != new_n:
            for n in range(old_n >> height, new_n >> height):
                tiles.append(Tile(level, n, 1 << height, height))
            last = new_n >> height
            width = new_n - (last << height)
            if width > 0:
                tiles.append(Tile(level, last, width, height))
        level += 1
    return tiles


# --- entry bundles --------------------------------------------------------------------------------


def encode_entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Entry bundle: each entry as a big-endian uint16 length then its bytes."""
    out = bytearray()
    for i, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(f"entry {i} is {len(entry)} bytes, above {MAX_ENTRY_SIZE}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_entry_bundle(bundle: bytes, *, expected: int | None = None) -> list[bytes]:
    """Split an entry bundle; raise :class:`LogConsistencyError` if it is truncated or does
    not hold ``expected`` entries."""
    entries: list[bytes] = []
    i = 0
    view = memoryview(bundle)
    while i < len(bundle):
        if i + 2 > len(bundle):
            raise LogConsistencyError(f"entry bundle truncated in a length prefix at byte {i}")
        size = int.from_bytes(view[i : i + 2], "big")
        if i + 2 + size > len(bundle):
            raise LogConsistencyError(f"entry bundle truncated in entry {len(entries)}")
        entries.append(bytes(view[i + 2 : i + 2 + size]))
        i += 2 + size
    if expected is not None and len(entries) != expected:
        raise LogConsistencyError(
            f"entry bundle holds {len(entries)} entries, not the {expected} expected"
        )
    return entries


# --- tiles as a hash reader ----------------------------------------------------------------


def split_tile(data: bytes, tile: Tile) -> list[bytes]:
    """The hashes of a fetched tile; raise :class:`LogConsistencyError` on a wrong size."""
    if len(data) != tile.width * HASH_SIZE:
        raise LogConsistencyError(f"{tile.path} is {len(data)} bytes, not {tile.width * HASH_SIZE}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def tile_hash_reader(
    fetch: Callable[[str], bytes], tree_size: int, *, height: int = TILE_HEIGHT
) -> HashReader:
    """A :data:`HashReader` over a tree of ``tree_size`` served as tiles by ``fetch(path)``.

    A stored hash at tree level ``l`` lives in the tile at level ``l // height``; when ``l`` is
    not a multiple of the height it is rebuilt from ``2**(l % height)`` hashes of that tile.
    Fetched tiles are cached. The hashes are *not* authenticated here: a root or proof
    computed from them must be checked against a signed checkpoint.
    """
    cache: dict[tuple[int, int], list[bytes]] = {}

    def tile_hashes(level: int, n: int) -> list[bytes]:
        key = (level, n)
        if key not in cache:
            tile = tile_for_size(level, n, tree_size, height=height)
            cache[key] = split_tile(fetch(tile.path), tile)
        return cache[key]

    def read(level: int, index: int) -> bytes:
        tile_level, rest = divmod(level, height)
        first = index << rest  # first hash at the tile's tree level
        hashes = tile_hashes(tile_level, first >> height)
        offset = first & ((1 << height) - 1)
        if offset + (1 << rest) > len(hashes):
            raise NotFound(f"stored hash ({level}, {index}) is not in a tree of {tree_size}")
        return _perfect_root(hashes[offset : offset + (1 << rest)])

    return read


def _perfect_root(hashes: Sequence[bytes]) -> bytes:
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]
