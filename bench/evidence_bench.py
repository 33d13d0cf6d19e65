"""Benchmark sealing, verifying and opening evidence against age, openssl, dc3dd and ewfacquire.

    .venv/bin/python bench/evidence_bench.py [--sizes 1,4] [--repeat 3] [--dir /tmp]

For each size (GiB) a file of random bytes is written to ``--dir`` and every tool runs on the
same file, each in a fresh process, side by side in the same run. Wall time is measured around
the process; peak resident memory is the child's ``ru_maxrss`` from ``wait4``. The median of
``--repeat`` runs is reported. ``comity evidence seal`` flushes the package to disk (fsync), so
``age`` encryption is measured both alone and followed by ``sync FILE`` (the same durability).
The page cache is warm (the input was just written), dirty pages are flushed before each
run, and peak RSS comes from GNU time (Debian ``time``). All files are deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIB = 1 << 30
PY = sys.executable


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (seconds, peak RSS in MiB). Fail loudly on a non-zero exit.

    Dirty pages of earlier runs are flushed first (``sync``) so they do not slow this one.
    Peak RSS comes from GNU time's ``%M``: a child forked from this Python process would
    otherwise inherit the parent's high-water mark.
    """
    os.sync()
    timed = ["/usr/bin/time", "-f", "%M", *cmd]
    start = time.perf_counter()
    proc = subprocess.run(timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    err = proc.stderr.decode().strip().splitlines()
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed: {' '.join(err[-3:])}")
    return seconds, int(err[-1]) / 1024


def make_input(path: Path, size: int) -> None:
    with path.open("wb") as out:
        for _ in range(size // (1 << 20)):
            out.write(os.urandom(1 << 20))


def bench_size(work: Path, gib: int, repeat: int) -> list[tuple[str, float, float]]:
    src = work / f"input-{gib}g.bin"
    make_input(src, gib * GIB)
    comity = [PY, "-m", "comity"]
    keys = work / "keys"
    if not keys.exists():
        run([*comity, "keys", "new", "producer", "-o", str(keys)], work)
        run([*comity, "keys", "new", "recipient", "-o", str(keys)], work)
    recipient = next(
        line.split(": ")[1]
        for line in (keys / "recipient.identity").read_text().splitlines()
        if line.startswith("# public key")
    )
    identity = str(keys / "recipient.identity")
    pkg = work / "p.age"

    def clean() -> None:
        for path in work.iterdir():
            if path.name.startswith(("p.age", "out", "a.", "dd.", "ewf")):
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    seal = [*comity, "evidence", "seal", str(src), "--request", "BENCH", "--to",
            str(keys / "recipient.pub.json"), "--sign-key", str(keys / "producer.signing-key"),
            "-o", str(pkg)]  # fmt: skip
    cases: list[tuple[str, list[str], bool]] = [
        ("openssl dgst -sha256", ["openssl", "dgst", "-sha256", str(src)], False),
        ("age encrypt", ["age", "-r", recipient, "-o", "a.age", str(src)], False),
        ("age encrypt + sync", ["sh", "-c", f'age -r {recipient} -o a.age "{src}" && sync a.age'],
         False),
        ("comity seal (hash+encrypt+sign+fsync)", seal, False),
        ("age decrypt", ["age", "-d", "-i", identity, "-o", "a.out", "p.age"], True),
        ("comity verify --identity", [*comity, "evidence", "verify", "p.age", "--identity",
                                      identity], True),
        ("comity verify (receipt only)", [*comity, "evidence", "verify", "p.age"], True),
        ("comity open", [*comity, "evidence", "open", "p.age", "--identity", identity,
                         "-o", "out"], True),
    ]  # fmt: skip
    if shutil.which("dc3dd"):
        cases.append(("dc3dd copy + sha256", ["dc3dd", f"if={src}", "hof=dd.out",
                                              "hash=sha256", "log=dd.log"], False))  # fmt: skip
    if shutil.which("ewfacquire"):
        cases.append(("ewfacquire (no compression) + sha256", ["ewfacquire", "-u", "-q",
                      "-t", "ewf", "-c", "none", "-d", "sha256", str(src)], False))  # fmt: skip
    results = []
    for name, cmd, needs_package in cases:
        times, rss = [], []
        for _ in range(repeat):
            clean()
            if needs_package:
                run(seal, work)
                for path in list(work.iterdir()):
                    if path.name.startswith(("a.", "out")):
                        path.unlink()
            seconds, peak = run(cmd, work)
            times.append(seconds)
            rss.append(peak)
        results.append((name, statistics.median(times), max(rss)))
        print(f"{gib} GiB  {name:<40} {statistics.median(times):7.2f} s  {max(rss):7.1f} MiB",
              flush=True)  # fmt: skip
    clean()
    src.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="comma-separated sizes in GiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="comity-evidence-bench-", dir=args.dir) as tmp:
        work = Path(tmp)
        table = []
        for gib in (int(s) for s in args.sizes.split(",")):
            for name, seconds, rss in bench_size(work, gib, args.repeat):
                table.append((gib, name, seconds, rss))
    print("\n| size | tool | time (s) | throughput (MB/s) | peak RSS (MiB) |")
    print("|---|---|---|---|---|")
    for gib, name, seconds, rss in table:
        rate = gib * GIB / seconds / 1e6
        print(f"| {gib} GiB | {name} | {seconds:.2f} | {rate:.0f} | {rss:.0f} |")
    by = {(g, n): s for g, n, s, _ in table}
    print()
    for gib in sorted({g for g, *_ in table}):
        seal = by[(gib, "comity seal (hash+encrypt+sign+fsync)")]
        opened = by[(gib, "comity open")]
        print(f"{gib} GiB: seal / age encrypt = {seal / by[(gib, 'age encrypt')]:.2f}; "
              f"seal / (age encrypt + sync) = {seal / by[(gib, 'age encrypt + sync')]:.2f}; "
              f"open / age decrypt = {opened / by[(gib, 'age decrypt')]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
