"""Signed JSON messages: Ed25519 (RFC 8032) over RFC 8785 canonical JSON.

An *envelope* carries a JSON ``payload``, who signed it and with which key, and the signature::

    {"format": "comity.signed/1", "signer": "fra-central-authority",
     "key_id": "sha256:<hex>", "payload": {...}, "signature": "<base64>"}

The signature is Ed25519 (RFC 8032 §5.1.6) over the RFC 8785 (JCS) canonical form of the
envelope *without* its ``signature`` member, so the signer, the key id and the payload are all
covered. ``key_id`` is ``sha256:`` and the lower-case hex SHA-256 of the 32-byte raw public key
(RFC 8032 §5.1.5). ``signature`` is standard base64 (RFC 4648 §4). The envelope is plain JSON:
any transport (in-process today, HTTPS between nodes later) carries it unchanged.

This module is pure (no storage, no network); format: ``docs/formats/signed-message.md``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from comity.errors import SignatureInvalid

__all__ = ["SIGNED_FORMAT", "canonical_bytes", "key_id", "sign_json", "verify_json"]

SIGNED_FORMAT = "comity.signed/1"
_MEMBERS = frozenset({"format", "signer", "key_id", "payload", "signature"})


def key_id(public_key: Ed25519PublicKey) -> str:
    """``sha256:`` + hex SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value; a non-JSON value is refused."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise SignatureInvalid(f"the message is not canonicalisable JSON: {error}") from None


def sign_json(
    payload: Mapping[str, Any], private_key: Ed25519PrivateKey, *, signer: str
) -> dict[str, Any]:
    """The envelope of ``payload`` signed by ``signer`` (its directory id) with its key."""
    unsigned: dict[str, Any] = {
        "format": SIGNED_FORMAT,
        "signer": signer,
        "key_id": key_id(private_key.public_key()),
        "payload": dict(payload),
    }
    signature = private_key.sign(canonical_bytes(unsigned))
    return {**unsigned, "signature": base64.b64encode(signature).decode("ascii")}


def verify_json(envelope: Any, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The payload of ``envelope`` if it is well formed and signed by ``public_key``.

    Raises :class:`~comity.errors.SignatureInvalid` with a one-line reason otherwise: not an
    envelope, an unknown format, a key id that is not this key's, a malformed or wrong
    signature.
    """
    if not isinstance(envelope, Mapping) or set(envelope) != _MEMBERS:
        raise SignatureInvalid(f"not a signed envelope: members must be {sorted(_MEMBERS)}")
    if envelope["format"] != SIGNED_FORMAT:
        raise SignatureInvalid(f"unknown envelope format {envelope['format']!r}")
    if not isinstance(envelope["payload"], Mapping) or not isinstance(envelope["signer"], str):
        raise SignatureInvalid("the envelope's payload must be an object and signer a string")
    if envelope["key_id"] != key_id(public_key):
        raise SignatureInvalid(
            f"the envelope was signed with key {envelope['key_id']!r}, not the directory's key "
            f"of {envelope['signer']!r}"
        )
    try:
        signature = base64.b64decode(str(envelope["signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureInvalid("the signature is not base64") from None
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    try:
        public_key.verify(signature, canonical_bytes(unsigned))
    except InvalidSignature:
        raise SignatureInvalid(
            f"the signature of {envelope['signer']!r} does not verify over the message"
        ) from None
    return dict(envelope["payload"])
