"""The project's scenarios run through `comity rules test`, and every rule is tested both ways."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from comity.cli import app
from comity.rules import RuleSet, shipped_rules
from comity.rules.scenarios import scenario_files

SCENARIOS = Path(__file__).parents[1] / "scenarios"


def test_all_scenarios_pass_through_the_command() -> None:
    result = CliRunner().invoke(app, ["rules", "test", str(SCENARIOS)])
    last = result.stdout.strip().splitlines()[-1]
    assert result.exit_code == 0, result.stdout
    passed, failed = last.split(", ")
    assert int(passed.split()[0]) >= 60
    assert failed == "0 failed"


def test_every_rule_fires_somewhere_and_stays_quiet_somewhere() -> None:
    rules: RuleSet = shipped_rules()
    fired: set[str] = set()
    quiet: set[str] = set()
    clean = 0
    for path in scenario_files([SCENARIOS]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fired |= {e["rule"] for e in data.get("expect", [])}
        quiet |= set(data.get("expect_absent", []))
        clean += bool(data.get("expect_clean"))
    ids = {r.id for r in rules.rules}
    assert ids - fired == set(), "rules no scenario makes fire"
    assert ids - quiet == set(), "rules no scenario keeps quiet"
    assert clean >= 5


def test_a_failing_scenario_is_reported_and_exits_1(tmp_path: Path) -> None:
    text = (SCENARIOS / "scope-outside-fires.yaml").read_text(encoding="utf-8")
    text = text.replace("based_on: fixtures/", f"based_on: {SCENARIOS}/fixtures/")
    text = text.replace("- fixtures/", f"- {SCENARIOS}/fixtures/")
    broken = tmp_path / "wrong.yaml"
    broken.write_text(text.replace("rule: scope.outside_convention", "rule: contents.other_kinds"))
    result = CliRunner().invoke(app, ["rules", "test", str(broken)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "0 passed, 1 failed"
    assert "expected contents.other_kinds, which did not fire" in lines[0]


def test_a_broken_scenario_file_fails_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "bad.yaml"
    broken.write_text("format: comity.scenario/1\nname: x\nname: y\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "test", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:3: duplicate key 'name'" in result.stdout


def test_no_scenarios_is_a_failure(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rules", "test", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.strip().endswith("0 passed, 0 failed")
