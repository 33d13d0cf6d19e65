"""The format's test vectors (docs/formats/treaty-data.md): a minimal valid instrument."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from comity.cli import app
from comity.treaty import Confidence, kind_dict, load_instrument_dir

MINIMAL = Path(__file__).parents[1] / "vectors" / "treaty-data" / "minimal"


def test_minimal_instrument_exports_as_recorded():
    example = load_instrument_dir(MINIMAL)
    expected = json.loads((MINIMAL / "expected-kinds.json").read_text(encoding="utf-8"))
    assert [kind_dict(example, kind) for kind in example.kinds] == expected


def test_an_item_is_as_weak_as_its_weakest_citation():
    example = load_instrument_dir(MINIMAL)
    data = example.request_kind("preservation").required[1]
    tags = [example.confidence(c) for c in data.cites]
    assert tags == [Confidence.VERIFIED, Confidence.PARAGRAPH_UNCERTAIN]
    exported = kind_dict(example, example.request_kind("preservation"))
    assert exported["required"][1]["confidence"] == "paragraph_uncertain"


def test_check_accepts_another_instrument_directory():
    result = CliRunner().invoke(app, ["treaty", "check", "--data", str(MINIMAL)])
    assert result.exit_code == 0
    assert result.stdout.startswith("example 1.0.0 (as of 2026-01-01): OK: 3 provisions")
