"""A hosted authority's keys, exported to seal and open evidence off the node."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from evidence_node_helpers import EvidenceNode, upload_whole
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from comity.cli import app
from comity.evidence import load_identities, load_signing_keys, open_package
from comity.services.authority_keys import export_keys


def test_exported_keys_seal_what_the_node_accepts_and_open_what_it_delivers(
    eclient: TestClient, enode: EvidenceNode, tmp_path: Path
) -> None:
    producer = export_keys(enode.engine, enode.settings, "prt-247")
    assert base64.b64encode(producer.public.signing_key).decode() == enode.prt.signing_key
    package = enode.seal_for_fra(tmp_path, producer=producer)
    accepted = upload_whole(eclient, enode, package)
    content = eclient.get(
        f"/api/v1/evidence/packages/{accepted['id']}/content", headers=enode.headers["fra-ca"]
    )
    received = tmp_path / "received.age"
    received.write_bytes(content.content)
    recipient = export_keys(enode.engine, enode.settings, "fra-ca")
    assert recipient.identity is not None
    assert str(recipient.identity.recipient()) == enode.fra.age_recipient
    opened = open_package(received, [recipient.identity])
    assert opened.manifest.request == enode.reference
    assert enode.tags().count("authority.keys_exported") == 2


def test_the_cli_writes_the_key_files_once(
    enode: EvidenceNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMITY_DATABASE_URL", str(enode.settings.database_url))
    runner = CliRunner()
    out = tmp_path / "keys"
    result = runner.invoke(app, ["authority", "export-keys", "fra-ca", "-o", str(out)])
    assert result.exit_code == 0, result.output
    keys = load_signing_keys(out / "fra-ca.signing-key")
    assert base64.b64encode(keys.public.signing_key).decode() == enode.fra.signing_key
    identities = load_identities(out / "fra-ca.identity")
    assert str(identities[0].recipient()) == enode.fra.age_recipient
    again = runner.invoke(app, ["authority", "export-keys", "fra-ca", "-o", str(out)])
    assert again.exit_code != 0
    assert "already exists" in again.stderr
