"""``comity ledger``: keys, sequencing, event files and proofs, and the auditor's commands
against a node served by uvicorn."""

from __future__ import annotations

import json
import stat

import pytest
from ledger_node_helpers import NODE_NAME, live_server, record_events
from typer.testing import CliRunner

from comity.cli import app
from comity.ledger.note import Ed25519Signer, Ed25519Verifier
from comity.services.sequencer import sequence_pending
from comity.storage.models import log_checkpoints

runner = CliRunner()


@pytest.fixture
def node_env(node, monkeypatch):
    monkeypatch.setenv("COMITY_DATABASE_URL", node.settings.database_url)
    monkeypatch.setenv("COMITY_NODE_NAME", NODE_NAME)
    monkeypatch.setenv("COMITY_LOG_KEY_FILE", str(node.settings.log_key_file))
    return node


class TestKeys:
    def test_new_key_and_public_key(self, tmp_path, monkeypatch):
        key = tmp_path / "node.key"
        result = runner.invoke(app, ["ledger", "new-key", "node.example", "-o", str(key)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        signer = Ed25519Signer.from_skey(key.read_text().strip())
        assert result.stdout.strip() == signer.verifier.vkey
        again = runner.invoke(app, ["ledger", "new-key", "node.example", "-o", str(key)])
        assert again.exit_code != 0
        assert "refusing to overwrite" in again.stderr
        monkeypatch.setenv("COMITY_NODE_NAME", "node.example")
        monkeypatch.setenv("COMITY_LOG_KEY_FILE", str(key))
        shown = runner.invoke(app, ["ledger", "public-key"])
        assert shown.stdout.strip() == signer.verifier.vkey

    def test_a_default_key_is_created_once_in_the_data_directory(self, tmp_path, monkeypatch):
        monkeypatch.setenv("COMITY_NODE_NAME", "first.example")
        first = runner.invoke(app, ["ledger", "public-key"]).stdout.strip()
        assert Ed25519Verifier.from_vkey(first).name == "first.example"
        key = tmp_path / "xdg-data" / "comity" / "log.key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert runner.invoke(app, ["ledger", "public-key"]).stdout.strip() == first


class TestNodeCommands:
    def test_sequence_export_and_prove_locally(self, node_env, tmp_path):
        recorded = record_events(node_env.engine, 5)
        result = runner.invoke(app, ["ledger", "sequence"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("sequenced 5 events; tree size 5")
        event_file = tmp_path / "event.json"
        exported = runner.invoke(
            app, ["ledger", "export-event", str(recorded[3].seq), "-o", str(event_file)]
        )
        assert exported.exit_code == 0, exported.output
        assert stat.S_IMODE(event_file.stat().st_mode) == 0o600
        data = json.loads(event_file.read_bytes())
        assert data["event"] == recorded[3].event
        assert data["salt"] == recorded[3].salt.hex()
        assert data["leaf_index"] == 3
        proved = runner.invoke(app, ["ledger", "prove", str(event_file), "--json"])
        assert proved.exit_code == 0, proved.output
        proof = json.loads(proved.stdout)
        assert (proof["leaf_index"], proof["tree_size"]) == (3, 5)
        assert len(proof["inclusion_proof"]) == 3

    def test_an_altered_event_file_does_not_prove(self, node_env, tmp_path):
        recorded = record_events(node_env.engine, 2)
        sequence_pending(node_env.engine, node_env.signer)
        event_file = tmp_path / "event.json"
        runner.invoke(app, ["ledger", "export-event", str(recorded[1].seq), "-o", str(event_file)])
        data = json.loads(event_file.read_bytes())
        data["event"]["payload"]["n"] = 42
        event_file.write_text(json.dumps(data))
        result = runner.invoke(app, ["ledger", "prove", str(event_file)])
        assert result.exit_code == 1
        assert "do not match the entry's commitment" in result.stderr

    def test_an_event_not_yet_sequenced_is_said_so(self, node_env, tmp_path):
        (recorded,) = record_events(node_env.engine, 1)
        event_file = tmp_path / "event.json"
        result = runner.invoke(
            app, ["ledger", "export-event", str(recorded.seq), "-o", str(event_file)]
        )
        assert "not sequenced yet" in result.stdout
        proved = runner.invoke(app, ["ledger", "prove", str(event_file)])
        assert proved.exit_code == 66
        assert "has not been sequenced" in proved.stderr


class TestAuditorCommands:
    def test_verify_prove_and_stats_over_http(self, node, tmp_path):
        recorded = record_events(node.engine, 40)
        sequence_pending(node.engine, node.signer)
        state = tmp_path / "auditor.checkpoint"
        event_file = tmp_path / "event.json"
        event_file.write_bytes(
            json.dumps(
                {
                    "format": "comity-ledger-event/v1",
                    "log": NODE_NAME,
                    "seq": recorded[33].seq,
                    "leaf_index": 33,
                    "event": recorded[33].event,
                    "salt": recorded[33].salt.hex(),
                }
            ).encode()
        )
        with live_server(node.app) as url:
            args = ["--key", node.vkey, "--state", str(state)]
            first = runner.invoke(app, ["ledger", "verify", url, *args])
            assert first.exit_code == 0, first.output
            assert first.stdout.startswith(f"ok: {NODE_NAME} tree size 40 root ")
            assert "first check" in first.stdout
            record_events(node.engine, 3, start=40)
            sequence_pending(node.engine, node.signer)
            light = runner.invoke(app, ["ledger", "verify", f"{url}/log/", "--light", *args])
            assert light.exit_code == 0, light.output
            assert "tree size 43" in light.stdout
            assert "extends 40" in light.stdout
            proved = runner.invoke(
                app, ["ledger", "prove", str(event_file), "--url", url, "--key", node.vkey]
            )
            assert proved.exit_code == 0, proved.output
            assert proved.stdout.startswith(f"ok: event {recorded[33].seq} is leaf 33")
            stats = runner.invoke(app, ["ledger", "stats", url, *args])
            assert stats.exit_code == 0, stats.output
            assert stats.stdout.startswith("ok: statistics match")

    def test_a_rollback_is_reported_with_both_checkpoints(self, node, tmp_path, tamper):
        record_events(node.engine, 4)
        sequence_pending(node.engine, node.signer)
        record_events(node.engine, 4, start=4)
        sequence_pending(node.engine, node.signer)
        state = tmp_path / "auditor.checkpoint"
        with live_server(node.app) as url:
            args = ["--key", node.vkey, "--state", str(state)]
            assert runner.invoke(app, ["ledger", "verify", url, *args]).exit_code == 0
            with tamper(node.engine) as connection:
                connection.execute(log_checkpoints.delete().where(log_checkpoints.c.tree_size == 8))
            result = runner.invoke(app, ["ledger", "verify", url, *args])
        assert result.exit_code == 1
        assert result.stderr.startswith("error: rollback: tree size went back from 8 to 4")
        assert "-- checkpoint seen first --" in result.stderr
        assert "-- checkpoint seen later --" in result.stderr

    def test_an_unreachable_node_is_one_line(self, node):
        result = runner.invoke(app, ["ledger", "verify", "http://127.0.0.1:9", "--key", node.vkey])
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert "cannot connect" in result.stderr
