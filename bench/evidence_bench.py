"""Benchmark sealing, verifying and opening evidence against age, openssl, dc3dd and ewfacquire.

    .venv/bin/python bench/evidence_bench.py [--sizes 1,4] [--repeat 3] [--dir /tmp]

For each size (GiB) a file of random bytes is written to ``--dir`` and every tool runs on the
same file, each in a fresh process, side by side in the same run. Wall time is measured around
the process; the median of ``--repeat`` runs is reported. ``comity evidence seal`` flushes the
package to disk (fsync), so ``age`` encryption is measured both alone and followed by
``sync FILE`` (the same durability).
The page cache is warm (the input was just written), dirty pages are flushed before each
run, and peak RSS comes from GNU time (Debian ``time``). Comity runs as installed, with its
bytecode cached by an untimed warm-up. Tools take turns (round-robin), and freed memory stays
in the VM while the bench runs (see ``PAGE_REPORTING``). All files are deleted at the end.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GIB = 1 << 30
PY = sys.executable
#: The children run as an installed command does: with bytecode caches (a shell that sets
#: PYTHONDONTWRITEBYTECODE would otherwise make every run compile Comity and its libraries).
SEAL = "comity seal (hash+encrypt+sign+fsync)"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds, peak RSS in MiB). Fail on a non-zero exit.

    Dirty pages of earlier runs are flushed first (``sync``) so they do not slow this one.
    CPU time (user + system) and peak RSS come from GNU time: a child forked from this Python
    process would otherwise inherit the parent's high-water mark.
    """
    os.sync()
    timed = ["/usr/bin/time", "-f", "%U %S %M", *cmd]
    start = time.perf_counter()
    proc = subprocess.run(
        timed, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - start
    err = proc.stderr.decode().strip().splitlines()
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed: {' '.join(err[-3:])}")
    user, system, rss = err[-1].split()
    return seconds, float(user) + float(system), int(rss) / 1024


#: Free page reporting (Linux ``page_reporting``): a VM hands freed memory back to its host
#: after ``min_free_ms``; the next write into it then costs about 1 s per GiB of first-touch
#: faults, falling at random on whichever tool runs next. The bench holds freed memory for a
#: minute while it runs, and restores the setting afterwards.
PAGE_REPORTING = Path("/sys/module/page_reporting/parameters/min_free_ms")


@contextmanager
def freed_memory_kept() -> Iterator[str]:
    """Keep freed memory in the VM while the bench runs; yield what was done, for the report."""
    try:
        before = PAGE_REPORTING.read_text().strip()
        PAGE_REPORTING.write_text("60000")
    except OSError:
        yield "free page reporting: not available or not writable here, left as it is"
        return
    try:
        yield f"free page reporting: min_free_ms 60000 during the run (was {before})"
    finally:
        PAGE_REPORTING.write_text(before)


def make_input(path: Path, size: int) -> None:
    with path.open("wb") as out:
        for _ in range(size // (1 << 20)):
            out.write(os.urandom(1 << 20))


def warm_up(work: Path, seal: list[str], identity: str) -> None:
    """Seal, verify and open a small file once, untimed, so bytecode caches exist."""
    small = work / "warm.bin"
    small.write_bytes(os.urandom(4096))
    cmd = [str(small) if part.endswith(".bin") else part for part in seal]
    cmd[cmd.index("-o") + 1] = "warm.age"
    run(cmd, work)
    run([PY, "-m", "comity", "evidence", "verify", "warm.age", "--identity", identity], work)
    run([PY, "-m", "comity", "evidence", "open", "warm.age", "--identity", identity,
         "-o", "warm.out"], work)  # fmt: skip
    for path in work.iterdir():
        if path.name.startswith("warm"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def bench_size(
    work: Path, gib: int, repeat: int, only: list[str]
) -> list[tuple[str, float, float, float]]:
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
    warm_up(work, seal, identity)
    cases: list[tuple[str, list[str], bool]] = [
        ("openssl dgst -sha256", ["openssl", "dgst", "-sha256", str(src)], False),
        ("age encrypt", ["age", "-r", recipient, "-o", "a.age", str(src)], False),
        ("age encrypt + sync", ["sh", "-c", f'age -r {recipient} -o a.age "{src}" && sync a.age'],
         False),
        (SEAL, seal, False),
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
    cases = [case for case in cases if not only or any(word in case[0] for word in only)]
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name, *_ in cases}
    # Round-robin: each repeat runs every tool once, so that a slow spell of the shared machine
    # falls on all of them rather than on one tool's runs.
    for _ in range(repeat):
        for name, cmd, needs_package in cases:
            clean()
            if needs_package:
                run(seal, work)
            samples[name].append(run(cmd, work))
    results = []
    for name, runs in samples.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        results.append((name, wall, cpu, rss))
        print(f"{gib} GiB  {name:<40} {wall:7.2f} s  cpu {cpu:6.2f} s  {rss:7.1f} MiB "
              f"(wall {', '.join(f'{r[0]:.2f}' for r in runs)})", flush=True)  # fmt: skip
    clean()
    src.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="comma-separated sizes in GiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--only", default="", help="comma-separated words: run only tools named so")
    args = parser.parse_args()
    only = [word for word in args.only.split(",") if word]
    with (
        freed_memory_kept() as memory_note,
        tempfile.TemporaryDirectory(prefix="comity-evidence-bench-", dir=args.dir) as tmp,
    ):
        print(memory_note, flush=True)
        work = Path(tmp)
        table = []
        for gib in (int(s) for s in args.sizes.split(",")):
            for name, seconds, cpu, rss in bench_size(work, gib, args.repeat, only):
                table.append((gib, name, seconds, cpu, rss))
    print("\n| size | tool | time (s) | CPU (s) | throughput (MB/s) | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for gib, name, seconds, cpu, rss in table:
        rate = gib * GIB / seconds / 1e6
        print(f"| {gib} GiB | {name} | {seconds:.2f} | {cpu:.2f} | {rate:.0f} | {rss:.0f} |")
    by = {(g, n): s for g, n, s, *_ in table}
    print()
    for gib in sorted({g for g, *_ in table}):
        ratios = []
        for label, ours, theirs in (
            ("seal / age encrypt", SEAL, "age encrypt"),
            ("seal / (age encrypt + sync)", SEAL, "age encrypt + sync"),
            ("open / age decrypt", "comity open", "age decrypt"),
        ):
            if (gib, ours) in by and (gib, theirs) in by:
                ratios.append(f"{label} = {by[(gib, ours)] / by[(gib, theirs)]:.2f}")
        print(f"{gib} GiB: " + "; ".join(ratios))


if __name__ == "__main__":
    main()
