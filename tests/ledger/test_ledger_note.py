"""Signed notes, checkpoints, cosignatures and fork evidence against published vectors:
golang.org/x/mod/sumdb/note (package documentation), the C2SP signed-note example, and
transparency-dev/formats (note/note_cosigv1_test.go)."""

from __future__ import annotations

import base64

import pytest

from comity.errors import LogConsistencyError, SignatureInvalid, ValidationFailed
from comity.ledger.checkpoint import Checkpoint, checkpoint_of, open_checkpoint, sign_checkpoint
from comity.ledger.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_lines,
    cosigned_message,
    require_cosignature,
    verify_cosignatures,
)
from comity.ledger.fork import ForkDetected, check_checkpoints
from comity.ledger.merkle import Frontier, leaf_hash
from comity.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdn"
    "gotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
    "Lox33WWd1RvMc+QQ=\n"
)
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXpp"
    "zi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
SEED = bytes(range(32))


class TestPublishedVectors:
    def test_go_signer_key_signs_the_published_note_byte_for_byte(self):
        signer = Ed25519Signer.from_skey(GO_SKEY)
        assert signer.skey == GO_SKEY
        assert signer.verifier.vkey == GO_VKEY
        assert sign_note(GO_TEXT, [signer]) == (GO_TEXT + "\n" + PETER_SIG).encode()

    def test_go_verifier_opens_the_doubly_signed_note_ignoring_the_unknown_signer(self):
        note = (GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
        opened = open_note(note, [Ed25519Verifier.from_vkey(GO_VKEY)])
        assert opened.text == GO_TEXT
        assert [s.name for s in opened.verified] == ["PeterNeumann"]
        assert [s.name for s in opened.unverified] == ["EnochRoot"]
        both = open_note(note, [Ed25519Verifier.from_vkey(k) for k in (GO_VKEY, ENOCH_VKEY)])
        assert [s.name for s in both.verified] == ["PeterNeumann", "EnochRoot"]

    def test_c2sp_signed_note_example(self):
        verifier = Ed25519Verifier.from_vkey(SPEC_VKEY)
        assert verifier.key_id.hex() == "530d903a"
        assert verifier.vkey == SPEC_VKEY
        assert open_note(SPEC_NOTE.encode(), [verifier]).text == "This is an example message.\n"

    def test_go_mangled_keys_are_refused(self):
        for bad in [
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            GO_VKEY[1:],
            GO_VKEY[:-1],
            GO_VKEY.replace("c74f20a3", "c74f20a4"),
            GO_VKEY.replace("+", " ", 1),
            "PeterNeumann+c74f20a3",
            "bad name+00000000+AQ==",
        ]:
            with pytest.raises(ValidationFailed):
                Ed25519Verifier.from_vkey(bad)
        for bad in [
            GO_SKEY[1:],
            GO_SKEY[:-1],
            GO_SKEY.replace("c74f20a3", "c74f20a4"),
            GO_SKEY.replace("PRIVATE", "PUBLIC"),
        ]:
            with pytest.raises(ValidationFailed):
                Ed25519Signer.from_skey(bad)

    def test_transparency_dev_keys_with_plus_in_base64_and_native_cosignature_key(self):
        assert (
            Ed25519Verifier.from_vkey(
                "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
            ).name
            == "TEST"
        )
        witness = CosignatureVerifier.from_vkey(
            "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
        )
        assert witness.key_id.hex() == "da77ade7"
        with pytest.raises(ValidationFailed, match="not a cosignature"):
            CosignatureVerifier.from_vkey(GO_VKEY)
        with pytest.raises(ValidationFailed, match="not Ed25519"):
            Ed25519Verifier.from_vkey(witness.vkey)

    def test_cosignature_timestamps_of_published_lines(self):
        # transparency-dev/formats TestCosignatureTimestamp, and the tlog-cosignature example.
        for b64, when in [
            (
                "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOwo"
                "rDcFiEBYJXORmnFBOBA==",
                1727964367,
            ),
            (
                "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo"
                "0xUe+mbIUBkBIfZ+qnA==",
                1679315147,
            ),
        ]:
            note = (
                f"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 w {b64}\n".encode()
            )
            (line,) = cosignature_lines(note)
            assert len(line.signature) == 72
            assert int.from_bytes(line.signature[:8], "big") == when


class TestNoteRules:
    signer = Ed25519Signer("example.org/log", SEED)

    def test_round_trip_and_key_id(self):
        note = sign_note("hello\n\nworld\n", [self.signer])
        text, sigs = parse_note(note)
        assert text == "hello\n\nworld\n"
        public = self.signer.verifier.public_key
        assert sigs[0].key_id == key_id("example.org/log", 1, public)
        assert "\u2014 example.org/log " in note.decode()
        assert "PRIVATE" not in repr(self.signer)

    @pytest.mark.parametrize(
        "note",
        [
            b"no signatures\n",
            b"text\n\n",
            b"text\n\n- name AAAAAAA=\n",
            "text\n\n\u2014 name\n".encode(),
            "text\n\n\u2014 name !!!\n".encode(),
            "text\n\n\u2014 name AAAA\n".encode(),
            "te\x01xt\n\n\u2014 n AAAAAAA=\n".encode(),
            b"\xff\n\n",
            "text\n\n\u2014 na+me AAAAAAA=\n".encode(),
        ],
    )
    def test_malformed_notes_are_refused(self, note):
        with pytest.raises(ValidationFailed):
            parse_note(note)

    def test_bad_signature_by_known_key_rejects_the_note(self):
        note = bytearray(sign_note("hello\n", [self.signer]))
        note[0] ^= 1  # change the text
        with pytest.raises(SignatureInvalid, match="does not verify"):
            open_note(bytes(note), [self.signer.verifier])

    def test_no_known_signature_rejects_the_note(self):
        other = Ed25519Signer("example.org/other", bytes(32))
        with pytest.raises(SignatureInvalid, match="no signature by a known key"):
            open_note(sign_note("hello\n", [other]), [self.signer.verifier])

    def test_same_name_other_key_is_ignored(self):
        impostor = Ed25519Signer("example.org/log", bytes(32))
        note = sign_note("hello\n", [impostor, self.signer])
        opened = open_note(note, [self.signer.verifier])
        assert len(opened.verified) == 1
        assert opened.unverified[0].key_id == impostor.key_id

    def test_too_many_signatures(self):
        line = parse_note(sign_note("x\n", [self.signer]))[1][0]
        with pytest.raises(ValidationFailed, match="more than 100"):
            parse_note(("x\n\n" + line.line * 101).encode())

    def test_text_rules_when_signing(self):
        for text in ["no newline", "bell\x07\n"]:
            with pytest.raises(ValidationFailed):
                sign_note(text, [self.signer])
        with pytest.raises(ValidationFailed, match="at least one"):
            sign_note("x\n", [])


class TestCheckpoint:
    log = Ed25519Signer("comity.example/log", SEED)

    def test_body_format(self):
        cp = Checkpoint("comity.example/log", 20852163, bytes(32), ("ext",))
        assert cp.body == (
            "comity.example/log\n20852163\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n"
        )
        assert Checkpoint.parse(cp.body) == cp

    @pytest.mark.parametrize(
        "body",
        [
            "o\n1\n",
            "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "o\n1\nAAAA\n",
            "o\n1\n!!\n",
            "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",
            "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "\n1\nAAAA\n",
        ],
    )
    def test_malformed_bodies(self, body):
        with pytest.raises(ValidationFailed):
            Checkpoint.parse(body)

    def test_sign_and_open(self):
        cp = Checkpoint("comity.example/log", 3, leaf_hash(b"x"))
        note = sign_checkpoint(cp, self.log)
        signed = open_checkpoint(note, self.log.verifier)
        assert signed.checkpoint == cp
        assert checkpoint_of(note) == cp
        with pytest.raises(ValidationFailed, match="differs from checkpoint origin"):
            sign_checkpoint(Checkpoint("other", 0, bytes(32)), self.log)
        other = Ed25519Signer("other", SEED)
        with pytest.raises(SignatureInvalid):
            open_checkpoint(
                sign_checkpoint(Checkpoint("other", 0, bytes(32)), other), self.log.verifier
            )


class TestCosignatures:
    log = Ed25519Signer("comity.example/log", SEED)
    witness = CosignatureSigner("witness.example/w1", bytes(32), clock=lambda: 1679315147)

    def test_message_and_round_trip(self):
        body = (
            b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        )
        assert cosigned_message(body, 1679315147) == (b"cosignature/v1\ntime 1679315147\n" + body)
        cp = Checkpoint("comity.example/log", 1, leaf_hash(b"a"))
        note = sign_note(cp.body, [self.log, self.witness])
        signed, cosigs = verify_cosignatures(note, self.log.verifier, [self.witness.verifier])
        assert signed.checkpoint == cp
        assert [(c.witness, c.timestamp) for c in cosigs] == [("witness.example/w1", 1679315147)]
        assert require_cosignature(note, self.log.verifier, self.witness.verifier).timestamp > 0
        # A plain Ed25519 verifier with the same key does not accept a cosignature.
        plain = Ed25519Verifier("witness.example/w1", self.witness.verifier.public_key)
        assert plain.key_id != self.witness.key_id

    def test_tampered_cosignature_and_missing_one(self):
        cp = Checkpoint("comity.example/log", 1, leaf_hash(b"a"))
        good = sign_note(cp.body, [self.log, self.witness]).decode()
        line = good.splitlines()[-1]
        raw = bytearray(base64.b64decode(line.split(" ")[2]))
        raw[11] ^= 1  # the timestamp
        bad = good.replace(line.split(" ")[2], base64.b64encode(raw).decode()).encode()
        with pytest.raises(SignatureInvalid):
            verify_cosignatures(bad, self.log.verifier, [self.witness.verifier])
        with pytest.raises(SignatureInvalid, match="no cosignature"):
            require_cosignature(
                sign_checkpoint(cp, self.log), self.log.verifier, self.witness.verifier
            )
        with pytest.raises(ValidationFailed, match="out of range"):
            cosigned_message(b"", 1 << 63)


class TestForks:
    log = Ed25519Signer("comity.example/log", SEED)

    def signed(self, leaves: list[bytes]):
        frontier = Frontier()
        frontier.extend(leaf_hash(x) for x in leaves)
        cp = Checkpoint(self.log.name, frontier.size, frontier.root())
        return open_checkpoint(sign_checkpoint(cp, self.log), self.log.verifier)

    def test_same_size_different_root_is_a_fork(self):
        a, b = self.signed([b"a", b"b"]), self.signed([b"a", b"c"])
        with pytest.raises(ForkDetected) as info:
            check_checkpoints(a, b)
        assert info.value.evidence.kind == "fork"
        assert info.value.evidence.earlier == a.note
        assert info.value.evidence.later == b.note
        assert isinstance(info.value, LogConsistencyError)
        assert a.note.decode() in info.value.diagnostics()
        check_checkpoints(a, a)

    def test_smaller_tree_is_a_rollback(self):
        with pytest.raises(ForkDetected, match="rollback"):
            check_checkpoints(self.signed([b"a", b"b"]), self.signed([b"a"]))

    def test_failing_consistency_proof_is_a_fork(self):
        a, b = self.signed([b"a"]), self.signed([b"z", b"b"])
        with pytest.raises(ForkDetected, match="does not extend"):
            check_checkpoints(a, b, [leaf_hash(b"b")])
        check_checkpoints(a, self.signed([b"a", b"b"]), [leaf_hash(b"b")])
        with pytest.raises(ValidationFailed, match="proof"):
            check_checkpoints(a, b)
