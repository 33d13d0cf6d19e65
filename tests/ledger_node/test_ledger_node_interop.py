"""An independent tlog client reads and verifies the node's log given only its URL and key.

The client is ``tests/interop/tlogclient/main.go``: Go's standard library and
``golang.org/x/mod/sumdb/{note,tlog}`` (Debian: ``golang-go``, ``golang-golang-x-mod-dev``),
none of Comity's code. It verifies the checkpoint signature with ``note.Open``, computes the
tree hash from tiles with ``tlog.TileHashReader``/``tlog.TreeHash`` and checks every entry's
inclusion with ``tlog.ProveRecord``/``tlog.CheckRecord``. Skipped with a reason when Go or
x/mod is missing, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ledger_node_helpers import NODE_NAME, live_server, record_events

from comity.ledger.checkpoint import open_checkpoint
from comity.ledger.note import Ed25519Signer
from comity.services.sequencer import sequence_pending
from comity.storage.models import log_hashes

CLIENT_SOURCE = Path(__file__).parents[1] / "interop" / "tlogclient"
GOPATH = Path("/usr/share/gocode")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the interoperability test must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tlog_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go client, built with Debian's Go and x/mod in GOPATH mode, once for all workers
    (the first one builds under a lock, the others reuse its binary)."""
    go = shutil.which("go")
    if go is None:
        _unavailable("the Go toolchain is not installed (Debian: golang-go)")
    if not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        _unavailable(f"golang.org/x/mod is not under {GOPATH} (Debian: golang-golang-x-mod-dev)")
    digest = hashlib.sha256((CLIENT_SOURCE / "main.go").read_bytes()).hexdigest()[:16]
    out = tmp_path_factory.getbasetemp().parent / f"tlogclient-{digest}"
    out.mkdir(exist_ok=True)
    binary = out / "tlogclient"
    with (out / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            _build(go, out, binary)
    return binary


def _build(go: str, out: Path, binary: Path) -> None:
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": str(GOPATH), "GOFLAGS": ""}
    env["CGO_ENABLED"] = "0"
    if "HOME" not in env and "GOCACHE" not in env:
        env["GOCACHE"] = str(out / "cache")
    subprocess.run(
        [go, "build", "-o", str(out / "tlogclient.tmp"), "."],
        cwd=CLIENT_SOURCE,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (out / "tlogclient.tmp").replace(binary)


def run_client(binary: Path, url: str, vkey: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), url, vkey], capture_output=True, text=True, timeout=120, check=False
    )


def test_an_independent_client_recomputes_the_root_and_accepts_the_signature(node, tlog_client):
    record_events(node.engine, 300)  # a full and a partial level-0 tile, a level-1 tile
    note = sequence_pending(node.engine, node.signer).checkpoint
    root = base64.b64encode(open_checkpoint(note, node.signer.verifier).checkpoint.root).decode()
    with live_server(node.app) as url:
        result = run_client(tlog_client, f"{url}/log/", node.vkey)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["OK", NODE_NAME, "300", root, "300"]


def test_the_independent_client_rejects_a_tampered_log_and_a_wrong_key(node, tlog_client, tamper):
    record_events(node.engine, 20)
    sequence_pending(node.engine, node.signer)
    other_key = Ed25519Signer(NODE_NAME, bytes(32)).verifier.vkey
    with live_server(node.app) as url:
        wrong = run_client(tlog_client, f"{url}/log/", other_key)
        with tamper(node.engine) as connection:
            where = (log_hashes.c.level == 0) & (log_hashes.c.idx == 3)
            connection.execute(log_hashes.update().where(where).values(hash=bytes(32)))
        tampered = run_client(tlog_client, f"{url}/log/", node.vkey)
    assert wrong.returncode == 1
    assert "checkpoint signature" in wrong.stderr
    assert tampered.returncode == 1
    assert tampered.stderr.startswith("FAIL:")
