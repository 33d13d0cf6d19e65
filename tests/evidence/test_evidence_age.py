"""The age v1 implementation: interoperability with the age tool, and STREAM edge cases."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from comity.errors import PackageIntegrityError
from comity.evidence.age_header import (
    AgeIdentity,
    Stanza,
    b64decode,
    b64encode,
    read_header,
    write_header,
)
from comity.evidence.age_stream import CHUNK_SIZE, decrypt, encrypt, payload_key

needs_age = pytest.mark.skipif(shutil.which("age") is None, reason="Debian package 'age' needed")
SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE]


@pytest.fixture(scope="module")
def identity() -> AgeIdentity:
    return AgeIdentity.generate()


def _identity_file(tmp_path: Path, identity: AgeIdentity) -> Path:
    path = tmp_path / "id.txt"
    path.write_text(f"# comment\n\n{identity.encode()}\n")
    return path


@needs_age
@pytest.mark.parametrize("size", SIZES)
def test_age_tool_decrypts_ours(tmp_path, identity, size):
    data = os.urandom(size)
    out = io.BytesIO()
    encrypt(io.BytesIO(data), out, [identity.recipient()])
    result = subprocess.run(
        ["age", "-d", "-i", str(_identity_file(tmp_path, identity))],
        input=out.getvalue(),
        capture_output=True,
        check=True,
    )
    assert result.stdout == data


@needs_age
@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_age_tool(identity, size):
    data = os.urandom(size)
    other = AgeIdentity.generate()
    result = subprocess.run(
        ["age", "-r", str(other.recipient()), "-r", str(identity.recipient())],
        input=data,
        capture_output=True,
        check=True,
    )
    out = io.BytesIO()
    decrypt(io.BytesIO(result.stdout), out, [identity])
    assert out.getvalue() == data


@needs_age
def test_age_keygen_identity_file_is_accepted(tmp_path):
    path = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(path)], capture_output=True, check=True)
    from comity.evidence.age_header import parse_identity_file

    (ours,) = parse_identity_file(path.read_text())
    public = next(ln for ln in path.read_text().splitlines() if "public key" in ln)
    assert public.endswith(str(ours.recipient()))


class TestBase64:
    def test_canonical_only(self):
        assert b64decode(b64encode(b"\x00\xff")) == b"\x00\xff"
        with pytest.raises(ValueError):
            b64decode(b"AP8=")  # padded
        with pytest.raises(ValueError):
            b64decode(b"AP9")  # non-canonical trailing bits


class TestHeader:
    def test_stanza_body_wraps_at_64_columns(self):
        text = Stanza(("x",), bytes(48)).encode()
        assert text.splitlines()[1:] == [b"A" * 64, b""]

    def _header(self, identity: AgeIdentity) -> bytes:
        out = io.BytesIO()
        write_header(out, bytes(16), [identity.recipient()])
        return out.getvalue()

    @pytest.mark.parametrize(
        ("mutate", "reason"),
        [
            (lambda h: h.replace(b"v1", b"v2", 1), "bad version line"),
            (lambda h: h[:-10], "truncated"),
            (lambda h: h.replace(b"--- ", b"---  ", 1), "MAC"),
            (lambda h: h.replace(b"-> X25519 ", b"-> X25519  ", 1), "arguments"),
        ],
    )
    def test_malformed_headers_are_refused(self, identity, mutate, reason):
        with pytest.raises(PackageIntegrityError, match=reason):
            read_header(io.BytesIO(mutate(self._header(identity))))

    def test_mac_mismatch(self, identity):
        from comity.evidence.age_header import unwrap_file_key

        head = self._header(identity)
        lines = head.split(b"\n")
        lines[-2] = b"--- " + b64encode(bytes(32))
        with pytest.raises(PackageIntegrityError, match="MAC does not verify"):
            unwrap_file_key(read_header(io.BytesIO(b"\n".join(lines))), [identity])

    def test_low_order_share_is_refused(self, identity):
        from comity.evidence.age_header import unwrap_file_key

        stanza = Stanza(("X25519", b64encode(bytes(32)).decode()), bytes(32))
        head = b"age-encryption.org/v1\n" + stanza.encode() + b"--- " + b"A" * 43 + b"\n"
        with pytest.raises(PackageIntegrityError, match="low-order"):
            unwrap_file_key(read_header(io.BytesIO(head)), [identity])

    def test_unknown_stanzas_are_ignored(self, identity):
        out = io.BytesIO()
        encrypt(io.BytesIO(b"data"), out, [identity.recipient()])
        raw = out.getvalue()
        extra = Stanza(("example.com/other", "arg"), b"body").encode()
        spliced = raw.replace(b"-> X25519", extra + b"-> X25519", 1)
        # The MAC covers the whole header, so splicing is detected, after the stanza is skipped.
        with pytest.raises(PackageIntegrityError, match="MAC"):
            decrypt(io.BytesIO(spliced), io.BytesIO(), [identity])


def _raw_stream(identity: AgeIdentity, chunks: list[tuple[bytes, bool]]) -> bytes:
    """An age file whose chunks are sealed exactly as given (plaintext, final flag)."""
    file_key, nonce = os.urandom(16), os.urandom(16)
    out = io.BytesIO()
    write_header(out, file_key, [identity.recipient()])
    out.write(nonce)
    aead = ChaCha20Poly1305(payload_key(file_key, nonce))
    for counter, (plain, final) in enumerate(chunks):
        out.write(aead.encrypt(counter.to_bytes(11, "big") + bytes([final]), plain, None))
    return out.getvalue()


class TestStream:
    full = b"x" * CHUNK_SIZE

    @pytest.mark.parametrize(
        ("chunks", "reason"),
        [
            ([(full, True), (b"more", True)], "trailing data after the final chunk"),
            ([(full, False), (full, False)], "truncated: chunk 1 is not the final chunk"),
            ([(full, False), (b"", True)], "chunk 1 is empty"),
            ([(b"short", False)], "truncated: chunk 0 is not the final chunk"),
            ([(b"a", True), (b"b", True)], "final chunk 0 failed authentication"),
            ([(full, False), (full, True), (b"!", True)], r"trailing data .*\(chunk 1 is"),
        ],
    )
    def test_bad_streams(self, identity, chunks, reason):
        with pytest.raises(PackageIntegrityError, match=reason):
            decrypt(io.BytesIO(_raw_stream(identity, chunks)), io.BytesIO(), [identity])

    def test_reordered_chunks(self, identity):
        raw = _raw_stream(identity, [(self.full, False), (b"y" * CHUNK_SIZE, False), (b"z", True)])
        start = read_header(io.BytesIO(raw)).size + 16
        size = CHUNK_SIZE + 16
        first, second = raw[start : start + size], raw[start + size : start + 2 * size]
        swapped = raw[:start] + second + first + raw[start + 2 * size :]
        with pytest.raises(PackageIntegrityError, match="chunk 0 failed authentication"):
            decrypt(io.BytesIO(swapped), io.BytesIO(), [identity])

    def test_empty_payload_is_one_empty_final_chunk(self, identity):
        out = io.BytesIO()
        decrypt(io.BytesIO(_raw_stream(identity, [(b"", True)])), out, [identity])
        assert out.getvalue() == b""

    def test_missing_nonce(self, identity):
        raw = _raw_stream(identity, [(b"", True)])
        head = read_header(io.BytesIO(raw)).size
        with pytest.raises(PackageIntegrityError, match="nonce"):
            decrypt(io.BytesIO(raw[: head + 3]), io.BytesIO(), [identity])

    def test_wrong_identity(self, identity):
        raw = _raw_stream(identity, [(b"x", True)])
        with pytest.raises(PackageIntegrityError, match="no identity matches"):
            decrypt(io.BytesIO(raw), io.BytesIO(), [AgeIdentity.generate()])
