"""The manifest's rules: canonical bytes, strict members, safe item names."""

from __future__ import annotations

import json

import pytest

from comity.evidence import Manifest
from comity.evidence.manifest import check_item_name, format_time
from comity.evidence.signing import canonical


@pytest.fixture
def doc(sealed) -> dict:
    return sealed().manifest.to_json()


def test_round_trip(doc):
    assert Manifest.parse(canonical(doc)).to_json() == doc


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(extra=1), "unknown member 'extra'"),
        (lambda d: d.update(format="other/v9"), "not a comity-evidence-manifest/v1"),
        (lambda d: d.update(created="2026-01-15 09:30"), "ISO 8601"),
        (lambda d: d.update(recipients=[]), "at least one recipient"),
        (lambda d: d["items"].append(dict(d["items"][0])), "same name"),
        (lambda d: d["items"][0].update(size=-1), "bad size"),
        (lambda d: d["items"][0].update(size="1"), "bad size"),
        (lambda d: d["items"][0].update(sha256="ABC"), "sha256 is malformed"),
        (lambda d: d["items"][0].update(name="../x"), "escapes the output directory"),
        (lambda d: d["producer"].update(key_id="x"), "key_id is malformed"),
        (lambda d: d["recipients"][0].update(age_recipient="bob"), "age_recipient"),
        (lambda d: d["items"][0].update(acquisition={"when": "x"}), "unknown member"),
    ],
)
def test_invalid_manifests(doc, change, reason):
    change(doc)
    with pytest.raises(ValueError, match=reason):
        Manifest.parse(canonical(doc))


def test_non_canonical_bytes_are_refused(doc):
    with pytest.raises(ValueError, match="canonical"):
        Manifest.parse(json.dumps(doc, indent=1).encode())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../x", "escapes"),
        ("/etc/passwd", "escapes"),
        ("..", "escapes"),
        ("a/../../b", "escapes"),
        ("a/b", "directory part"),
        ("a\\b", "directory part"),
        (".", "bad item name"),
        ("", "bad item name"),
        ("x" * 256, "bad item name"),
        ("bell\x07", "control character"),
    ],
)
def test_unsafe_item_names(name, reason):
    with pytest.raises(ValueError, match=reason):
        check_item_name(name)


def test_names_may_be_unicode():
    assert check_item_name("correo électronique 邮件.mbox")


def test_format_time_needs_a_zone():
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone"):
        format_time(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
