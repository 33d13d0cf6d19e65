"""Use limitations through the command line, acting as hosted authorities."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from requests_helpers import TODAY, Node, preservation_document
from typer.testing import CliRunner

from comity.cli import app

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr)
    return result.stdout


def test_consent_onward_and_notification_through_the_cli(
    node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMITY_DATABASE_URL", node.settings.database_url)
    draft = tmp_path / "preservation.json"
    draft.write_text(json.dumps(preservation_document()), encoding="utf-8")
    ref = _run("request", "draft", str(draft), "--as", "fra-ca").split()[0]
    _run("request", "act", ref, "approve", "--as", "fra-ca")
    _run("request", "act", ref, "send", "--as", "fra-ca")

    assert _run("request", "may-use", ref, "tax audit", "--as", "fra-ca", code=1).startswith(
        "not allowed"
    )
    asked = json.loads(_run("request", "consent-ask", ref, "tax audit", "--as", "fra-ca",
                            "--json"))  # fmt: skip
    assert asked["delivery"]["status"] == "accepted"
    refused = runner.invoke(app, ["request", "consent-decide", ref, asked["id"], "--refuse",
                                  "--as", "prt-247"])  # fmt: skip
    assert refused.exit_code != 0
    assert "needs reasons" in refused.stderr
    out = _run("request", "consent-decide", ref, asked["id"], "--grant", "--as", "prt-247")
    assert "consent_decided" in out
    assert _run("request", "may-use", ref, "tax audit", "--as", "fra-ca").startswith("allowed")

    _run("request", "onward-authorise", ref, "BRA", "--as", "prt-247", "--condition", "no more")
    assert _run("request", "may-transfer", ref, "BRA", "--as", "fra-ca").startswith("allowed")

    until = (TODAY + dt.timedelta(days=10)).isoformat()
    delayed = json.loads(
        _run("request", "notify-delay", ref, "the subscriber", "--as", "prt-247",
             "--reason", "ongoing", "--until", until, "--json")
    )  # fmt: skip
    notice = delayed["id"]
    later = (TODAY + dt.timedelta(days=20)).isoformat()
    _run("request", "notify-renew", ref, notice, "--as", "prt-247", "--reason", "still",
         "--until", later)  # fmt: skip
    _run("request", "notified", ref, notice, "--as", "prt-247")
    shown = json.loads(_run("request", "use", ref, "--as", "fra-ca"))
    assert [r["record"] for r in shown["history"]] == [
        "consent_requested", "consent_decided", "onward_authorised", "notification_delayed",
        "notification_renewed", "person_notified",
    ]  # fmt: skip
    assert shown["notifications_of_person"][0]["status"] == "notified"
    assert runner.invoke(app, ["request", "use", ref, "--as", "bra-ca"]).exit_code != 0
