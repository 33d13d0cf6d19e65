"""Regenerate the evidence-package test vector (run from the repository root).

    .venv/bin/python tests/vectors/evidence/generate.py

The keys are derived from fixed labels, so they are TEST KEYS ONLY: anyone can recompute them.
age uses fresh randomness (file key, nonce, ephemeral share) for every package, so the package
differs each time this runs; the committed files are the vector, not this script's output.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from comity.evidence import Acquisition, AuthorityKeys, ItemSource, seal
from comity.evidence.age_header import AgeIdentity

HERE = Path(__file__).parent


def fixed_keys(label: str) -> AuthorityKeys:
    """Deterministic test keys: never use these for anything but tests."""
    seed = hashlib.sha256(f"comity test vector {label}".encode()).digest()
    return AuthorityKeys(
        label,
        Ed25519PrivateKey.from_private_bytes(seed),
        AgeIdentity(hashlib.sha256(seed).digest()),
    )


def main() -> None:
    producer, recipient = fixed_keys("producer"), fixed_keys("recipient")
    for name in ("sample.age", "sample.age.receipt.json", "sample.age.custody.jsonl"):
        (HERE / name).unlink(missing_ok=True)
    keys = HERE / "keys"
    shutil.rmtree(keys, ignore_errors=True)
    producer.write(keys)
    recipient.write(keys)
    items = HERE / "items"
    mail = items / "mailbox.mbox"
    sealed = seal(
        [
            ItemSource(
                mail,
                acquisition=Acquisition(
                    method="provider export (IMAP)",
                    time="2026-01-14T16:00:00Z",
                    sha256=hashlib.sha256(mail.read_bytes()).hexdigest(),
                ),
            ),
            ItemSource(items / "subscriber.json"),
        ],
        request="MX-2026-000123",
        producer=producer,
        recipients=[recipient.public],
        output=HERE / "sample.age",
        person="Test Officer",
        created=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        package_id="0190f3a2-7c1e-7000-8000-000000000001",
    )
    (HERE / "expected-manifest.json").write_bytes(sealed.manifest.canonical())


if __name__ == "__main__":
    main()
