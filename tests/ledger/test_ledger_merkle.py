"""RFC 9162 / RFC 6962 maths against the published Certificate Transparency vectors
(transparency-dev/merkle testonly/constants.go and proof/verify_test.go), plus properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.errors import LogConsistencyError
from comity.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_reader,
    root_of,
    split_stored_hash_index,
    stored_hash_count,
    stored_hash_index,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex
LEAVES = [
    h(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    h(x)
    for x in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
NODE_HASHES = [
    [h(x) for x in level]
    for level in [
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        [
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    ]
]
# (leaf index, tree size, proof) from proof/verify_test.go (its leaf numbers are one-based).
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


class Stored:
    """All stored hashes of a tree, built with the Frontier, as a counting HashReader."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        self.levels: dict[tuple[int, int], bytes] = {}
        self.reads = 0
        frontier = Frontier()
        for leaf in leaf_hashes:
            for s in frontier.append(leaf):
                self.levels[(s.level, s.index)] = s.hash

    def __call__(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.levels[(level, index)]


def reference_mth(leaf_hashes: list[bytes]) -> bytes:
    """MTH written straight from RFC 9162 §2.1.1, recursively."""
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256().digest()
    if n == 1:
        return leaf_hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(reference_mth(leaf_hashes[:k]), reference_mth(leaf_hashes[k:]))


class TestVectors:
    def test_roots_for_every_size(self):
        hashes = [leaf_hash(x) for x in LEAVES]
        for size, root in enumerate(ROOTS):
            assert root_of(hashes[:size]) == root
            assert root_from_reader(Stored(hashes), size) == root
        assert ROOTS[0] == EMPTY_ROOT

    def test_stored_hashes_are_the_complete_subtrees(self):
        stored = Stored([leaf_hash(x) for x in LEAVES])
        for level, hashes in enumerate(NODE_HASHES):
            for index, expected in enumerate(hashes):
                assert stored.levels[(level, index)] == expected
        assert len(stored.levels) == stored_hash_count(8) == 15

    def test_frontier_matches_compact_trees(self):
        frontier = Frontier()
        nh = NODE_HASHES
        expected = [
            [nh[0][0]],
            [nh[1][0]],
            [nh[1][0], nh[0][2]],
            [nh[2][0]],
            [nh[2][0], nh[0][4]],
            [nh[2][0], nh[1][2]],
            [nh[2][0], nh[1][2], nh[0][6]],
            [nh[3][0]],
        ]
        for leaf, compact in zip(LEAVES, expected, strict=True):
            frontier.append(leaf_hash(leaf))
            assert frontier.hashes() == compact

    @pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
    def test_inclusion(self, index, size, proof):
        hashes = [leaf_hash(x) for x in LEAVES]
        path = [h(p) for p in proof]
        assert inclusion_proof(Stored(hashes), index, size) == path
        verify_inclusion(hashes[index], index, size, path, ROOTS[size])

    @pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
    def test_consistency(self, size1, size2, proof):
        path = [h(p) for p in proof]
        assert consistency_proof(Stored([leaf_hash(x) for x in LEAVES]), size1, size2) == path
        verify_consistency(size1, size2, path, ROOTS[size1], ROOTS[size2])


def inclusion_probes(index, size, proof, root, leaf):
    """The corruptions of transparency-dev's corruptInclusionProof; none may verify."""
    probes = [
        (index - 1, size, root, leaf, proof),
        (index + 1, size, root, leaf, proof),
        (index ^ 2, size, root, leaf, proof),
        (index, size * 2, root, leaf, proof),
        (index, size // 2, root, leaf, proof),
        (index, size, root, b"WrongLeaf", proof),
        (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root, leaf, [*proof, b""]),
        (index, size, root, leaf, [*proof, root]),
        (index, size, root, leaf, [b"", *proof]),
        (index, size, root, leaf, [root, *proof]),
    ]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        probes.append((index, size, root, leaf, bad))
    if proof:
        probes.append((index, size, root, leaf, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION[:4])
def test_corrupted_inclusion_proofs_fail(index, size, proof):
    leaf = leaf_hash(LEAVES[index])
    for i, s, root, lf, p in inclusion_probes(
        index, size, [h(x) for x in proof], ROOTS[size], leaf
    ):
        with pytest.raises(LogConsistencyError):
            verify_inclusion(lf, i, s, p, root)


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(size1, size2, proof):
    p = [h(x) for x in proof]
    r1, r2 = ROOTS[size1], ROOTS[size2]
    probes = [
        (size1 - 1, size2, r1, r2, p),
        (size1 + 1, size2, r1, r2, p),
        (size1 ^ 2, size2, r1, r2, p),
        (size1, size2 * 2, r1, r2, p),
        (size1, size2 // 2, r1, r2, p),
        (size1, size2, b"WrongRoot", r2, p),
        (size1, size2, r1, b"WrongRoot", p),
        (size1, size2, r2, r1, p),
        (size1, size2, r1, r2, []),
        (size1, size2, r1, r2, [*p, b""]),
        (size1, size2, r1, r2, [*p, r1]),
        (size1, size2, r1, r2, [*p, r2]),
        (size1, size2, r1, r2, [b"", *p]),
        (size1, size2, r1, r2, [r1, *p]),
        (size1, size2, r1, r2, [r2, *p]),
        (size1, size2, r1, r2, [p[0], *p]),
        (size1, size2, r1, r2, p[:-1]),
    ]
    for i in range(len(p)):
        bad = list(p)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes.append((size1, size2, r1, r2, bad))
    for s1, s2, a, b, pr in probes:
        with pytest.raises(LogConsistencyError):
            verify_consistency(s1, s2, pr, a, b)


def test_trivial_consistency_cases_of_the_reference_tests():
    e = EMPTY_ROOT
    verify_consistency(0, 0, [], e, e)
    verify_consistency(0, 1, [], e, ROOTS[1])
    verify_consistency(1, 1, [], ROOTS[1], ROOTS[1])
    for s1, s2, r1, r2, p in [
        (0, 0, e, ROOTS[1], []),
        (1, 1, e, ROOTS[1], []),
        (1, 0, e, e, []),
        (2, 1, e, e, []),
        (1, 2, ROOTS[1], ROOTS[2], []),
        (0, 0, e, e, [e]),
        (0, 1, e, e, [e]),
        (1, 1, e, e, [e]),
    ]:
        with pytest.raises(LogConsistencyError):
            verify_consistency(s1, s2, p, r1, r2)


def test_inclusion_rejects_out_of_range_and_wrong_sizes():
    for index, size in [(0, 0), (1, 1), (2, 1)]:
        with pytest.raises(LogConsistencyError):
            verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)
    with pytest.raises(LogConsistencyError):
        verify_inclusion(b"", 0, 1, [], b"")


class TestStoredHashLayout:
    def test_index_round_trips(self):
        for level in range(10):
            for n in range(100):
                assert split_stored_hash_index(stored_hash_index(level, n)) == (level, n)

    def test_frontier_emits_hashes_in_stored_order(self):
        frontier = Frontier()
        position = 0
        for i in range(300):
            for s in frontier.append(leaf_hash(i.to_bytes(2, "big"))):
                assert stored_hash_index(s.level, s.index) == position
                position += 1
            assert stored_hash_count(i + 1) == position

    def test_frontier_rebuilds_from_stored_hashes(self):
        stored = Stored([leaf_hash(bytes([i])) for i in range(77)])
        rebuilt = Frontier.from_reader(77, stored)
        assert rebuilt.size == 77
        assert rebuilt.root() == root_of([leaf_hash(bytes([i])) for i in range(77)])
        assert stored.reads == bin(77).count("1")

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="negative"):
            stored_hash_index(-1, 0)
        with pytest.raises(ValueError, match="negative"):
            split_stored_hash_index(-1)
        with pytest.raises(ValueError, match="32 bytes"):
            Frontier().append(b"short")
        with pytest.raises(ValueError, match="not in a tree"):
            inclusion_proof(Stored([]), 0, 0)
        with pytest.raises(ValueError, match="no consistency proof"):
            consistency_proof(Stored([]), 2, 1)


def test_proofs_read_logarithmically_many_hashes():
    stored = Stored([leaf_hash(i.to_bytes(4, "big")) for i in range(1000)])
    stored.reads = 0
    inclusion_proof(stored, 999, 1000)
    assert stored.reads <= 2 * 10
    stored.reads = 0
    consistency_proof(stored, 333, 1000)
    assert stored.reads <= 2 * 10


SHAPES = st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 64, 65, 100])


@settings(max_examples=40, deadline=None)
@given(size=st.one_of(SHAPES, st.integers(1, 140)), data=st.data())
def test_every_leaf_is_provably_included(size, data):
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    stored = Stored(hashes)
    root = reference_mth(hashes)
    assert root_from_reader(stored, size) == root
    for index in {0, size - 1, data.draw(st.integers(0, size - 1))}:
        verify_inclusion(hashes[index], index, size, inclusion_proof(stored, index, size), root)


@settings(max_examples=40, deadline=None)
@given(size2=st.one_of(SHAPES, st.integers(1, 140)), data=st.data())
def test_any_two_sizes_are_consistent(size2, data):
    size1 = data.draw(st.integers(0, size2))
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size2)]
    stored = Stored(hashes)
    proof = consistency_proof(stored, size1, size2)
    verify_consistency(size1, size2, proof, reference_mth(hashes[:size1]), reference_mth(hashes))
    if 0 < size1 < size2:
        with pytest.raises(LogConsistencyError):
            verify_consistency(
                size1,
                size2,
                proof,
                reference_mth([*hashes[: size1 - 1], SOME_HASH]),
                reference_mth(hashes),
            )
