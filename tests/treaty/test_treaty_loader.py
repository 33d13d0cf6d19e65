"""The strict loader: every broken input is one TreatyDataError naming the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from comity.errors import TreatyDataError
from comity.treaty import load_instrument_dir
from conftest import FIXTURES, edit, shipped_dir

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _load_error(directory: Path) -> TreatyDataError:
    with pytest.raises(TreatyDataError) as caught:
        load_instrument_dir(directory)
    return caught.value


def test_every_error_class_has_a_fixture():
    names = {p.name for p in FIXTURE_DIRS}
    assert names == {
        "bad_tag",
        "dangling_reference",
        "duplicate_key",
        "malformed_yaml",
        "missing_citation",
        "unknown_key",
    }


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda p: p.name)
def test_broken_fixture_names_file_and_line(fixture: Path, data_copy: Path):
    for broken in fixture.glob("*.yaml"):
        shutil.copy(broken, data_copy / broken.name)
    expected = (fixture / "expected.txt").read_text(encoding="utf-8")
    error = _load_error(data_copy)
    assert str(error).startswith(f"{data_copy}/{expected}")
    assert error.path is not None
    assert error.line is not None
    assert str(error).startswith(f"{error.path}:{error.line}: ")
    assert "\n" not in str(error)


def test_the_shipped_data_loads_from_a_directory_too():
    assert load_instrument_dir(shipped_dir(), key="uncc").key == "uncc"


@pytest.mark.parametrize(
    ("file", "old", "new", "message", "line"),
    [
        (
            "notifications.yaml",
            "  - key: reservation_art_63",
            "  - key: reservation_art_42",
            "duplicate key 'reservation_art_42'",
            None,
        ),
        (
            "provisions.yaml",
            "  - article: 3\n",
            "  - article: 2\n",
            "duplicate article 2",
            None,
        ),
        (
            "provisions.yaml",
            "      - paragraph: 7\n        title: Duration",
            "      - paragraph: 6\n        title: Duration",
            "duplicate paragraph 6",
            None,
        ),
        (
            "request_kinds.yaml",
            "notifications: [extradition_legal_basis]",
            "notifications: [extradition_basis]",
            "dangling reference: unknown notification 'extradition_basis'",
            None,
        ),
        (
            "request_kinds.yaml",
            "fields: [follow_up_intent]",
            "fields: [follow_up]",
            "dangling reference: unknown request field 'follow_up'",
            None,
        ),
        (
            "refusal.yaml",
            "applies_to: [preservation]\n    requires_notification",
            "applies_to: [conservation]\n    requires_notification",
            "dangling reference: unknown request kind 'conservation'",
            None,
        ),
        (
            "refusal.yaml",
            "requires_notification: reservation_art_42",
            "requires_notification: reservation_art_99",
            "dangling reference: unknown notification 'reservation_art_99'",
            None,
        ),
        (
            "offences.yaml",
            "reservations: [reservation_art_11]",
            "reservations: [central_authority]",
            "dangling reference: unknown reservation 'central_authority'",
            None,
        ),
        (
            "provisions.yaml",
            "    sources: [S16, S11]",
            "    sources: [S16, S99]",
            "dangling reference: unknown source 'S99'",
            None,
        ),
        (
            "request_kinds.yaml",
            "cites: [Art 42(2)(g)]",
            "cites: [Art 42(2)(h)]",
            "dangling reference: Art 42(2)(h) has no item (h)",
            None,
        ),
        (
            "request_kinds.yaml",
            "cites: [Art 42(2)(g)]",
            "cites: [budapest Art 29(2)]",
            "dangling reference: unknown instrument in Art 29(2)",
            None,
        ),
        (
            "request_kinds.yaml",
            "cites: [Art 42(2)(g)]",
            "cites: [Article forty-two]",
            "cannot read citation 'Article forty-two'",
            None,
        ),
        (
            "request_kinds.yaml",
            "cites: [Art 42(2)(g)]",
            "cites: []",
            "missing citation: 'cites' is empty",
            None,
        ),
        (
            "request_kinds.yaml",
            "        condition: as appropriate\n",
            "",
            "optional item 'confidentiality' must state its condition",
            None,
        ),
        (
            "provisions.yaml",
            "    confidence: verified\n    sources: [S1]\n    paraphrase: Definitions",
            "    confidence: verified\n    sources: []\n    paraphrase: Definitions",
            "a verified provision must name its sources",
            None,
        ),
        (
            "time_rules.yaml",
            "    value: 60\n",
            "    value: 60\n    date: 2026-01-01\n",
            "a rule in days has a 'value' and no 'date'",
            None,
        ),
        (
            "time_rules.yaml",
            "    value: 60\n",
            "    value: '60'\n",
            "Input should be a valid integer",
            None,
        ),
        (
            "offences.yaml",
            "    cites: [Art 7(1)]",
            "    cites: [Art 8(1)]",
            "offence of Art 7 cites Art 8(1)",
            None,
        ),
        ("instrument.yaml", "key: uncc", "key: budapest", "does not match the directory", 3),
        (
            "request_kinds.yaml",
            "      - key: persons\n        label: The identity, location and nationality",
            "      - key: purpose\n        label: The identity, location and nationality",
            "duplicate item 'purpose'",
            None,
        ),
        ("instrument.yaml", "short_title:", "shorter_title:", "missing key 'short_title'", 3),
        (
            "refusal.yaml",
            "  - key: fiscal_matters",
            "  - key: discrimination",
            "duplicate key 'discrimination'",
            None,
        ),
        (
            "time_rules.yaml",
            "    date: 2025-10-25\n",
            "",
            "a rule with unit 'date' has a 'date' and no 'value'",
            None,
        ),
        ("instrument.yaml", "version: 0.1.0", "version: one", "version:", None),
        ("request_fields.yaml", "fields:", "- fields:", "expected a mapping at the top", 3),
    ],
)
def test_inconsistent_data_is_refused(data_copy, file, old, new, message, line):
    edit(data_copy / file, old, new)
    with pytest.raises(TreatyDataError) as caught:
        load_instrument_dir(data_copy, key="uncc")
    error = caught.value
    assert message in str(error)
    assert error.path == f"{data_copy}/{file}"
    assert error.line is not None
    if line is not None:
        assert error.line == line


def test_a_reported_line_points_at_the_offending_entry(data_copy):
    path = data_copy / "request_kinds.yaml"
    edit(path, "cites: [Art 42(2)(g)]", "cites: [Art 42(2)(h)]")
    error = _load_error(data_copy)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "Art 42(2)(h)" in lines[error.line - 1]


def test_an_unknown_file_is_refused(data_copy):
    (data_copy / "refusals.yaml").write_text("grounds: []\n", encoding="utf-8")
    error = _load_error(data_copy)
    assert error.path == f"{data_copy}/refusals.yaml"
    assert "unknown data file" in str(error)


def test_a_missing_file_is_refused(data_copy):
    (data_copy / "offences.yaml").unlink()
    error = _load_error(data_copy)
    assert str(error) == f"{data_copy}/offences.yaml: missing data file"


def test_an_empty_file_is_refused(data_copy):
    (data_copy / "offences.yaml").write_text("# nothing\n", encoding="utf-8")
    assert "the file is empty" in str(_load_error(data_copy))


def test_two_documents_are_refused(data_copy):
    path = data_copy / "offences.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "---\noffences: []\n", encoding="utf-8")
    assert "malformed YAML" in str(_load_error(data_copy))


def test_not_a_directory(tmp_path):
    error = _load_error(tmp_path / "nowhere")
    assert str(error) == f"{tmp_path / 'nowhere'}: not a data directory"


def test_undecodable_file(data_copy):
    (data_copy / "offences.yaml").write_bytes(b"offences: [\xff\xfe]\n")
    assert "cannot read the file" in str(_load_error(data_copy))


def test_python_tags_are_refused_not_executed(data_copy):
    edit(
        data_copy / "time_rules.yaml",
        "    value: 60\n",
        "    value: !!python/object:os.getcwd 60\n",
    )
    error = _load_error(data_copy)
    assert "malformed YAML: could not determine a constructor" in str(error)
    assert error.line == 9
