"""Signed JSON documents: RFC 8785 canonical JSON signed with Ed25519 (RFC 8032).

A signed document is a JSON object with a ``signature`` member::

    {..., "signature": {"alg": "Ed25519", "key_id": "<32 hex>", "value": "<base64>"}}

The signature covers ``JCS(document without "signature")`` (RFC 8785), so any implementation
can check it. Receipts and custody events are signed this way; the manifest is instead signed
detached, over its exact canonical bytes (``manifest.sig``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import rfc8785

from comity.errors import SignatureInvalid
from comity.evidence.keys import AuthorityKeys, PublicAuthority

__all__ = ["canonical", "sign_document", "verify_document"]


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 encoding of a JSON value."""
    encoded: bytes = rfc8785.dumps(value)
    return encoded


def sign_document(document: dict[str, Any], keys: AuthorityKeys) -> dict[str, Any]:
    """A copy of ``document`` with its Ed25519 ``signature`` member added."""
    body = {k: v for k, v in document.items() if k != "signature"}
    signature = keys.sign(canonical(body))
    return {
        **body,
        "signature": {
            "alg": "Ed25519",
            "key_id": keys.public.key_id,
            "value": base64.b64encode(signature).decode(),
        },
    }


def verify_document(document: dict[str, Any], signer: PublicAuthority, what: str) -> None:
    """Raise SignatureInvalid unless ``document`` carries ``signer``'s valid signature."""
    sig = document.get("signature")
    if not isinstance(sig, dict) or sig.get("alg") != "Ed25519":
        raise SignatureInvalid(f"the {what} has no Ed25519 signature")
    if sig.get("key_id") != signer.key_id:
        raise SignatureInvalid(f"the {what} is not signed by {signer.name} <{signer.key_id}>")
    try:
        value = base64.b64decode(str(sig.get("value")), validate=True)
    except binascii.Error:
        raise SignatureInvalid(f"the {what} signature is not base64") from None
    body = {k: v for k, v in document.items() if k != "signature"}
    if not signer.verify(value, canonical(body)):
        raise SignatureInvalid(
            f"the {what} signature does not verify with {signer.name} <{signer.key_id}>"
        )
