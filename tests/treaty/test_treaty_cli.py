"""``comity treaty check | show | kinds`` against the real command group."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from comity.cli import app
from conftest import FIXTURES

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["treaty", *args])


class TestCheck:
    def test_shipped_data_passes_with_a_one_line_summary(self):
        result = invoke("check")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("uncc 0.1.0 (as of 2026-11-29): OK: ")
        assert "9 request kinds" in lines[0]
        assert "provisions not verified" in lines[0]

    def test_json_counts_add_up(self):
        result = invoke("check", "--json")
        assert result.exit_code == 0
        counts = json.loads(result.stdout)
        assert counts["request_kinds"] == 9
        assert counts["offences"] == 11
        assert sum(counts["confidence"].values()) == counts["provisions"]
        assert counts["not_verified"] == counts["provisions"] - counts["confidence"]["verified"]

    @pytest.mark.parametrize("fixture", ["malformed_yaml", "duplicate_key", "dangling_reference"])
    def test_bad_data_gives_one_line_with_file_and_line_and_no_trace(self, fixture, data_copy):
        for broken in (FIXTURES / fixture).glob("*.yaml"):
            shutil.copy(broken, data_copy / broken.name)
        result = invoke("check", "--data", str(data_copy))
        assert result.exit_code == 65
        assert result.stdout == ""
        expected = (FIXTURES / fixture / "expected.txt").read_text(encoding="utf-8")
        assert result.stderr.startswith(f"error: {data_copy}/{expected}")
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr

    def test_unknown_instrument(self):
        result = invoke("check", "--instrument", "budapest")
        assert result.exit_code == 66
        assert result.stderr == "error: no instrument data for 'budapest'\n"


class TestShow:
    def test_article_with_tags_and_everything_citing_it(self):
        result = invoke("show", "42")
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.startswith("UNCC Art 42 [UNVERIFIED] International cooperation")
        assert "Art 42(7) [PARAGRAPH UNCERTAIN] Duration" in out
        assert "(g) As appropriate" in out
        assert "time_rule       preservation_minimum_days" in out
        assert "notification    reservation_art_42" in out
        assert "request_item    preservation.necessity" in out
        assert out.rstrip().endswith("confirm them before relying on them.")

    def test_verified_article_carries_no_warning(self):
        result = invoke("show", "7")
        assert result.exit_code == 0
        assert "[VERIFIED]" in result.stdout
        assert "confirm them" not in result.stdout

    def test_one_paragraph(self):
        result = invoke("show", "65(1)")
        assert result.exit_code == 0
        assert "Art 65(1) [VERIFIED] General entry into force" in result.stdout
        assert "Art 65(2)" not in result.stdout
        assert "entry_into_force_days_after_40th" in result.stdout
        assert "late_deposit_days" not in result.stdout

    def test_json(self):
        result = invoke("show", "Art 40(15)", "--json")
        assert result.exit_code == 0
        data = json.loads(result.stdout)
        assert [p["paragraph"] for p in data["provisions"]] == [None, 15]
        para = data["provisions"][1]
        assert para["confidence"] == "paragraph_uncertain"
        assert para["certain"] is False
        assert set(para["items"]) == set("abcdef")
        assert {e["section"] for e in data["cited_by"]} == {"request_item"}
        assert all(e["citation"]["paragraph"] == 15 for e in data["cited_by"])

    @pytest.mark.parametrize(("article", "message"), [("99", "Art 99"), ("42(99)", "Art 42(99)")])
    def test_unknown_article_is_not_found(self, article, message):
        result = invoke("show", article)
        assert result.exit_code == 66
        assert result.stderr == f"error: UNCC {message} is not in the data\n"

    def test_not_an_article_number(self):
        result = invoke("show", "forty-two")
        assert result.exit_code == 2
        assert "not an article number" in result.stderr


class TestKinds:
    def test_json_lists_the_nine_kinds_with_cited_tagged_items(self):
        result = invoke("kinds", "--json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["instrument"] == "uncc"
        assert len(data["kinds"]) == 9
        for kind in data["kinds"]:
            assert kind["article"]["label"].startswith("UNCC Art ")
            assert kind["article"]["confidence"]
            for item in kind["required"]:
                assert item["cites"]
                for cite in item["cites"]:
                    assert {"article", "paragraph", "item", "confidence"} <= set(cite)

    def test_text_shows_every_kind_and_its_tags(self):
        result = invoke("kinds")
        assert result.exit_code == 0
        out = result.stdout
        for key in ("preservation", "assistance_24_7", "spontaneous_information"):
            assert f"\n{key} - " in f"\n{out}"
        assert "- requesting_authority: The authority seeking the preservation" in out
        assert "Art 42(2)(a) [PARAGRAPH UNCERTAIN]" in out
        assert "confidentiality (as appropriate)" in out
