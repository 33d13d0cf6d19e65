"""Keys, receipts, custody logs, the CASE/UCO export and the blob store."""

from __future__ import annotations

import hashlib
import io
import json
import stat

import pytest

from comity.errors import Conflict, DataFileError, NotFound, PackageIntegrityError
from comity.evidence import (
    AuthorityKeys,
    BlobStore,
    CustodyLog,
    FileBlobStore,
    PublicAuthority,
    check_package,
    key_id,
    load_identities,
    load_public,
    load_receipt,
    load_signing_keys,
    receipt_path,
    to_case,
)


class TestKeys:
    def test_written_files_load_back(self, tmp_path):
        keys = AuthorityKeys.generate("central-authority.MX")
        paths = keys.write(tmp_path)
        assert [p.name for p in paths] == [
            "central-authority.MX.identity",
            "central-authority.MX.signing-key",
            "central-authority.MX.pub.json",
        ]
        for private in paths[:2]:
            assert stat.S_IMODE(private.stat().st_mode) == 0o600
        assert load_identities(paths[0]) == [keys.identity]
        loaded = load_signing_keys(paths[1])
        assert loaded.name == "central-authority.MX"
        assert loaded.public.signing_key == keys.public.signing_key
        assert load_public(paths[2]) == keys.public
        assert keys.identity is not None
        assert keys.identity.encode() not in repr(keys)
        assert keys.identity.encode() not in repr(keys.identity)

    def test_never_overwrites(self, tmp_path):
        AuthorityKeys.generate("a").write(tmp_path)
        with pytest.raises(FileExistsError):
            AuthorityKeys.generate("a").write(tmp_path)

    def test_key_id_is_sha256_prefix(self):
        keys = AuthorityKeys.generate("a")
        raw = keys.public.signing_key
        assert key_id(raw) == hashlib.sha256(raw).hexdigest()[:32]

    def test_pub_json_with_wrong_key_id_is_refused(self, tmp_path):
        doc = AuthorityKeys.generate("a").public.to_json()
        doc["key_id"] = "0" * 32
        path = tmp_path / "a.pub.json"
        path.write_text(json.dumps(doc))
        with pytest.raises(DataFileError, match="does not match"):
            load_public(path)

    @pytest.mark.parametrize("name", ["", "../x", "a b", "x" * 65])
    def test_bad_names(self, name):
        with pytest.raises(ValueError, match="bad authority name"):
            AuthorityKeys.generate(name)

    def test_bad_key_files(self, tmp_path):
        (tmp_path / "x.signing-key").write_text("not a key")
        with pytest.raises(DataFileError, match="PKCS#8"):
            load_signing_keys(tmp_path / "x.signing-key")
        (tmp_path / "x.identity").write_text("# nothing\n")
        with pytest.raises(DataFileError, match="no identity"):
            load_identities(tmp_path / "x.identity")


class TestReceipt:
    def test_checks_without_any_key(self, sealed, parties):
        package = sealed()
        receipt = load_receipt(receipt_path(package.path), [parties.producer.public])
        check_package(package.path, receipt)
        assert receipt.package_sha256 == hashlib.sha256(package.path.read_bytes()).hexdigest()
        assert receipt.document["recipients"] == [str(parties.recipient.identity.recipient())]

    def test_altered_package(self, sealed):
        package = sealed()
        receipt = load_receipt(receipt_path(package.path))
        raw = bytearray(package.path.read_bytes())
        raw[-5] ^= 1
        package.path.write_bytes(bytes(raw))
        with pytest.raises(PackageIntegrityError, match="not the package that was sent"):
            check_package(package.path, receipt)
        package.path.write_bytes(bytes(raw[:-1]))
        with pytest.raises(PackageIntegrityError, match="bytes but the receipt says"):
            check_package(package.path, receipt)

    def test_forged_receipt(self, sealed, parties):
        package = sealed()
        path = receipt_path(package.path)
        doc = json.loads(path.read_text())
        doc["request"] = "OTHER"
        path.write_text(json.dumps(doc))
        with pytest.raises(PackageIntegrityError, match="does not verify"):
            load_receipt(path)

    def test_receipt_by_another_producer(self, sealed, parties):
        package = sealed()
        with pytest.raises(PackageIntegrityError, match="not the expected producer"):
            load_receipt(receipt_path(package.path), [parties.stranger.public])


class TestCustody:
    def test_chain(self, sealed, parties):
        package = sealed()
        log = CustodyLog.beside(package.path)
        log.append("received", package_sha256=package.sha256, keys=parties.recipient, person="Bo")
        events = log.read()
        assert [e.action for e in events] == ["sealed", "received"]
        assert [e.person for e in events] == ["Ana Officer", "Bo"]
        assert events[1].document["previous"] == events[0].line_sha256

    @pytest.mark.parametrize(
        ("edit", "reason"),
        [
            (lambda lines: lines[1:], "out of sequence"),
            (lambda lines: [lines[0], lines[2], lines[1]], "out of sequence"),
            (lambda lines: [lines[0], lines[1].replace(b"Bo", b"Al"), lines[2]], "signature"),
            (lambda lines: [lines[0], lines[1] + b" ", lines[2]], "canonical"),
        ],
    )
    def test_tampering_breaks_the_chain(self, sealed, parties, edit, reason):
        package = sealed()
        log = CustodyLog.beside(package.path)
        for person in ("Bo", "Cy"):
            log.append("sent", package_sha256=package.sha256, keys=parties.producer, person=person)
        lines = log.path.read_bytes().splitlines()
        log.path.write_bytes(b"\n".join(edit(lines)) + b"\n")
        with pytest.raises(PackageIntegrityError, match=reason):
            log.read()

    def test_refuses_unknown_action_and_other_package(self, sealed, parties):
        package = sealed()
        log = CustodyLog.beside(package.path)
        with pytest.raises(ValueError, match="unknown custody action"):
            log.append("lost", package_sha256=package.sha256, keys=parties.producer, person="x")
        with pytest.raises(PackageIntegrityError, match="another package"):
            log.append("sent", package_sha256="0" * 64, keys=parties.producer, person="x")

    def test_case_export(self, sealed, parties):
        package = sealed()
        events = CustodyLog.beside(package.path).read()
        doc = to_case(
            package_name=package.path.name,
            package_sha256=package.sha256,
            package_size=package.path.stat().st_size,
            events=events,
            manifest=package.manifest,
        )
        graph = doc["@graph"]
        types = [node["@type"] for node in graph]
        assert types.count("uco-observable:File") == 1 + len(package.manifest.items)
        assert "case-investigation:InvestigativeAction" in types
        hashes = {
            h["uco-types:hashValue"]["@value"]
            for node in graph
            if node["@type"] == "uco-observable:File"
            for facet in node["uco-core:hasFacet"]
            for h in facet.get("uco-observable:hash", [])
        }
        assert hashes == {package.sha256, *(i.sha256 for i in package.manifest.items)}
        ids = [node["@id"] for node in graph]
        assert len(ids) == len(set(ids))


class TestBlobs:
    def test_put_get_and_resume(self, tmp_path):
        store = FileBlobStore(tmp_path / "blobs")
        assert isinstance(store, BlobStore)
        data = b"package bytes" * 1000
        digest = hashlib.sha256(data).hexdigest()
        assert not store.has(digest)
        assert store.append(digest, 0, io.BytesIO(data[:5000]), complete=False) == 5000
        assert store.upload_offset(digest) == 5000
        with pytest.raises(Conflict, match="offset 5000"):
            store.append(digest, 10, io.BytesIO(b"x"), complete=False)
        store.append(digest, 5000, io.BytesIO(data[5000:]), complete=True)
        assert store.has(digest)
        assert store.upload_offset(digest) == 0
        with store.open(digest) as blob:
            assert blob.read() == data
        store.put(digest, io.BytesIO(data))  # idempotent

    def test_refuses_wrong_bytes(self, tmp_path):
        store = FileBlobStore(tmp_path)
        digest = hashlib.sha256(b"right").hexdigest()
        with pytest.raises(PackageIntegrityError, match="do not hash"):
            store.put(digest, io.BytesIO(b"wrong"))
        assert not store.has(digest)
        assert store.upload_offset(digest) == 0
        with pytest.raises(NotFound):
            store.open(digest)
        with pytest.raises(ValueError, match="SHA-256"):
            store.has("../../etc/passwd")


def test_public_authority_party_round_trip():
    public = AuthorityKeys.generate("a").public
    assert PublicAuthority.from_party(public.party()).signing_key == public.signing_key
