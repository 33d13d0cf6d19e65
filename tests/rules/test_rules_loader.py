"""The strict loader of rule files: one broken input per error class, each with file and line."""

from __future__ import annotations

import pytest

from comity.rules import RulesDataError, parse_rules, shipped_rules
from comity.rules.model import Outcome

HEAD = "format: comity.rules/1\ninstrument: uncc\nversion: 1.0.0\nrules:\n"
RULE = """\
  - id: test.rule
    title: {en: A title}
    explanation: {en: An explanation}
    cites: [Art 42(2)]
    kinds: [preservation]
    sides: [requested]
    in_force: {from: 2024-12-24}
    when:
      field_missing: necessity
    outcome: blocks
"""


def load(text: str) -> None:
    parse_rules([("rules.yaml", text)])


BROKEN = {
    "duplicate key": (
        RULE.replace("    outcome: blocks", "    outcome: blocks\n    outcome: note"),
        15,
        "duplicate key 'outcome'",
    ),
    "unknown key": (RULE + "    colour: red\n", 15, "unknown key 'colour'"),
    "unknown provision": (
        RULE.replace("Art 42(2)", "Art 42(9)"),
        8,
        "unknown provision 'Art 42(9)'",
    ),
    "bad citation": (
        RULE.replace("Art 42(2)", "Article forty"),
        8,
        "unknown provision 'Article forty'",
    ),
    "unknown item": (RULE.replace("Art 42(2)", "Art 42(2)(z)"), 8, "no item (z)"),
    "empty all": (
        RULE.replace("field_missing: necessity", "all: []"),
        13,
        "'all' needs a non-empty list",
    ),
    "unknown predicate": (
        RULE.replace("field_missing", "fields_missing"),
        13,
        "unknown predicate 'fields_missing'",
    ),
    "bad parameter": (
        RULE.replace("field_missing: necessity", "field_missing: colour"),
        13,
        "field_missing takes one of",
    ),
    "two keys in a condition": (
        RULE.replace(
            "      field_missing: necessity",
            "      field_missing: necessity\n      urgency: emergency",
        ),
        12,
        "exactly one key",
    ),
    "unknown ground": (
        RULE.replace("outcome: blocks", "outcome: ground_for_refusal\n    ground: bad_weather"),
        15,
        "unknown refusal ground 'bad_weather'",
    ),
    "ground not open to the kind": (
        RULE.replace(
            "outcome: blocks", "outcome: ground_for_refusal\n    ground: no_dual_criminality"
        ),
        15,
        "not open to preservation",
    ),
    "needs_review without look_at": (
        RULE.replace("outcome: blocks", "outcome: needs_review"),
        5,
        "'look_at' is required",
    ),
    "no English title": (RULE.replace("{en: A title}", "{fr: Un titre}"), 6, "needs an 'en' text"),
    "unknown kind": (
        RULE.replace("[preservation]", "[espionage]"),
        9,
        "unknown request kind 'espionage'",
    ),
    "bad outcome": (RULE.replace("outcome: blocks", "outcome: forbids"), 14, "outcome"),
    "malformed yaml": (
        RULE.replace("kinds: [preservation]", "kinds: [preservation"),
        10,
        "malformed YAML",
    ),
    "dates out of order": (
        RULE.replace("{from: 2024-12-24}", "{from: 2024-12-24, until: 2024-01-01}"),
        11,
        "'until' must be after 'from'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_error_names_the_file_and_line(case: str) -> None:
    rule, line, message = BROKEN[case]
    with pytest.raises(RulesDataError) as raised:
        load(HEAD + rule)
    assert raised.value.path == "rules.yaml"
    assert raised.value.line == line, str(raised.value)
    assert message in str(raised.value)


def test_duplicate_rule_id() -> None:
    with pytest.raises(RulesDataError, match=r"duplicate rule id 'test\.rule'") as raised:
        load(HEAD + RULE + RULE)
    assert raised.value.line == 15


def test_an_empty_rule_set_is_an_error_never_a_pass() -> None:
    with pytest.raises(RulesDataError, match="the rule set is empty"):
        load(HEAD.replace("rules:\n", "rules: []\n"))
    with pytest.raises(RulesDataError, match="the rule set is empty"):
        parse_rules([])


def test_unknown_instrument() -> None:
    with pytest.raises(RulesDataError, match=r"no instrument data for 'budapest'") as raised:
        load(HEAD.replace("uncc", "budapest") + RULE)
    assert raised.value.line == 2


def test_a_valid_rule_carries_citations_with_confidence_tags() -> None:
    ruleset = parse_rules([("rules.yaml", HEAD + RULE)])
    (rule,) = ruleset.rules
    assert rule.outcome is Outcome.BLOCKS
    assert [(c.label, c.confidence) for c in rule.citations] == [
        ("UNCC Art 42(2)", "paragraph_uncertain")
    ]


def test_shipped_rules_load_and_every_rule_cites_and_explains() -> None:
    ruleset = shipped_rules()
    assert len(ruleset.rules) >= 30
    for rule in ruleset.rules:
        assert rule.citations
        assert rule.text("title")
        assert rule.text("explanation")
        assert rule.source.startswith("comity/rules/data/uncc.yaml:")


def test_translated_title_falls_back_to_english() -> None:
    rule = shipped_rules().rule("scope.outside_convention")
    assert rule.text("title", "fr-CA") == "Hors du champ de la Convention"
    assert rule.text("title", "de") == "Outside the Convention's scope"
