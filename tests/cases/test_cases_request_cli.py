"""``comity request validate`` and ``comity request schema`` from a drafter's point of view."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from comity.cli import app

runner = CliRunner()
VECTORS = Path(__file__).parent.parent / "vectors"
COMPLETE = VECTORS / "request-document" / "complete-preservation.json"
INCOMPLETE = VECTORS / "request-document" / "incomplete-preservation.json"


def _notifications(tmp_path: Path, state: str, languages: list[str]) -> Path:
    path = tmp_path / "notifications.json"
    path.write_text(
        json.dumps(
            {
                "format": "comity.registry.notifications/1",
                "notifications": [
                    {"participant": state, "kind": "accepted_languages", "date": "2026-01-05",
                     "languages": languages, "text": ""}
                ],
            }
        )
    )  # fmt: skip
    return path


class TestValidate:
    def test_a_complete_draft_passes(self) -> None:
        result = runner.invoke(app, ["request", "validate", str(COMPLETE), "--today", "2026-03-01"])
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"{COMPLETE}: complete\n"

    def test_every_missing_item_is_listed_with_its_citation_and_confidence(self) -> None:
        result = runner.invoke(
            app, ["request", "validate", str(INCOMPLETE), "--today", "2026-01-01"]
        )
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert lines[0].startswith("error: the request is not complete: ")
        assert "  - necessity: missing: The necessity of the preservation " in result.stderr
        assert "UNCC Art 42(2)(e) [paragraph uncertain]" in result.stderr
        # A verified provision is cited without a caveat.
        assert "(UNCC Art 2(o))" in result.stderr

    def test_json_output_lists_the_same_problems(self) -> None:
        result = runner.invoke(
            app, ["request", "validate", str(INCOMPLETE), "--json", "--today", "2026-01-01"]
        )
        assert result.exit_code == 1
        body = json.loads(result.stdout)
        assert body["complete"] is False
        expected = json.loads(INCOMPLETE.with_suffix(".problems.json").read_text())
        fields = {p["field"] for p in body["problems"]}
        # The vector was checked with the requested State's languages; here none are notified.
        assert {p["field"] for p in expected} - {"language"} <= fields

    def test_a_language_the_requested_state_did_not_notify(self, tmp_path: Path) -> None:
        notifications = _notifications(tmp_path, "PRT", ["en"])
        result = runner.invoke(
            app,
            ["request", "validate", str(COMPLETE), "--registry", str(notifications),
             "--today", "2026-03-01"],
        )  # fmt: skip
        assert result.exit_code == 1
        assert "is not among those the requested State notified (accepted_languages): en" in (
            result.stderr
        )
        accepted = _notifications(tmp_path, "PRT", ["en", "pt"])
        ok = runner.invoke(
            app,
            ["request", "validate", str(COMPLETE), "--registry", str(accepted),
             "--today", "2026-03-01"],
        )  # fmt: skip
        assert ok.exit_code == 0, ok.stderr

    def test_a_file_that_is_not_json_names_the_line(self, tmp_path: Path) -> None:
        bad = tmp_path / "draft.json"
        bad.write_text('{\n  "kind": "preservation",\n  oops\n}\n')
        result = runner.invoke(app, ["request", "validate", str(bad)])
        assert result.exit_code == 65
        assert result.stderr.startswith(f"error: {bad}:3: not JSON")


class TestSchema:
    def test_the_schema_describes_the_document(self) -> None:
        result = runner.invoke(app, ["request", "schema"])
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert schema["$id"] == "urn:comity:schema:request-document:1"
        assert "kind" in schema["properties"]
