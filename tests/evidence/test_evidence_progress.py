"""Long evidence runs show a progress bar on a terminal, and write none into a pipe or a log.

The commands run as a user runs them: in a child process whose standard error is a
pseudo-terminal (or a pipe), on an item just large enough to get a bar.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from comity.cli.evidence import PROGRESS_THRESHOLD

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def comity(args: list[str], cwd: Path, *, terminal: bool) -> str:
    """Run ``comity ARGS``; return what it wrote to standard error."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    cmd = [sys.executable, "-m", "comity", *args]
    if not terminal:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()
        return done.stderr.decode()
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    seen = bytearray()
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        seen += data
    os.close(leader)
    assert child.wait() == 0, seen.decode(errors="replace")
    assert child.stdout is not None
    child.stdout.close()
    return seen.decode(errors="replace")


@pytest.fixture
def large(tmp_path: Path) -> Path:
    """Keys, and an item of exactly the size that earns a progress bar (sparse: quick to read)."""
    for name in ("producer", "recipient"):
        subprocess.run(
            [sys.executable, "-m", "comity", "keys", "new", name, "-o", "keys"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
    with (tmp_path / "disk.img").open("wb") as image:
        image.truncate(PROGRESS_THRESHOLD)
    return tmp_path


def seal_args(output: str) -> list[str]:
    return [
        "evidence", "seal", "disk.img", "--request", "MX-2026-000123",
        "--to", "keys/recipient.pub.json", "--sign-key", "keys/producer.signing-key",
        "-o", output,
    ]  # fmt: skip


def test_a_terminal_gets_a_bar_for_seal_verify_and_open(large: Path) -> None:
    assert "sealing" in comity(seal_args("p.age"), large, terminal=True)
    identity = ["--identity", "keys/recipient.identity"]
    assert "hashing" in comity(["evidence", "verify", "p.age"], large, terminal=True)
    verifying = comity(["evidence", "verify", "p.age", *identity], large, terminal=True)
    assert "verifying" in verifying
    opening = comity(["evidence", "open", "p.age", *identity, "-o", "out"], large, terminal=True)
    assert "opening" in opening
    assert (large / "out" / "items" / "disk.img").stat().st_size == PROGRESS_THRESHOLD


def test_a_pipe_gets_no_bar(large: Path) -> None:
    assert comity(seal_args("p.age"), large, terminal=False) == ""
    identity = ["--identity", "keys/recipient.identity"]
    assert comity(["evidence", "verify", "p.age", *identity], large, terminal=False) == ""


def test_a_small_run_gets_no_bar_even_on_a_terminal(large: Path) -> None:
    (large / "note.txt").write_text("a short note\n")
    args = seal_args("small.age")
    args[args.index("disk.img")] = "note.txt"
    assert "sealing" not in comity(args, large, terminal=True)
