"""comity registry status / chart through the real command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from comity.cli import app

RUNNER = CliRunner()
VECTORS = Path(__file__).parent.parent / "vectors" / "registry-actions"


def test_status_json_has_the_documented_fields() -> None:
    result = RUNNER.invoke(
        app,
        [
            "registry",
            "status",
            "--json",
            "--as-of",
            "2026-05-14",
            "--data",
            str(VECTORS / "history.csv"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {
        "as_of",
        "signatories",
        "instruments_counted",
        "in_force",
        "entry_into_force",
        "parties",
    } <= set(report)
    assert report["entry_into_force"] == "2026-05-14"
    assert report["in_force"] is True
    assert report["signatories"] == 3
    assert all(
        set(p) == {"participant", "instrument", "deposited", "party_from"}
        for p in report["parties"]
    )
    jpn = next(p for p in report["parties"] if p["participant"] == "JPN")
    assert jpn == {
        "participant": "JPN",
        "instrument": "accession",
        "deposited": "2026-04-20",
        "party_from": "2026-05-20",
    }


def test_status_text_of_shipped_data() -> None:
    result = RUNNER.invoke(app, ["registry", "status", "--as-of", "2026-11-01"])
    assert result.exit_code == 0, result.stderr
    assert "signatories: 70" in result.stdout
    assert "the data is as of 2026-07-31" in result.stdout
    assert "entry into force: not yet determined" in result.stdout


def test_bad_data_file_exits_65_naming_the_row() -> None:
    result = RUNNER.invoke(
        app, ["registry", "status", "--data", str(VECTORS / "bad-participant.csv")]
    )
    assert result.exit_code == 65
    assert "bad-participant.csv, row 3: unknown participant code 'XXX'" in result.stderr


def test_bad_as_of_is_one_clear_line() -> None:
    result = RUNNER.invoke(app, ["registry", "status", "--as-of", "31/07/2026"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "error: --as-of: '31/07/2026' is not an ISO 8601 date (YYYY-MM-DD)"
    )


def test_chart_png_and_svg(tmp_path: Path) -> None:
    for name, magic in (("c.png", b"\x89PNG\r\n\x1a\n"), ("c.svg", b"<?xml")):
        out = tmp_path / name
        result = RUNNER.invoke(
            app,
            [
                "registry",
                "chart",
                "-o",
                str(out),
                "--as-of",
                "2026-06-01",
                "--data",
                str(VECTORS / "history.csv"),
            ],
        )
        assert result.exit_code == 0, result.stderr
        assert out.read_bytes().startswith(magic)
    svg = (tmp_path / "c.svg").read_text("utf-8")
    assert "entry into force: 2026-05-14" in svg


def test_chart_svg_is_reproducible(tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        out = tmp_path / f"c{i}.svg"
        RUNNER.invoke(app, ["registry", "chart", "-o", str(out), "--as-of", "2026-07-31"])
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_chart_rejects_other_suffix(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["registry", "chart", "-o", str(tmp_path / "c.pdf")])
    assert result.exit_code == 1
    assert "must end in .png or .svg" in result.stderr


def test_status_text_lists_parties() -> None:
    data = str(VECTORS / "history.csv")
    result = RUNNER.invoke(app, ["registry", "status", "--as-of", "2026-02-13", "--data", data])
    assert result.exit_code == 0, result.stderr
    assert "enters into force: 2026-05-14" in result.stdout
    assert "Germany (DEU): ratification deposited 2026-02-13, in force for it from 2026-05-14" in (
        result.stdout
    )
    before = RUNNER.invoke(app, ["registry", "status", "--as-of", "2026-01-05", "--data", data])
    assert "in force for it from date not yet known" in before.stdout
    after = RUNNER.invoke(app, ["registry", "status", "--as-of", "2026-06-01", "--data", data])
    assert "entered into force: 2026-05-14" in after.stdout
