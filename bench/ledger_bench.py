"""Ledger benchmark: proofs in a 10,000,000-leaf tree, and the auditor's verifier.

Every figure is printed beside raw hashlib SHA-256 over the same inputs in the same run, so the
overhead of the Merkle code is visible. Run from the repository root:

    .venv/bin/python bench/ledger_bench.py [--leaves 10000000] [--verify-leaves 200000]

The stored hashes of the big tree are built level by level in one bytearray per level (about
640 MB for 10M leaves) with hashlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time

from comity.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    root_from_reader,
    verify_consistency,
    verify_inclusion,
)
from comity.ledger.note import Ed25519Signer
from comity.ledger.store import InMemoryLogStore, Log
from comity.ledger.verify import verify_log


def build_levels(n: int) -> tuple[list[bytearray], float, float]:
    """All stored hashes of an n-leaf tree; returns (levels, leaf seconds, node seconds)."""
    sha = hashlib.sha256
    t0 = time.perf_counter()
    level0 = bytearray()
    for i in range(n):
        level0 += sha(b"\x00" + i.to_bytes(8, "big")).digest()
    t1 = time.perf_counter()
    levels = [level0]
    while len(levels[-1]) >= 64:
        below = levels[-1]
        above = bytearray()
        for off in range(0, len(below) - 63, 64):
            above += sha(b"\x01" + below[off : off + 64]).digest()
        levels.append(above)
    t2 = time.perf_counter()
    return levels, t1 - t0, t2 - t1


def raw_hashlib(n: int) -> float:
    """Seconds for raw SHA-256 over the same n leaf inputs (no prefix, no storage)."""
    sha = hashlib.sha256
    t0 = time.perf_counter()
    for i in range(n):
        sha(i.to_bytes(8, "big")).digest()
    return time.perf_counter() - t0


def per_op(fn, count: int) -> float:
    t0 = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - t0) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--verify-leaves", type=int, default=200_000)
    parser.add_argument("--proofs", type=int, default=2_000)
    args = parser.parse_args()
    n = args.leaves
    rng = random.Random(42)

    levels, leaf_s, node_s = build_levels(n)
    raw_s = raw_hashlib(n)
    print(
        f"tree of {n:,} leaves: leaf hashes {leaf_s:.1f} s ({n / leaf_s / 1e6:.2f} M/s), "
        f"interior nodes {node_s:.1f} s; raw hashlib SHA-256 over the same leaves "
        f"{raw_s:.1f} s ({n / raw_s / 1e6:.2f} M/s)"
    )

    reads = 0

    def read(level: int, index: int) -> bytes:
        nonlocal reads
        reads += 1
        return bytes(levels[level][index * 32 : index * 32 + 32])

    root = root_from_reader(read, n)
    sha = hashlib.sha256
    one_hash = per_op(lambda: sha(b"\x01" + root + root).digest(), 100_000)

    indices = [rng.randrange(n) for _ in range(args.proofs)]
    proofs = []
    reads = 0
    t0 = time.perf_counter()
    for i in indices:
        proofs.append(inclusion_proof(read, i, n))
    gen = (time.perf_counter() - t0) / len(indices)
    gen_reads = reads / len(indices)
    t0 = time.perf_counter()
    for i, p in zip(indices, proofs, strict=True):
        verify_inclusion(read(0, i), i, n, p, root)
    ver = (time.perf_counter() - t0) / len(indices)
    plen = statistics.mean(len(p) for p in proofs)
    print(
        f"inclusion proof: generate {gen * 1e6:.1f} us ({gen_reads:.1f} reads), verify "
        f"{ver * 1e6:.1f} us ({plen:.1f} hashes); raw hashlib for the same number of node "
        f"hashes {plen * one_hash * 1e6:.1f} us"
    )

    pairs = []
    for _ in range(args.proofs):
        a = rng.randrange(1, n)
        pairs.append((a, rng.randrange(a, n + 1)))
    roots = {s: root_from_reader(read, s) for pair in pairs for s in pair}
    reads = 0
    t0 = time.perf_counter()
    cproofs = [consistency_proof(read, a, b) for a, b in pairs]
    cgen = (time.perf_counter() - t0) / len(pairs)
    creads = reads / len(pairs)
    t0 = time.perf_counter()
    for (a, b), p in zip(pairs, cproofs, strict=True):
        verify_consistency(a, b, p, roots[a], roots[b])
    cver = (time.perf_counter() - t0) / len(pairs)
    clen = statistics.mean(len(p) for p in cproofs)
    print(
        f"consistency proof: generate {cgen * 1e6:.1f} us ({creads:.1f} reads), verify "
        f"{cver * 1e6:.1f} us ({clen:.1f} hashes); raw hashlib for ~2x that many node "
        f"hashes {2 * clen * one_hash * 1e6:.1f} us"
    )
    levels.clear()  # free the big tree before the verifier run

    m = args.verify_leaves
    log = Log(InMemoryLogStore(), Ed25519Signer("bench.example/log", bytes(32)))
    entries = [
        b'{"commitment":"'
        + sha(i.to_bytes(8, "big")).hexdigest().encode()
        + b'","header":{"event":"request.sent","week":"2026-W48"},"v":1}'
        for i in range(m)
    ]
    t0 = time.perf_counter()
    for start in range(0, m, 4096):
        log.append(entries[start : start + 4096])
    seq = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = verify_log(log.read_path, log.signer.verifier.vkey)
    full = time.perf_counter() - t0
    t0 = time.perf_counter()
    verify_log(log.read_path, log.signer.verifier.vkey, full=False)
    light = time.perf_counter() - t0
    t0 = time.perf_counter()
    for e in entries:
        sha(e).digest()
    raw = time.perf_counter() - t0
    assert result.entries_checked == m
    print(
        f"log of {m:,} entries (~{len(entries[0])} B): sequencer (batches of 4096, in memory) "
        f"{m / seq:,.0f} entries/s; verifier full {m / full:,.0f} leaves/s; light (root from "
        f"O(log n) tiles) {light * 1e3:.1f} ms; raw hashlib over the same entries "
        f"{m / raw:,.0f} /s"
    )


if __name__ == "__main__":
    main()
