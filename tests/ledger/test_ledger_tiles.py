"""tlog-tiles paths, tile sets and entry bundles, with the sumdb/tlog vectors."""

from __future__ import annotations

import pytest

from comity.errors import LogConsistencyError, NotFound
from comity.ledger.merkle import (
    Frontier,
    inclusion_proof,
    leaf_hash,
    root_from_reader,
    root_of,
    verify_inclusion,
)
from comity.ledger.tiles import (
    ENTRIES_LEVEL,
    Tile,
    decode_entry_bundle,
    encode_entry_bundle,
    new_tiles,
    parse_tile_path,
    tile_for_size,
    tile_hash_reader,
    tiles_for_size,
)

# golang.org/x/mod/sumdb/tlog tile_test.go: (path, height, level, n, width); the sumdb paths
# carry the height as their first element, tlog-tiles fixes it at 8 and drops it.
SUMDB_PATHS = [
    ("tile/4/0/001", 4, 0, 1, 16),
    ("tile/4/0/001.p/5", 4, 0, 1, 5),
    ("tile/3/5/x123/x456/078", 3, 5, 123456078, 8),
    ("tile/3/5/x123/x456/078.p/2", 3, 5, 123456078, 2),
    ("tile/1/0/x003/x057/500", 1, 0, 3057500, 2),
]


@pytest.mark.parametrize(("sumdb", "height", "level", "n", "width"), SUMDB_PATHS)
def test_sumdb_tile_paths(sumdb, height, level, n, width):
    path = "tile/" + sumdb.split("/", 2)[2]  # drop the height element
    tile = Tile(level, n, width, height)
    assert tile.path == path
    assert parse_tile_path(path, height=height) == tile


def test_spec_examples():
    assert Tile(0, 1234067, 256).path == "tile/0/x001/x234/067"
    assert Tile(ENTRIES_LEVEL, 0, 3).path == "tile/entries/000.p/3"
    assert parse_tile_path("tile/entries/x001/000") == Tile(ENTRIES_LEVEL, 1000, 256)
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    # tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    # partial level 2 tile of width 1"
    tiles = tiles_for_size(70_000)
    assert sum(t.level == 0 and t.full for t in tiles) == 273
    assert Tile(0, 273, 112) in tiles
    assert Tile(1, 0, 256) in tiles
    assert Tile(1, 1, 17) in tiles
    assert Tile(2, 0, 1) in tiles
    assert len(tiles) == 277
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
    # tile of width 1"
    assert tiles_for_size(256) == [Tile(0, 0, 256), Tile(1, 0, 1)]


@pytest.mark.parametrize(
    "path",
    [
        "tile/3/5/123/456/078",
        "tile/3/-1/123/456/078",
        "tile/0/1",
        "tile/0/0001",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/64/000",
        "tile/00/000",
        "tile/0/x000/001",
        "tile/data/000",
        "checkpoint",
        "tile/0/000/",
    ],
)
def test_malformed_paths_are_refused(path):
    with pytest.raises(NotFound):
        parse_tile_path(path)


@pytest.mark.parametrize(
    ("old", "new", "count"),
    [
        (1, 1, 0),
        (100, 101, 1),
        (1023, 1025, 3),
        (1024, 1030, 1),
        (1030, 2000, 1),
        (1030, 10000, 10),
        (49516517, 49516586, 3),
    ],
)
def test_sumdb_new_tiles_counts(old, new, count):
    assert len(new_tiles(old, new, height=10)) == count


def test_tile_for_size():
    assert tile_for_size(0, 0, 300) == Tile(0, 0, 256)
    assert tile_for_size(0, 1, 300) == Tile(0, 1, 44)
    assert tile_for_size(1, 0, 300) == Tile(1, 0, 1)
    with pytest.raises(NotFound):
        tile_for_size(0, 2, 300)
    with pytest.raises(ValueError, match="width"):
        Tile(0, 0, 0)
    with pytest.raises(ValueError, match="cannot grow"):
        new_tiles(5, 4)


def test_entry_bundles():
    entries = [b"", b"a", b"x" * 300]
    bundle = encode_entry_bundle(entries)
    assert bundle[:5] == b"\x00\x00\x00\x01a"
    assert decode_entry_bundle(bundle, expected=3) == entries
    with pytest.raises(LogConsistencyError, match="truncated"):
        decode_entry_bundle(bundle[:-1])
    with pytest.raises(LogConsistencyError, match="length prefix"):
        decode_entry_bundle(b"\x00")
    with pytest.raises(LogConsistencyError, match="not the 2 expected"):
        decode_entry_bundle(bundle, expected=2)
    with pytest.raises(ValueError, match="above 65535"):
        encode_entry_bundle([b"\x00" * 65536])


def _serve(size: int, height: int):
    """Serve the tiles of a tree of ``size`` leaves from its stored hashes."""
    levels: dict[int, list[bytes]] = {}
    frontier = Frontier()
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    for leaf in hashes:
        for s in frontier.append(leaf):
            levels.setdefault(s.level, []).append(s.hash)
    fetched: list[str] = []

    def fetch(path: str) -> bytes:
        fetched.append(path)
        tile = parse_tile_path(path, height=height)
        return b"".join(levels[tile.tree_level][tile.start : tile.start + tile.width])

    return hashes, fetch, fetched


@pytest.mark.parametrize("height", [2, 8])
@pytest.mark.parametrize("size", [1, 5, 255, 256, 257, 1000])
def test_roots_and_proofs_from_tiles(size, height):
    hashes, fetch, fetched = _serve(size, height)
    read = tile_hash_reader(fetch, size, height=height)
    root = root_of(hashes)
    assert root_from_reader(read, size) == root
    for index in {0, size // 2, size - 1}:
        verify_inclusion(hashes[index], index, size, inclusion_proof(read, index, size), root)
    assert len(set(fetched)) == len(fetched)  # every tile fetched once (cached)


def test_tile_of_wrong_size_is_refused():
    read = tile_hash_reader(lambda path: b"\x00" * 31, 1)
    with pytest.raises(LogConsistencyError, match="not 32"):
        read(0, 0)
