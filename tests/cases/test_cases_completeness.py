from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from comity.cases.completeness import (
    Problem,
    advisories,
    check_completeness,
    language_accepted,
    raise_if_problems,
    validate_draft,
)
from comity.cases.document import RequestDocument
from comity.errors import TreatyDataError, ValidationFailed

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "request-document"
TODAY = dt.date(2026, 3, 10)


@dataclass(frozen=True)
class Cite:
    """A citation object as the Convention data has them: only its str() matters."""

    article: str

    def __str__(self) -> str:
        return f"UNCC Art {self.article}"


@dataclass(frozen=True)
class CitingItem:
    key: str
    label: str
    fields: tuple[str, ...]
    citations: tuple[Cite, ...]


def doc(**data: Any) -> RequestDocument:
    return RequestDocument.model_validate({"kind": "preservation", **data})


class TestVectors:
    @pytest.mark.parametrize(
        "name", ["complete-preservation", "incomplete-preservation", "malformed-preservation"]
    )
    def test_vector_problems(self, name: str, preservation_items: Any) -> None:
        data = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
        expected = json.loads((VECTORS / f"{name}.problems.json").read_text(encoding="utf-8"))
        _, problems = validate_draft(
            data, lambda kind: preservation_items, ["pt", "en"], today=TODAY
        )
        assert [p.as_dict() for p in problems] == expected

    def test_the_incomplete_vector_reports_each_kind_of_problem(self) -> None:
        expected = json.loads(
            (VECTORS / "incomplete-preservation.problems.json").read_text(encoding="utf-8")
        )
        fields = {p["field"] for p in expected}
        assert fields == {
            "facts", "data_categories", "data_relation", "custodian", "necessity",
            "follow_up_intent", "emergency", "period", "deadline", "confidentiality", "language",
        }  # fmt: skip
        assert all(p["citations"] for p in expected)


class TestMissing:
    def test_a_complete_document_has_no_problem(
        self, example: Any, preservation_items: Any
    ) -> None:
        document = RequestDocument.model_validate(example)
        assert check_completeness(document, preservation_items, ["pt"], today=TODAY) == []

    def test_each_missing_field_is_reported_with_its_item(self, preservation_items: Any) -> None:
        problems = check_completeness(doc(), preservation_items)
        assert len(problems) == 9
        offence = next(p for p in problems if p.field == "offence")
        assert offence.item == "offence_and_facts"
        assert offence.citations == ("UNCC Art 42(2)(b)",)
        assert offence.message == "missing: The offence and a brief summary of the facts"

    def test_citations_are_taken_by_str(self) -> None:
        item = CitingItem("facts", "Facts", ("facts",), (Cite("40(15)(c)"),))
        (problem,) = check_completeness(doc(), [item])
        assert problem.citations == ("UNCC Art 40(15)(c)",)
        assert str(problem) == "facts: missing: Facts (UNCC Art 40(15)(c))"

    def test_an_item_naming_an_unknown_field_is_a_data_error(self) -> None:
        item = CitingItem("x", "X", ("colour",), (Cite("1"),))
        with pytest.raises(TreatyDataError, match="'colour'"):
            check_completeness(doc(), [item])


class TestInvalid:
    def test_emergency_without_imminent_risk(self) -> None:
        (problem,) = check_completeness(doc(urgency={"level": "emergency", "reason": "x"}), [])
        assert (problem.field, problem.citations) == ("emergency", ("UNCC Art 2(o)",))

    def test_emergency_statement_on_a_routine_request(self) -> None:
        (problem,) = check_completeness(doc(emergency={"imminent_risk": "threat to life"}), [])
        assert problem.field == "urgency"

    def test_empty_emergency_statement(self) -> None:
        (problem,) = check_completeness(doc(emergency={"imminent_risk": ""}), [])
        assert problem.message == "emergency is present but states no imminent risk"

    def test_a_proper_emergency_passes(self) -> None:
        document = doc(
            urgency={"level": "emergency", "reason": "x"}, emergency={"imminent_risk": "hostage"}
        )
        assert check_completeness(document, []) == []

    def test_period_checks_use_the_items_citations(self, realtime_items: Any) -> None:
        document = doc(period={"start": "2026-03-02", "end": "2026-03-01"})
        problems = check_completeness(document, realtime_items)
        assert [p.message for p in problems] == [
            "period ends (2026-03-01) before it starts (2026-03-02)",
            "the period needs a justification of its duration",
        ]
        assert all(p.citations == ("UNCC Art 45",) and p.item == "period" for p in problems)

    def test_justification_only_needed_when_the_period_is_required(self) -> None:
        assert (
            check_completeness(doc(period={"start": "2026-03-01", "end": "2026-03-02"}), []) == []
        )

    def test_deadline_today_is_not_past(self) -> None:
        document = doc(deadline={"date": "2026-03-10", "reason": "trial date"})
        assert check_completeness(document, [], today=TODAY) == []
        assert len(check_completeness(document, [], today=TODAY + dt.timedelta(days=1))) == 1

    def test_deadline_is_not_checked_against_an_unknown_today(self) -> None:
        assert check_completeness(doc(deadline={"date": "2000-01-01", "reason": "x"}), []) == []

    def test_confidentiality_reason(self) -> None:
        assert check_completeness(doc(confidentiality={"confidential": False}), []) == []
        (problem,) = check_completeness(doc(confidentiality={"do_not_notify": True}), [])
        assert problem.citations == ("UNCC Art 42(2)(g)",)
        other = RequestDocument.model_validate(
            {"kind": "stored_data", "confidentiality": {"confidential": True}}
        )
        assert check_completeness(other, [])[0].citations == ("UNCC Art 40(20)",)


class TestLanguage:
    @pytest.mark.parametrize(
        ("tag", "accepted", "ok"),
        [
            ("pt", ["pt"], True),
            ("pt-BR", ["pt"], True),
            ("pt", ["pt-PT"], False),
            ("zh-Hans", ["zh-Hant"], False),
            ("zh-Hans-CN", ["en", "zh-Hans"], True),
            ("fr", [], False),
        ],
    )
    def test_coverage(self, tag: str, accepted: list[str], ok: bool) -> None:
        assert language_accepted(tag, accepted) is ok

    def test_missing_language_is_reported_when_the_state_notified_languages(self) -> None:
        (problem,) = check_completeness(doc(), [], ["pt", "en"])
        assert problem.message == "no language given; the requested State accepts: pt, en"
        assert problem.citations == ("UNCC Art 40(14)",)

    def test_missing_language_is_reported_once_when_required(self) -> None:
        item = CitingItem("language", "Language", ("language",), (Cite("40(14)"),))
        problems = check_completeness(doc(), [item], ["pt"])
        assert [p.item for p in problems] == ["language"]

    def test_no_notification_means_no_language_check(self) -> None:
        assert check_completeness(doc(language="fr"), [], None) == []


class TestDraftsAndErrors:
    def test_form_errors_skip_completeness(self, preservation_items: Any) -> None:
        document, problems = validate_draft({"kind": "nope"}, lambda k: preservation_items)
        assert document is None
        assert [(p.item, p.field) for p in problems] == [("format", "kind")]

    def test_the_kind_chooses_the_items(self) -> None:
        seen: list[str] = []

        def items(kind: str) -> list[CitingItem]:
            seen.append(kind)
            return []

        document, problems = validate_draft({"kind": "extradition"}, items)
        assert seen == ["extradition"]
        assert document is not None
        assert problems == []

    def test_raise_if_problems(self) -> None:
        raise_if_problems([])
        problem = Problem("facts", "Facts", "facts", ("UNCC Art 42(2)(b)",), "missing: Facts")
        with pytest.raises(ValidationFailed) as info:
            raise_if_problems([problem, problem])
        assert str(info.value) == "the request is not complete: 2 problems"
        assert info.value.problems == ["facts: missing: Facts (UNCC Art 42(2)(b))"] * 2
        with pytest.raises(ValidationFailed, match=r"1 problem$"):
            raise_if_problems([problem])

    def test_advisories_flag_ipv4_without_port(self) -> None:
        document = doc(
            identifiers=[
                {"type": "ip", "address": "198.51.100.1", "observed_at": "2026-01-01T00:00:00Z"},
                {"type": "ip", "address": "8.8.8.8", "observed_at": "2026-01-01T00:00:00Z"},
                {"type": "email", "address": "a@example.org"},
            ]
        )
        (advice,) = advisories(document)
        assert "8.8.8.8" in advice
