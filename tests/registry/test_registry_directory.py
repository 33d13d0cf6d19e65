"""The directory of authorities: parsing, keys, validity, staleness (vectors)."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from comity.errors import ImportRejected
from comity.registry.directory import (
    decode_age_recipient,
    directory_to_json,
    encode_age_recipient,
    parse_directory_json,
)

VECTORS = Path(__file__).parent.parent / "vectors" / "registry-directory"
EXPECTED = json.loads((VECTORS / "expected.json").read_text("utf-8"))


def load() -> dict[str, object]:
    return json.loads((VECTORS / "directory.json").read_text("utf-8"))


def entries() -> dict[str, object]:
    text = (VECTORS / "directory.json").read_text("utf-8")
    return {a.id: a for a in parse_directory_json(text, source="directory.json")}


def test_keys_decode_to_the_published_vectors() -> None:
    authority = entries()["fra-central-authority"]
    raw = authority.ed25519_public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert raw.hex() == EXPECTED["signing_key_hex"]
    for recipient, key_hex in EXPECTED["age_recipient_hex"].items():
        assert decode_age_recipient(recipient).hex() == key_hex
        assert encode_age_recipient(bytes.fromhex(key_hex)) == recipient


def test_age_readme_recipient_round_trips() -> None:
    recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
    assert encode_age_recipient(decode_age_recipient(recipient)) == recipient


def test_generated_keys_round_trip() -> None:
    x = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert decode_age_recipient(encode_age_recipient(x)) == x
    e = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    document = load()
    document["authorities"][0]["signing_key"] = base64.b64encode(e).decode()
    parsed = parse_directory_json(json.dumps(document), source="d")
    assert any(a.signing_key == base64.b64encode(e).decode() for a in parsed)


@pytest.mark.parametrize("case", EXPECTED["stale"])
def test_stale_after_365_days(case: dict[str, object]) -> None:
    authority = entries()[case["id"]]
    assert authority.is_stale_on(date.fromisoformat(case["on"])) is case["stale"]


@pytest.mark.parametrize("case", EXPECTED["valid"])
def test_validity_period_inclusive(case: dict[str, object]) -> None:
    authority = entries()[case["id"]]
    assert authority.is_valid_on(date.fromisoformat(case["on"])) is case["valid"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("signing_key", "AAAA", "32-byte Ed25519"),
        (
            "age_recipient",
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q",
            "checksum",
        ),
        ("age_recipient", "AGE1QL3Z", "lower case"),
        ("role", "prosecutor", "unknown role 'prosecutor'"),
        ("participant", "XXX", "unknown participant code"),
        ("contact", {"fax": "1"}, '"contact"'),
        ("languages", [], '"languages"'),
        ("confirmed", "2026-02-30", "not a calendar date"),
        ("valid_until", "2025-01-01", "before valid_from"),
    ],
)
def test_bad_entry_names_row_and_field(field: str, value: object, message: str) -> None:
    document = load()
    document["authorities"][1][field] = value
    with pytest.raises(ImportRejected) as caught:
        parse_directory_json(json.dumps(document), source="directory.json")
    assert caught.value.row == 2
    assert message in str(caught.value)


def test_duplicate_id_and_missing_field() -> None:
    document = load()
    document["authorities"][1]["id"] = "fra-central-authority"
    with pytest.raises(ImportRejected, match="row 2: duplicate authority id"):
        parse_directory_json(json.dumps(document), source="d")
    document = load()
    del document["authorities"][0]["hours"]
    with pytest.raises(ImportRejected, match=r"row 1: missing fields \['hours'\]"):
        parse_directory_json(json.dumps(document), source="d")


def test_export_round_trips() -> None:
    parsed = parse_directory_json((VECTORS / "directory.json").read_text("utf-8"), source="d")
    again = parse_directory_json(json.dumps(directory_to_json(parsed)), source="e")
    assert set(again) == set(parsed)
