"""The done-when path through the command line, acting as hosted authorities."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from requests_helpers import TODAY, Node, follow_up_document, preservation_document
from typer.testing import CliRunner

from comity.cli import app

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout


def test_preservation_to_evidence_through_the_cli(
    node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMITY_DATABASE_URL", node.settings.database_url)
    draft = tmp_path / "preservation.json"
    draft.write_text(json.dumps(preservation_document()), encoding="utf-8")
    ref = _run("request", "draft", str(draft), "--as", "fra-ca").split()[0]
    assert _run("request", "check", ref, "--as", "fra-ca").strip() == f"{ref}: complete"
    _run("request", "act", ref, "approve", "--as", "fra-ca", "--officer", "Alice")
    assert "message accepted" in _run("request", "act", ref, "send", "--as", "fra-ca")
    _run("request", "act", ref, "acknowledge", "--as", "prt-247")
    until = (TODAY + dt.timedelta(days=61)).isoformat()
    _run("request", "act", ref, "preserve", "--as", "prt-247", "--until", until)
    follow = tmp_path / "mla.json"
    follow.write_text(json.dumps(follow_up_document(ref)), encoding="utf-8")
    mla = _run("request", "draft", str(follow), "--as", "fra-ca").split()[0]
    _run("request", "act", mla, "approve", "--as", "fra-ca")
    _run("request", "act", mla, "send", "--as", "fra-ca")
    case_id = _run("case", "create", "Hospital ransomware", "--as", "fra-ca").strip()
    _run("case", "link", case_id, ref, mla, "--as", "fra-ca")
    for action in ("acknowledge", "start_review", "execute"):
        _run("request", "act", mla, action, "--as", "prt-247", "--document", "pkg-7")
    _run("case", "evidence", case_id, "pkg-7", mla, "--as", "fra-ca")
    shown = _run("case", "show", case_id, "--as", "fra-ca")
    assert f"{ref}  preservation  preserved" in shown
    assert f"{mla}  mutual_legal_assistance  executed  evidence: pkg-7" in shown
    history = json.loads(_run("request", "show", ref, "--as", "prt-247", "--json"))["history"]
    assert [e["action"] for e in history] == ["send", "acknowledge", "preserve"]
    # The expiry tick keeps nothing past due here, and refuses nothing.
    assert "no preservation is due" in _run("request", "expire-due")
    listed = _run("request", "list", "--as", "bra-ca")
    assert listed == ""


def test_errors_are_one_line_with_the_allowed_actions(
    node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMITY_DATABASE_URL", node.settings.database_url)
    draft = tmp_path / "preservation.json"
    draft.write_text(json.dumps(preservation_document()), encoding="utf-8")
    ref = _run("request", "draft", str(draft), "--as", "fra-ca").split()[0]
    result = runner.invoke(app, ["request", "act", ref, "execute", "--as", "fra-ca"])
    assert result.exit_code == 1
    assert "cannot execute a request that is drafted" in result.stderr
    assert "allowed from here: approve, withdraw" in result.stderr
    token = _run("authority", "token", "bra-ca").strip()
    assert token.startswith("comity_")
    assert "bra-ca  BRA  central_authority" in _run("authority", "list")
