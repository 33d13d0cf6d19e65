"""The committed test vector in tests/vectors/evidence must keep verifying and opening."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from comity.evidence import (
    CustodyLog,
    Manifest,
    check_package,
    load_identities,
    load_public,
    load_receipt,
    open_package,
    receipt_path,
)

VECTOR = Path(__file__).parents[1] / "vectors" / "evidence"
PACKAGE = VECTOR / "sample.age"


def test_vector_opens_and_matches_the_expected_manifest(tmp_path):
    producer = load_public(VECTOR / "keys" / "producer.pub.json")
    opened = open_package(
        PACKAGE,
        load_identities(VECTOR / "keys" / "recipient.identity"),
        output=tmp_path / "out",
        producers=[producer],
    )
    expected = (VECTOR / "expected-manifest.json").read_bytes()
    assert opened.manifest.canonical() == expected
    assert (tmp_path / "out" / "manifest.json").read_bytes() == expected
    for item in Manifest.parse(expected).items:
        data = (tmp_path / "out" / "items" / item.name).read_bytes()
        assert data == (VECTOR / "items" / item.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256


def test_vector_receipt_and_custody():
    receipt = load_receipt(receipt_path(PACKAGE), [load_public(VECTOR / "keys/producer.pub.json")])
    check_package(PACKAGE, receipt)
    events = CustodyLog.beside(PACKAGE).read()
    assert [(e.action, e.person, e.time) for e in events] == [
        ("sealed", "Test Officer", "2026-01-15T09:30:00Z")
    ]
    assert events[0].document["package_sha256"] == receipt.package_sha256


@pytest.mark.skipif(shutil.which("age") is None, reason="Debian package 'age' needed")
def test_vector_opens_with_age_and_tar(tmp_path):
    identity = tmp_path / "id"
    identity.write_bytes((VECTOR / "keys" / "recipient.identity").read_bytes())
    plain = subprocess.run(
        ["age", "-d", "-i", str(identity), str(PACKAGE)], capture_output=True, check=True
    ).stdout
    listing = subprocess.run(["tar", "-t"], input=plain, capture_output=True, check=True)
    assert listing.stdout.decode().split() == [
        "items/mailbox.mbox",
        "items/subscriber.json",
        "manifest.json",
        "manifest.sig",
    ]
