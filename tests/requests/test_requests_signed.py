"""Signed messages: the vector, tampering, and a rejected message that changes nothing else."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from requests_helpers import Node, preservation_document

from comity.errors import SignatureInvalid
from comity.services import requests as service
from comity.services.messaging import receive_message
from comity.signed import canonical_bytes, sign_json, verify_json

VECTOR = json.loads(
    (Path(__file__).parents[1] / "vectors" / "signed-message" / "vector.json").read_text("utf-8")
)


def _key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["private_key_seed_hex"]))


class TestVector:
    def test_signing_reproduces_the_vector(self) -> None:
        envelope = VECTOR["envelope"]
        assert sign_json(envelope["payload"], _key(), signer=envelope["signer"]) == envelope
        unsigned = {k: v for k, v in envelope.items() if k != "signature"}
        assert canonical_bytes(unsigned).decode() == VECTOR["signed_bytes_utf8"]
        assert verify_json(envelope, _key().public_key()) == envelope["payload"]

    @pytest.mark.parametrize(
        ("where", "value"),
        [("signer", "prt-247"), ("payload", {"x": 1}), ("key_id", "sha256:00"),
         ("signature", "AAAA"), ("format", "other/1")],
    )  # fmt: skip
    def test_any_change_fails_verification(self, where: str, value: object) -> None:
        tampered = copy.deepcopy(VECTOR["envelope"])
        tampered[where] = value
        with pytest.raises(SignatureInvalid):
            verify_json(tampered, _key().public_key())

    def test_another_key_fails(self) -> None:
        with pytest.raises(SignatureInvalid, match="key"):
            verify_json(VECTOR["envelope"], Ed25519PrivateKey.generate().public_key())


class TestReceiving:
    def test_a_bad_signature_is_rejected_recorded_and_changes_nothing(self, node: Node) -> None:
        view = service.draft(node.engine, node.fra, preservation_document(), officer="a")
        service.act(node.engine, node.settings, node.fra, view.row.reference, "approve",
                    transport=node.transport, officer="a")  # fmt: skip
        intercepted: list[dict[str, object]] = []

        class Recorder:
            def deliver(self, envelope: dict[str, object]) -> object:
                intercepted.append(dict(envelope))
                from comity.transport import Delivery

                return Delivery("undeliverable", "held for the test")

        service.act(node.engine, node.settings, node.fra, view.row.reference, "send",
                    transport=Recorder(), officer="a")  # type: ignore[arg-type]  # fmt: skip
        forged = copy.deepcopy(intercepted[0])
        forged["payload"]["document"]["facts"] = "Forged facts."  # type: ignore[index]
        before = node.counts()
        with pytest.raises(SignatureInvalid):
            receive_message(node.engine, node.settings, forged)
        after = node.counts()
        assert after["requests"] == before["requests"]
        assert after["request_transitions"] == before["request_transitions"]
        assert after["messages"] == before["messages"] + 1
        assert after["events"] == before["events"] + 1  # the message.rejected event
        rejected = service_messages(node)
        assert rejected[0]["status"] == "rejected"
        assert "does not verify" in rejected[0]["reason"]
        # The genuine message still goes through afterwards.
        assert node.transport.deliver(intercepted[0]).status == "accepted"
        assert node.transport.deliver(intercepted[0]).status == "duplicate"

    def test_a_message_signed_by_someone_else_is_rejected(self, node: Node) -> None:
        envelope = sign_json({"type": "x", "sender": "fra-ca", "recipient": "prt-247"},
                             Ed25519PrivateKey.generate(), signer="fra-ca")  # fmt: skip
        with pytest.raises(SignatureInvalid, match="not the directory's key"):
            receive_message(node.engine, node.settings, envelope)


def service_messages(node: Node) -> list[dict[str, object]]:
    from comity.services.messaging import list_messages_of

    return list_messages_of(node.engine, "prt-247", status="rejected")
