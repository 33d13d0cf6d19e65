"""The age v1 payload: STREAM with ChaCha20-Poly1305 over 64 KiB chunks (C2SP age §Payload).

``payload key = HKDF-SHA-256(ikm = file key, salt = 16-byte nonce, info = "payload")``. The
plaintext is cut into 64 KiB chunks; chunk *i* is sealed with the 12-byte nonce
``i as 11-byte big-endian || flag``, where the flag is 0x01 for the final chunk and 0x00
otherwise. The final chunk may be short but is empty only when the whole payload is empty.

:class:`StreamEncryptor` and :class:`StreamDecryptor` work on buffers that hold many chunks, so
that a pipeline can hand 1 MiB at a time between threads while the framing stays at 64 KiB
(see ``performance.md`` §5.3). They write with ``encrypt_into``/``decrypt_into`` and allocate
nothing per chunk. Every failure names the chunk (counting from 0) and why.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from comity.errors import PackageIntegrityError
from comity.evidence.age_header import (
    FILE_KEY_SIZE,
    AgeIdentity,
    AgeRecipient,
    hkdf_sha256,
    read_header,
    unwrap_file_key,
    write_header,
)

__all__ = [
    "CHUNK_SIZE",
    "CIPHER_CHUNK_SIZE",
    "NONCE_SIZE",
    "StreamDecryptor",
    "StreamEncryptor",
    "decrypt",
    "encrypt",
    "payload_key",
]

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
CIPHER_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """``HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")``."""
    return hkdf_sha256(file_key, nonce, b"payload")


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class StreamEncryptor:
    """Seals successive plaintext buffers as consecutive STREAM chunks."""

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._counter = 0
        self._finished = False

    @staticmethod
    def sealed_size(plain_size: int) -> int:
        """Ciphertext bytes for ``plain_size`` bytes of one whole buffer."""
        chunks = max(1, -(-plain_size // CHUNK_SIZE))
        return plain_size + chunks * TAG_SIZE

    def seal(self, plain: memoryview, out: memoryview, *, final: bool) -> int:
        """Seal ``plain`` into ``out`` and return the bytes written.

        ``plain`` must be a whole number of chunks unless ``final``; after a final buffer the
        stream is closed. A final empty buffer is allowed only as the whole payload.
        """
        if self._finished:
            raise ValueError("the stream is already finished")
        size = len(plain)
        if not final and (size == 0 or size % CHUNK_SIZE):
            raise ValueError("a non-final buffer must hold whole chunks")
        if final and size == 0 and self._counter:
            raise ValueError("a final chunk must not be empty unless the payload is empty")
        written = 0
        offset = 0
        aead = self._aead
        while True:
            end = min(offset + CHUNK_SIZE, size)
            last = final and end == size
            n = end - offset + TAG_SIZE
            aead.encrypt_into(
                _nonce(self._counter, last), plain[offset:end], None, out[written : written + n]
            )
            self._counter += 1
            written += n
            offset = end
            if offset >= size:
                break
        self._finished = final
        return written


class StreamDecryptor:
    """Opens successive ciphertext buffers of consecutive STREAM chunks, failing precisely."""

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._counter = 0

    @property
    def chunks(self) -> int:
        """How many chunks were authenticated so far."""
        return self._counter

    def _open(self, cipher: memoryview, out: memoryview, last: bool) -> int:
        counter = self._counter
        n = len(cipher) - TAG_SIZE
        try:
            self._aead.decrypt_into(_nonce(counter, last), cipher, None, out[:n])
        except InvalidTag:
            # Decide why, trying the other flag: only the failure path pays for this.
            try:
                self._aead.decrypt(_nonce(counter, not last), bytes(cipher), None)
            except InvalidTag:
                if last:
                    raise PackageIntegrityError(
                        f"the final chunk {counter} failed authentication: the package is "
                        "truncated, has trailing data, or was tampered with"
                    ) from None
                raise PackageIntegrityError(
                    f"chunk {counter} failed authentication: "
                    "the package is damaged or was tampered with"
                ) from None
            if last:
                raise PackageIntegrityError(
                    f"the package is truncated: chunk {counter} is not the final chunk"
                ) from None
            raise PackageIntegrityError(
                f"trailing data after the final chunk (chunk {counter} is marked final)"
            ) from None
        self._counter += 1
        return n

    def open(self, cipher: memoryview, out: memoryview, *, final: bool) -> int:
        """Open ``cipher`` into ``out`` and return the plaintext bytes written.

        ``cipher`` must hold whole ciphertext chunks unless ``final`` (it then ends the file).
        """
        size = len(cipher)
        if not final and size % CIPHER_CHUNK_SIZE:
            raise ValueError("a non-final buffer must hold whole chunks")
        if final and size == 0:
            raise PackageIntegrityError(
                f"the package is truncated: the payload ends before chunk {self._counter}"
            )
        offset = 0
        written = 0
        while offset < size:
            end = min(offset + CIPHER_CHUNK_SIZE, size)
            last = final and end == size
            piece = end - offset
            if piece < TAG_SIZE:
                raise PackageIntegrityError(
                    f"the package is truncated inside chunk {self._counter}"
                )
            if piece == TAG_SIZE and (self._counter or not last):
                raise PackageIntegrityError(
                    f"chunk {self._counter} is empty: only an empty payload has an empty chunk"
                )
            written += self._open(cipher[offset:end], out[written:], last)
            offset = end
        return written


def encrypt(src: io.BufferedIOBase, dst: BinaryIO, recipients: list[AgeRecipient]) -> None:
    """Encrypt all of ``src`` to ``dst`` as an age file, one chunk at a time (one thread)."""
    file_key = os.urandom(FILE_KEY_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    write_header(dst, file_key, recipients)
    dst.write(nonce)
    enc = StreamEncryptor(payload_key(file_key, nonce))
    plain = bytearray(CHUNK_SIZE)
    out = bytearray(CIPHER_CHUNK_SIZE)
    view = memoryview(plain)
    n = src.readinto(view)
    while True:
        lookahead = src.read(1)
        final = not lookahead
        written = enc.seal(view[:n], memoryview(out), final=final)
        dst.write(memoryview(out)[:written])
        if final:
            return
        plain[0:1] = lookahead
        n = 1 + src.readinto(view[1:])


def decrypt(src: io.BufferedIOBase, dst: BinaryIO, identities: list[AgeIdentity]) -> None:
    """Decrypt an age file from ``src`` to ``dst`` (one thread, chunk by chunk).

    Plaintext is written as chunks authenticate; on failure the caller must discard ``dst``.
    """
    header = read_header(src)
    file_key = unwrap_file_key(header, identities)
    nonce = src.read(NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise PackageIntegrityError("the package is truncated: the payload nonce is missing")
    dec = StreamDecryptor(payload_key(file_key, nonce))
    cipher = bytearray(CIPHER_CHUNK_SIZE)
    out = memoryview(bytearray(CHUNK_SIZE))
    n = src.readinto(cipher)
    while True:
        lookahead = src.read(1)
        final = not lookahead
        if not final and n < CIPHER_CHUNK_SIZE:
            raise PackageIntegrityError("short read inside the payload")
        written = dec.open(memoryview(cipher)[:n], out, final=final)
        dst.write(out[:written])
        if final:
            return
        cipher[0:1] = lookahead
        n = 1 + src.readinto(memoryview(cipher)[1:])
