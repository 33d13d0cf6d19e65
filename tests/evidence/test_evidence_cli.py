"""The ``comity keys`` and ``comity evidence`` commands, run through Typer's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from comity.cli import app

runner = CliRunner()


def run(*args, ok=True):
    result = runner.invoke(app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.stdout + result.stderr
    else:
        assert result.exit_code != 0, result.stdout
    return result


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("keys", "new", "producer", "-o", "keys")
    run("keys", "new", "recipient", "-o", "keys")
    run("keys", "new", "other", "-o", "keys")
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 500)
    return tmp_path


def seal(*extra):
    return run(
        "evidence", "seal", "a.txt", "b.bin", "--request", "MX-2026-000123",
        "--to", "keys/recipient.pub.json", "--sign-key", "keys/producer.signing-key",
        "-o", "p.age", "--by", "Ana", *extra,
    )  # fmt: skip


def test_keys_new_json(world):
    result = run("keys", "new", "x", "-o", "more", "--json")
    doc = json.loads(result.stdout)
    assert doc["age_recipient"].startswith("age1")
    assert len(doc["files"]) == 3
    run("keys", "new", "x", "-o", "more", ok=False)


def test_seal_verify_open_custody(world):
    receipt = json.loads(seal("--json").stdout)
    assert receipt["request"] == "MX-2026-000123"
    assert "verified" in run("evidence", "verify", "p.age").stdout
    result = run(
        "evidence", "verify", "p.age", "--identity", "keys/recipient.identity",
        "--producer", "keys/producer.pub.json", "--json",
        "--sign-key", "keys/recipient.signing-key", "--by", "Bo",
    )  # fmt: skip
    assert [i["name"] for i in json.loads(result.stdout)["manifest"]["items"]] == [
        "a.txt",
        "b.bin",
    ]
    assert not (world / "out").exists()
    run("evidence", "open", "p.age", "--identity", "keys/recipient.identity", "-o", "out")
    assert (world / "out" / "items" / "b.bin").read_bytes() == (world / "b.bin").read_bytes()
    run(
        "evidence", "custody", "p.age", "--add", "received", "--by", "Cy",
        "--sign-key", "keys/recipient.signing-key", "--note", "by courier",
    )  # fmt: skip
    text = run("evidence", "custody", "p.age").stdout
    for word in ("sealed", "verified", "by courier"):
        assert word in text
    events = json.loads(run("evidence", "custody", "p.age", "--format", "json").stdout)
    assert [e["action"] for e in events] == ["sealed", "verified", "received"]
    case = json.loads(
        run(
            "evidence",
            "custody",
            "p.age",
            "--format",
            "case",
            "--identity",
            "keys/recipient.identity",
        ).stdout
    )
    assert "@context" in case


def test_age_recipient_string(world):
    recipient = json.loads((world / "keys" / "recipient.pub.json").read_text())["age_recipient"]
    run(
        "evidence", "seal", "a.txt", "--request", "R", "--to", recipient,
        "--sign-key", "keys/producer.signing-key", "-o", "q.age",
    )  # fmt: skip
    run("evidence", "verify", "q.age", "--identity", "keys/recipient.identity")


def test_errors_are_one_line_and_nonzero(world):
    seal()
    result = run("evidence", "verify", "p.age", "--identity", "keys/other.identity", ok=False)
    assert "no identity matches any recipient stanza" in result.stderr
    result = run(
        "evidence", "open", "p.age", "--identity", "keys/recipient.identity", "-o", "out",
        "--producer", "keys/other.pub.json", ok=False,
    )  # fmt: skip
    assert "not the expected producer" in result.stderr
    assert not (world / "out").exists()
    raw = bytearray((world / "p.age").read_bytes())
    raw[len(raw) // 2] ^= 0x40
    (world / "p.age").write_bytes(bytes(raw))
    result = run("evidence", "verify", "p.age", ok=False)
    assert "not the package that was sent" in result.stderr
    result = run("evidence", "custody", "p.age", "--add", "sent", ok=False)
    assert "--sign-key" in result.stderr
    result = run("evidence", "seal", "a.txt", "--request", "R", "--to", "nope",
                 "--sign-key", "keys/producer.signing-key", "-o", "z.age", ok=False)  # fmt: skip
    assert "neither an age1" in result.stderr


def test_core_is_pure():
    code = (
        "import sys, comity.evidence; "
        "bad = {'sqlalchemy','fastapi','starlette','httpx','uvicorn','alembic','psycopg',"
        "'comity.storage','comity.api','comity.web','comity.services'}; "
        "print(sorted(m for m in sys.modules if m in bad or m.split('.')[0] in bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
