"""Screening reports, decisions, grants, re-screening, determinism, and the screen command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from comity.cases.document import RequestDocument
from comity.cli import app
from comity.errors import SafeguardViolation, ValidationFailed
from comity.registry import Registry, parse_files
from comity.rules import (
    Inputs,
    LawProfile,
    Outcome,
    RuleSet,
    ScreeningReport,
    can_grant,
    decide,
    diff_reports,
    load_profiles,
    override_events,
    require_grantable,
    screen,
    shipped_rules,
)
from comity.rules._load import read_source

FIXTURES = Path(__file__).parents[1] / "scenarios" / "fixtures"


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return shipped_rules()


@pytest.fixture(scope="session")
def registry() -> Registry:
    return parse_files(
        [FIXTURES / "registry-actions.csv", FIXTURES / "registry-notifications.json"]
    )


@pytest.fixture(scope="session")
def profiles() -> dict[str, LawProfile]:
    return load_profiles([FIXTURES / "profiles"])


@pytest.fixture(scope="session")
def inputs(rules: RuleSet, registry: Registry, profiles: dict[str, LawProfile]) -> Inputs:
    return Inputs(rules, registry, profiles)


def request(name: str, **changes: object) -> RequestDocument:
    data = read_source(FIXTURES / "requests" / f"{name}.yaml").data
    return RequestDocument.model_validate({**data, **changes})


DAY = dt.date(2027, 3, 1)
AT = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)


def run(inputs: Inputs, **changes: object) -> ScreeningReport:
    return screen(
        inputs, request("stored-data", **changes), side="requested", on_date=DAY, screened_at=AT
    )


def test_grant_needs_every_review_decided_and_every_block_overridden(inputs: Inputs) -> None:
    report = run(
        inputs,
        identifiers=[{"type": "email", "address": f"u{i}@x.example"} for i in range(11)],
        language="de",
    )
    ids = {f.id: f.outcome for f in report.findings}
    assert ids == {
        "proportionality.many_targets": Outcome.NEEDS_REVIEW,
        "contents.language_not_accepted": Outcome.BLOCKS,
    }
    assert not can_grant(report, [])
    with pytest.raises(SafeguardViolation) as stuck:
        require_grantable(report, [])
    assert "contents.language_not_accepted" in str(stuck.value)
    assert "proportionality.many_targets" in str(stuck.value)
    looked = decide(report, "proportionality.many_targets", "accepted", by="reviewer-1", at=AT)
    accepted_block = decide(
        report, "contents.language_not_accepted", "accepted", by="reviewer-1", at=AT
    )
    assert not can_grant(report, [looked, accepted_block])
    override = decide(
        report,
        "contents.language_not_accepted",
        "overridden",
        by="reviewer-1",
        at=AT + dt.timedelta(minutes=1),
        reasons="A certified translation arrived separately.",
    )
    assert can_grant(report, [looked, accepted_block, override])
    require_grantable(report, [looked, override])
    (event,) = override_events(report, [looked, override])
    assert event["finding"] == "contents.language_not_accepted"
    assert event["reasons"] == "A certified translation arrived separately."
    assert event["citations"] == ["UNCC Art 40(14)"]


def test_an_override_without_reasons_is_refused(inputs: Inputs) -> None:
    report = run(inputs, language="de")
    with pytest.raises(ValidationFailed, match="needs reasons"):
        decide(report, "contents.language_not_accepted", "overridden", by="r", at=AT, reasons="  ")
    with pytest.raises(ValidationFailed, match="no finding"):
        decide(report, "nothing.here", "accepted", by="r", at=AT)


def test_a_clean_report_can_be_granted_at_once(inputs: Inputs) -> None:
    report = run(inputs)
    assert report.findings == ()
    assert report.clean
    assert can_grant(report, [])


def test_rescreening_shows_the_differences(inputs: Inputs, profiles: dict) -> None:
    before = run(
        inputs,
        offence={
            "name": "Running an unlicensed online gambling site",
            "law_reference": "Penal Code s. 40",
            "maximum_penalty": {"years": 5},
        },
    )
    assert "dual_criminality.not_met" in {f.id for f in before.findings}
    changed = dict(profiles)
    bvt = changed["BVT"]
    gambling = bvt.offences[0].model_copy(
        update={
            "key": "gambling",
            "law_reference": "Gaming Act 1",
            "conduct": ("unlicensed_gambling",),
        }
    )
    changed["BVT"] = bvt.model_copy(update={"offences": (*bvt.offences, gambling)})
    after = screen(
        Inputs(inputs.rules, inputs.registry, changed),
        request("stored-data", offence=before_offence()),
        side="requested",
        on_date=DAY,
        screened_at=AT,
    )
    diff = diff_reports(before, after)
    assert [f.id for f in diff.removed] == ["dual_criminality.not_met"]
    assert diff.inputs == ("profiles_digest",)
    assert any(line.startswith("- dual_criminality.not_met") for line in diff.lines())
    assert diff_reports(after, after).empty


def before_offence() -> dict[str, object]:
    return {
        "name": "Running an unlicensed online gambling site",
        "law_reference": "Penal Code s. 40",
        "maximum_penalty": {"years": 5},
    }


def test_report_round_trips_as_json(inputs: Inputs) -> None:
    report = run(inputs, language="de", use_restrictions=[])
    again = ScreeningReport.from_dict(json.loads(json.dumps(report.as_dict())))
    assert again == report


UNRELATED = st.sampled_from(
    [
        {"information": "Also relevant: an earlier attack."},
        {"deadline": {"date": "2027-04-01", "reason": "Trial date."}},
        {"linked_request": "ATA-2027-000001"},
        {"communication_path": "via a proxy"},
        {"use_restrictions": ["Only for these proceedings."]},
    ]
)


@settings(max_examples=15, deadline=None)
@given(
    extra=UNRELATED,
    drop=st.sampled_from(["custodian", "necessity", "facts", "requesting_authority"]),
)
def test_unrelated_fields_never_remove_a_missing_content_block(
    inputs: Inputs, extra: dict, drop: str
) -> None:
    data = request("preservation").model_dump(mode="json", exclude_none=True, by_alias=True)
    data.pop(drop)
    base = screen(
        inputs, RequestDocument.model_validate(data), side="requested", on_date=DAY, screened_at=AT
    )
    more = screen(
        inputs,
        RequestDocument.model_validate({**data, **extra}),
        side="requested",
        on_date=DAY,
        screened_at=AT,
    )
    assert "contents.preservation" in {f.id for f in base.findings}
    assert "contents.preservation" in {f.id for f in more.findings}
    again = screen(
        inputs,
        RequestDocument.model_validate(data),
        side="requested",
        on_date=DAY,
        screened_at=AT + dt.timedelta(days=3),
    )
    assert again.findings == base.findings


def test_screen_command_exits_1_on_a_blocking_finding(tmp_path: Path) -> None:
    doc = tmp_path / "request.yaml"
    doc.write_text(
        (FIXTURES / "requests" / "stored-data.yaml")
        .read_text()
        .replace("language: en", "language: de")
    )
    args = [
        "screen",
        str(doc),
        "--profiles",
        str(FIXTURES / "profiles"),
        "--registry",
        str(FIXTURES / "registry-actions.csv"),
        "--registry",
        str(FIXTURES / "registry-notifications.json"),
        "--date",
        "2027-03-01",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "BLOCKS  contents.language_not_accepted" in result.stdout
    assert "UNCC Art 40(14) [PARAGRAPH UNCERTAIN]" in result.stdout
    result = CliRunner().invoke(app, [*args, "--json"])
    assert json.loads(result.stdout)["findings"][0]["citations"] == [
        {"label": "UNCC Art 40(14)", "confidence": "paragraph_uncertain"}
    ]
    clean = tmp_path / "clean.yaml"
    clean.write_text((FIXTURES / "requests" / "stored-data.yaml").read_text())
    ok = CliRunner().invoke(app, ["screen", str(clean), *args[2:]])
    assert ok.exit_code == 0
    assert ok.stdout.strip().endswith("0 findings; clean")


def test_rules_list_json_carries_confidence_tags() -> None:
    result = CliRunner().invoke(app, ["rules", "list", "--json"])
    data = json.loads(result.stdout)
    rule = next(r for r in data["rules"] if r["id"] == "preservation.no_follow_up_intent")
    assert rule["citations"] == [
        {"label": "UNCC Art 42(1)", "confidence": "paragraph_uncertain"},
        {"label": "UNCC Art 42(2)(f)", "confidence": "paragraph_uncertain"},
    ]
