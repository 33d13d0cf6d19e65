"""``comity evidence upload`` and ``download`` against a node served over HTTP (uvicorn)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from evidence_node_helpers import EvidenceNode
from typer.testing import CliRunner

from comity.api.app import create_app
from comity.cli import app


@pytest.fixture
def served(enode: EvidenceNode) -> Iterator[str]:
    """The node's API on a free local port; its base URL."""
    config = uvicorn.Config(
        create_app(enode.settings, sequencer=False), host="127.0.0.1", port=0,
        log_level="warning", ws="none", lifespan="on",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _token(enode: EvidenceNode, authority: str) -> str:
    return enode.headers[authority]["Authorization"].removeprefix("Bearer ")


def test_upload_resumes_after_an_interruption_then_download_resumes(
    served: str, enode: EvidenceNode, tmp_path: Path
) -> None:
    package = enode.seal_for_fra(tmp_path)
    data = package.path.read_bytes()
    half = len(data) // 2
    prt = enode.headers["prt-247"]
    # A first run that broke after half of the bytes.
    with httpx.Client(base_url=served, headers=prt) as raw:
        started = raw.post(
            f"/api/v1/requests/{enode.reference}/evidence/uploads",
            json={"receipt": package.receipt},
        ).json()
        sent = raw.patch(
            f"/api/v1/evidence/uploads/{started['id']}", content=data[:half],
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )  # fmt: skip
        assert sent.status_code == 200, sent.text
    runner = CliRunner()
    uploaded = runner.invoke(
        app,
        ["evidence", "upload", str(package.path), "--node", served, "--token",
         _token(enode, "prt-247"), "--request", enode.reference, "--json"],
    )  # fmt: skip
    assert uploaded.exit_code == 0, uploaded.output
    accepted = json.loads(uploaded.stdout)
    assert accepted["package_sha256"] == package.sha256
    # The recipient's first download broke after half of the bytes.
    output = tmp_path / "received" / "evidence.age"
    output.parent.mkdir()
    output.with_name("evidence.age.part").write_bytes(data[:half])
    fra_token = _token(enode, "fra-ca")
    downloaded = runner.invoke(
        app,
        ["evidence", "download", accepted["id"], "--node", served, "--token", fra_token,
         "-o", str(output)],
    )  # fmt: skip
    assert downloaded.exit_code == 0, downloaded.output
    assert output.read_bytes() == data
    assert not output.with_name("evidence.age.part").exists()
    receipt = json.loads(output.with_name("evidence.age.receipt.json").read_text())
    assert receipt == package.receipt
    custody = output.with_name("evidence.age.node-custody.jsonl").read_text().splitlines()
    notes = [json.loads(line).get("note", "") for line in custody]
    assert notes[-1] == f"bytes {half}-{len(data) - 1} of {len(data)} downloaded by fra-ca"
    # The CLI's verify accepts the downloaded package with its receipt.
    verified = runner.invoke(app, ["evidence", "verify", str(output)])
    assert verified.exit_code == 0, verified.output
    # Another authority's token finds nothing, and nothing is written.
    other = tmp_path / "other.age"
    refused = runner.invoke(
        app,
        ["evidence", "download", accepted["id"], "--node", served, "--token",
         _token(enode, "prt-247"), "-o", str(other)],
    )  # fmt: skip
    assert refused.exit_code != 0
    assert "not found" in refused.stderr.lower() or "does not exist" in refused.stderr
    assert not other.exists()


def test_a_corrupted_download_is_refused_and_removed(
    served: str, enode: EvidenceNode, tmp_path: Path
) -> None:
    package = enode.seal_for_fra(tmp_path)
    runner = CliRunner()
    uploaded = runner.invoke(
        app,
        ["evidence", "upload", str(package.path), "--node", served, "--token",
         _token(enode, "prt-247"), "--request", enode.reference, "--json"],
    )  # fmt: skip
    assert uploaded.exit_code == 0, uploaded.output
    output = tmp_path / "evidence.age"
    output.with_name("evidence.age.part").write_bytes(b"\x00" * 1000)  # not the package's bytes
    downloaded = runner.invoke(
        app,
        ["evidence", "download", json.loads(uploaded.stdout)["id"], "--node", served,
         "--token", _token(enode, "fra-ca"), "-o", str(output)],
    )  # fmt: skip
    assert downloaded.exit_code != 0
    assert "does not match its receipt" in downloaded.stderr
    assert not output.exists()
    assert not output.with_name("evidence.age.part").exists()
