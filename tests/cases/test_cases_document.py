from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from comity.cases.document import (
    FIELD_KEYS,
    REQUEST_KINDS,
    SCHEMA_ID,
    MaximumPenalty,
    RequestDocument,
    filled_fields,
    request_json_schema,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "formats" / "examples" / "preservation-request.json"


class TestExample:
    def test_the_documented_example_validates(self, example: dict[str, Any]) -> None:
        document = RequestDocument.model_validate(example)
        assert document.kind == "preservation"
        assert document.offence is not None
        assert document.offence.maximum_penalty == MaximumPenalty(years=7)

    def test_the_example_round_trips_through_json(self, example: dict[str, Any]) -> None:
        document = RequestDocument.model_validate(example)
        again = RequestDocument.model_validate_json(document.model_dump_json(by_alias=True))
        assert again == document

    def test_the_format_document_shows_the_example_and_every_field(self) -> None:
        text = (ROOT / "docs" / "formats" / "request-document.md").read_text(encoding="utf-8")
        assert "examples/preservation-request.json" in text
        for key in (*FIELD_KEYS, "reference", "requesting_state", "requested_state", "kind"):
            assert f"`{key}`" in text, key
        for kind in REQUEST_KINDS:
            assert f"`{kind}`" in text, kind


class TestForm:
    def test_a_bare_draft_is_valid_and_fills_nothing(self) -> None:
        document = RequestDocument(kind="mutual_legal_assistance")
        assert filled_fields(document) == set()

    def test_unknown_keys_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            RequestDocument.model_validate({"kind": "preservation", "colour": "blue"})

    @pytest.mark.parametrize(
        ("data", "where"),
        [
            ({"kind": "letter"}, "kind"),
            ({"kind": "preservation", "requesting_state": "FR"}, "requesting_state"),
            ({"kind": "preservation", "requested_state": "fra"}, "requested_state"),
            ({"kind": "preservation", "language": "klingon-XX"}, "language"),
            ({"kind": "preservation", "reference": "2026-123"}, "reference"),
            ({"kind": "preservation", "data_categories": ["metadata"]}, "data_categories"),
            ({"kind": "preservation", "data_categories": ["traffic", "traffic"]}, "twice"),
            ({"kind": "preservation", "legal_basis": {}}, "legal_basis"),
            (
                {"kind": "preservation", "legal_basis": {"instrument": "uncc", "treaty": "X"}},
                "legal_basis",
            ),
            ({"kind": "preservation", "offence": {"maximum_penalty": {}}}, "maximum_penalty"),
            (
                {
                    "kind": "preservation",
                    "offence": {"maximum_penalty": {"years": 2, "life": True}},
                },
                "maximum_penalty",
            ),
            ({"kind": "preservation", "offence": {"convention_article": 40}}, "convention_article"),
        ],
    )
    def test_bad_values_name_their_field(self, data: dict[str, Any], where: str) -> None:
        with pytest.raises(ValidationError, match=where):
            RequestDocument.model_validate(data)

    def test_languages_are_bcp47_tags(self) -> None:
        for tag in ("fr", "pt-BR", "zh-Hans-CN", "ar"):
            assert RequestDocument(kind="preservation", language=tag).language == tag


class TestPenalty:
    @pytest.mark.parametrize(
        ("penalty", "serious"),
        [
            (MaximumPenalty(years=4), True),
            (MaximumPenalty(years=3.5), False),
            (MaximumPenalty(life=True), True),
        ],
    )
    def test_serious_crime_threshold_is_four_years(
        self, penalty: MaximumPenalty, serious: bool
    ) -> None:
        assert penalty.serious_crime is serious

    def test_penalty_is_filled_through_the_offence(self) -> None:
        document = RequestDocument.model_validate(
            {"kind": "extradition", "offence": {"maximum_penalty": {"life": True}}}
        )
        assert filled_fields(document) == {"penalty"}


class TestFilledFields:
    def test_blank_and_half_values_are_not_filled(self) -> None:
        document = RequestDocument.model_validate(
            {
                "kind": "realtime_traffic_data",
                "facts": "   ",
                "requesting_authority": {"name": ""},
                "period": {"start": "2026-01-01"},
                "urgency": {"level": "urgent"},
                "emergency": {"imminent_risk": " "},
                "follow_up_intent": {"intended": False},
                "custodian": {},
                "persons": [{"name": ""}],
                "use_restrictions": [" "],
            }
        )
        assert filled_fields(document) == set()

    def test_the_example_fills_what_it_says(self, example: dict[str, Any]) -> None:
        filled = filled_fields(RequestDocument.model_validate(example))
        assert {
            "requesting_authority",
            "penalty",
            "period",
            "follow_up_intent",
            "urgency",
        } <= filled
        assert {"emergency", "information", "persons", "linked_request"}.isdisjoint(filled)

    def test_every_field_key_can_be_filled(self) -> None:
        data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        data.update(
            persons=[{"name": "J. Doe", "role": "suspect", "nationality": "FRA"}],
            assistance_sought="Disclosure",
            purpose="Prosecution",
            use_restrictions=["Only for PNC-2026-0417"],
            emergency={"imminent_risk": "A threat to kill"},
            urgency={"level": "emergency", "reason": "threat"},
            linked_request="FR-2026-000122",
            service_provider={"name": "Example Mail", "state": "PRT"},
            communication_path="via AS64500",
            information="Logs attached",
        )
        assert filled_fields(RequestDocument.model_validate(data)) == set(FIELD_KEYS)


class TestSchema:
    def test_schema_has_id_title_and_forbids_extra_keys(self) -> None:
        schema = request_json_schema()
        assert schema["$id"] == SCHEMA_ID
        assert schema["title"] == "Comity request document"
        assert schema["additionalProperties"] is False
        assert "$schema" in schema["properties"]
        assert set(FIELD_KEYS) - {"penalty"} <= set(schema["properties"])

    def test_schema_lists_the_identifier_types(self) -> None:
        text = json.dumps(request_json_schema())
        for kind in ("email", "phone", "ip", "domain", "url", "account", "virtual_asset"):
            assert f'"const": "{kind}"' in text
