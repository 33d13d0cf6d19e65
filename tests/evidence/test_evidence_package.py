"""Sealing and opening packages, and refusing every kind of bad package without writing."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comity.errors import PackageIntegrityError, ValidationFailed
from comity.evidence import Manifest, open_package
from comity.evidence.age_header import read_header
from comity.evidence.age_stream import CIPHER_CHUNK_SIZE, NONCE_SIZE
from comity.evidence.receipt import receipt_path
from comity.evidence.signing import canonical


def _no_plaintext_written(directory: Path, output: Path) -> None:
    assert not output.exists()
    assert not [p for p in directory.iterdir() if ".partial-" in p.name]


def _payload_start(package: Path) -> int:
    with package.open("rb") as src:
        return read_header(src).size + NONCE_SIZE


def _refused(package: Path, identity, match: str, **kwargs) -> None:
    output = package.parent / "opened"
    with pytest.raises(PackageIntegrityError, match=match):
        open_package(package, [identity], output=output, **kwargs)
    _no_plaintext_written(package.parent, output)


class TestRoundTrip:
    def test_open_gives_back_the_items(self, sealed, parties, items, tmp_path):
        package = sealed()
        opened = open_package(package.path, [parties.recipient.identity], output=tmp_path / "o")
        for item in items:
            assert (tmp_path / "o" / "items" / item.name).read_bytes() == item.read_bytes()
        assert opened.manifest == package.manifest
        assert opened.sha256 == package.sha256
        assert opened.receipt is not None
        written = (tmp_path / "o" / "manifest.json").read_bytes()
        assert Manifest.parse(written) == package.manifest
        assert parties.producer.public.verify(
            (tmp_path / "o" / "manifest.sig").read_bytes(), written
        )

    def test_manifest_contents(self, sealed, parties, items):
        manifest = sealed().manifest
        assert manifest.request == "MX-2026-000123"
        assert manifest.producer.key_id == parties.producer.public.key_id
        assert [r.key_id for r in manifest.recipients] == [parties.recipient.public.key_id]
        by_name = {i.name: i for i in manifest.items}
        assert by_name["subscriber.json"].media_type == "application/json"
        assert by_name["empty.bin"].size == 0
        assert by_name["empty.bin"].sha256 == (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )

    def test_verify_writes_nothing(self, sealed, parties, tmp_path):
        package = sealed()
        before = sorted(tmp_path.rglob("*"))
        open_package(package.path, [parties.recipient.identity])
        assert sorted(tmp_path.rglob("*")) == before

    @pytest.mark.skipif(shutil.which("age") is None, reason="Debian package 'age' needed")
    def test_standard_age_and_tar_open_it(self, sealed, parties, items, tmp_path):
        package = sealed()
        (tmp_path / "keys").mkdir()
        parties.recipient.write(tmp_path / "keys")
        identity = tmp_path / "keys" / "recipient.identity"
        plain = subprocess.run(
            ["age", "-d", "-i", str(identity), str(package.path)], capture_output=True, check=True
        ).stdout
        out = tmp_path / "x"
        out.mkdir()
        subprocess.run(["tar", "-x", "-C", str(out)], input=plain, check=True)
        manifest = Manifest.parse((out / "manifest.json").read_bytes())
        for item in manifest.items:
            data = (out / "items" / item.name).read_bytes()
            import hashlib

            assert hashlib.sha256(data).hexdigest() == item.sha256
            assert len(data) == item.size

    def test_seal_refuses_bad_input(self, sealed, tmp_path, items):
        with pytest.raises(ValidationFailed, match="cannot seal"):
            sealed(paths=[tmp_path / "absent"])
        sealed("one.age")
        with pytest.raises(ValidationFailed, match="already exists"):
            sealed("one.age")

    def test_seal_leaves_nothing_on_failure(self, sealed, tmp_path, items):
        with pytest.raises(ValidationFailed):
            sealed("two.age", paths=[items[0], items[0]])
        assert not (tmp_path / "two.age").exists()
        assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


class TestBadPackages:
    def test_wrong_identity(self, sealed, parties):
        _refused(sealed().path, parties.stranger.identity, "no identity matches any recipient")

    @pytest.mark.parametrize("cut", [10, 200, 1000, CIPHER_CHUNK_SIZE, 2 * CIPHER_CHUNK_SIZE])
    def test_truncated(self, sealed, parties, cut):
        package = sealed().path
        data = package.read_bytes()
        head = _payload_start(package)
        # cut inside the header, inside a chunk, or exactly on a chunk boundary
        length = cut if cut < 300 else head + cut
        package.write_bytes(data[:length])
        receipt_path(package).unlink()
        _refused(package, parties.recipient.identity, "header|truncated|failed authentication")

    def test_truncated_is_also_caught_by_the_receipt(self, sealed, parties):
        package = sealed().path
        package.write_bytes(package.read_bytes()[:-1])
        _refused(package, parties.recipient.identity, "final chunk")

    def test_chunks_reordered(self, sealed, parties):
        package = sealed().path
        data = package.read_bytes()
        start = _payload_start(package)
        a = data[start : start + CIPHER_CHUNK_SIZE]
        b = data[start + CIPHER_CHUNK_SIZE : start + 2 * CIPHER_CHUNK_SIZE]
        rest = data[start + 2 * CIPHER_CHUNK_SIZE :]
        package.write_bytes(data[:start] + b + a + rest)
        _refused(package, parties.recipient.identity, "chunk 0 failed authentication")

    def test_trailing_data(self, sealed, parties):
        package = sealed().path
        with package.open("ab") as out:
            out.write(b"appended")
        _refused(package, parties.recipient.identity, "trailing data|final chunk")

    def test_trailing_data_inside_the_archive(self, tmp_path, parties, craft):
        package = tmp_path / "p.age"
        craft(package, parties.recipient.identity.recipient(), [], tail=b"\x01")
        _refused(package, parties.recipient.identity, "trailing data after the end of the archive")

    def _members(self, parties, manifest: Manifest, items: dict[str, bytes], signer=None):
        body = manifest.canonical()
        signature = (signer or parties.producer).sign(body)
        return [
            *((f"items/{n}", d) for n, d in items.items()),
            ("manifest.json", body),
            ("manifest.sig", signature),
        ]

    @pytest.fixture
    def crafted(self, tmp_path, parties, sealed, craft):
        return lambda change: self._crafted(tmp_path, parties, sealed, craft, change)

    def _crafted(self, tmp_path, parties, sealed, craft, change) -> Path:
        """Take a good package's contents, let ``change`` alter them, and encrypt them."""
        good = sealed()
        items = {i.name: (tmp_path / "src" / i.name).read_bytes() for i in good.manifest.items}
        members = change(good.manifest, items)
        package = tmp_path / "crafted.age"
        craft(package, parties.recipient.identity.recipient(), members)
        return package

    def test_manifest_tampered(self, tmp_path, parties, crafted):
        def change(manifest, items):
            members = self._members(parties, manifest, items)
            doc = manifest.to_json()
            doc["request"] = "OTHER-REQUEST"
            members[-2] = ("manifest.json", canonical(doc))
            return members

        package = crafted(change)
        _refused(package, parties.recipient.identity, "manifest signature is not by the producer")

    def test_signed_by_a_key_that_is_not_the_producers(self, tmp_path, parties, crafted):
        def change(manifest, items):
            return self._members(parties, manifest, items, signer=parties.stranger)

        package = crafted(change)
        _refused(package, parties.recipient.identity, "manifest signature is not by the producer")

    def test_impostor_producer_is_refused_when_pinned(self, tmp_path, parties, crafted):
        from comity.evidence.manifest import Party

        def change(manifest, items):
            forged = dataclasses.replace(
                manifest, producer=Party(**parties.stranger.public.party())
            )
            return self._members(parties, forged, items, signer=parties.stranger)

        package = crafted(change)
        # Self-consistent, so it opens unpinned, but not when the producer is known.
        open_package(package, [parties.recipient.identity])
        _refused(
            package,
            parties.recipient.identity,
            "manifest signature is not by the producer",
            producers=[parties.producer.public],
        )

    def test_item_missing(self, tmp_path, parties, crafted):
        def change(manifest, items):
            items.pop("subscriber.json")
            return self._members(parties, manifest, items)

        package = crafted(change)
        _refused(package, parties.recipient.identity, "item 'subscriber.json' is missing")

    def test_item_extra(self, tmp_path, parties, crafted):
        def change(manifest, items):
            items["planted.txt"] = b"not sent"
            return self._members(parties, manifest, items)

        package = crafted(change)
        _refused(package, parties.recipient.identity, "item 'planted.txt' is not in the manifest")

    def test_item_altered(self, tmp_path, parties, crafted):
        def change(manifest, items):
            items["subscriber.json"] = b'{"subscriber": "y"}'
            return self._members(parties, manifest, items)

        package = crafted(change)
        _refused(package, parties.recipient.identity, "does not match its SHA-256")

    @pytest.mark.parametrize("name", ["../escape", "../../etc/passwd", "/abs"])
    def test_path_escaping_the_output(self, tmp_path, parties, crafted, name):
        def change(manifest, items):
            return [(f"items/{name}", b"x"), *self._members(parties, manifest, items)]

        package = crafted(change)
        _refused(package, parties.recipient.identity, "escapes the output directory")
        assert not (tmp_path / "escape").exists()

    def test_unexpected_member(self, tmp_path, parties, crafted):
        def change(manifest, items):
            return [("notes.txt", b"x"), *self._members(parties, manifest, items)]

        package = crafted(change)
        _refused(package, parties.recipient.identity, "unexpected member 'notes.txt'")

    def test_no_manifest(self, tmp_path, parties, craft):
        package = tmp_path / "p.age"
        craft(package, parties.recipient.identity.recipient(), [("items/a", b"a")])
        _refused(package, parties.recipient.identity, "no signed manifest")

    def test_receipt_of_another_package(self, sealed, parties):
        first, second = sealed("a.age"), sealed("b.age")
        receipt_path(first.path).write_bytes(receipt_path(second.path).read_bytes())
        _refused(first.path, parties.recipient.identity, "receipt")

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_any_flipped_byte_is_refused(self, sealed, parties, tmp_path, data):
        package = tmp_path / "flip.age"
        if not package.exists():
            built = sealed("flip.age")
            (tmp_path / "flip.good").write_bytes(built.path.read_bytes())
            receipt_path(package).unlink()  # the stream itself must catch every flip
        raw = bytearray((tmp_path / "flip.good").read_bytes())
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] ^= data.draw(st.integers(1, 255))
        package.write_bytes(bytes(raw))
        _refused(package, parties.recipient.identity, ".")


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as out:
        out.write(data)


class TestSealingChangingFiles:
    """A file that changes while it is sealed stops the pipeline and leaves nothing behind."""

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            (lambda path: path.write_bytes(b""), "shrank"),
            (lambda path: _append(path, b"more"), "grew"),
        ],
    )
    def test_refused(self, tmp_path, parties, change, reason):
        from comity.evidence import ItemSource, seal

        path = tmp_path / "disk.img"
        path.write_bytes(bytes(3 << 20))
        calls = []

        def progress(n: int) -> None:
            if not calls:
                change(path)
            calls.append(n)

        with pytest.raises(ValidationFailed, match=reason):
            seal(
                [ItemSource(path)],
                request="R",
                producer=parties.producer,
                recipients=[parties.recipient.public],
                output=tmp_path / "p.age",
                person="x",
                progress=progress,
            )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.img"]
