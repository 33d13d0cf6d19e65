"""Bad input to any ``comity`` command: one line ``error: ...`` on stderr that names the file
(or option) and the problem, the exit code chosen in :mod:`comity.cli._errors`, no stack trace,
and nothing written.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.cli import app
from comity.cli._errors import exit_code_for, message_for
from comity.evidence import AuthorityKeys, ItemSource, seal

runner = CliRunner()

GARBAGE = bytes(range(255, -1, -1)) * 4  # not UTF-8, not PEM, not JSON


def fails(*args: object, code: int) -> str:
    """Run ``comity ARGS``; check that it failed with ``code`` and ``error: ...`` on stderr,
    with no exception left to print as a stack trace."""
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"comity {args} ended in a stack trace: {result.exception!r}")
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr


def one_line(*args: object, code: int) -> str:
    """:func:`fails`, and the message is exactly one line."""
    stderr = fails(*args, code=code)
    assert stderr.count("\n") == 1, stderr
    return stderr


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In ``tmp_path``: keys of alice (producer) and bob (recipient), a package p.age that
    alice sealed for bob, and bad files: empty, garbage, adir/ and bad.json."""
    monkeypatch.chdir(tmp_path)
    alice, bob = AuthorityKeys.generate("alice"), AuthorityKeys.generate("bob")
    alice.write(tmp_path / "k")
    bob.write(tmp_path / "k")
    (tmp_path / "in.bin").write_bytes(b"evidence\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "garbage").write_bytes(GARBAGE)
    (tmp_path / "adir").mkdir()
    (tmp_path / "bad.json").write_text('{"format":\n')
    seal(
        [ItemSource(tmp_path / "in.bin")], request="R", producer=alice,
        recipients=[bob.public], output=tmp_path / "p.age", person="Ana",
    )  # fmt: skip
    return tmp_path


def seal_args(**change: str) -> list[str]:
    """``evidence seal`` of in.bin by alice for bob into z.age, with options changed."""
    options = {"--request": "R", "--to": "k/bob.pub.json", "--sign-key": "k/alice.signing-key",
               "-o": "z.age"} | change  # fmt: skip
    return ["evidence", "seal", "in.bin", *(x for pair in options.items() for x in pair)]


def nothing_sealed(world: Path) -> bool:
    return not [p.name for p in world.iterdir() if p.name.startswith(("z.age", ".z.age"))]


def custody_lines(world: Path) -> int:
    return len((world / "p.age.custody.jsonl").read_bytes().splitlines())


class TestFiles:
    """A file that is missing, a directory, or cannot be created: ``PATH: REASON``."""

    def test_a_missing_key_file_is_one_line_and_exit_66_not_a_traceback(self, world: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "comity", *seal_args(**{"--sign-key": "nope"})],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 66
        assert done.stderr == "error: nope: No such file or directory\n"
        assert done.stdout == ""
        assert nothing_sealed(world)

    def test_a_directory_for_a_key_file(self, world: Path) -> None:
        assert one_line(*seal_args(**{"--sign-key": "adir"}), code=66) == (
            "error: adir: Is a directory\n"
        )
        assert nothing_sealed(world)

    def test_a_missing_identity_or_producer_file(self, world: Path) -> None:
        for option in ("--identity", "--producer"):
            stderr = one_line("evidence", "verify", "p.age", option, "nope", code=66)
            assert stderr == "error: nope: No such file or directory\n"
        assert custody_lines(world) == 1

    def test_a_missing_package(self, world: Path) -> None:
        one_line("evidence", "verify", "nope.age", "--identity", "k/bob.identity", code=66)
        stderr = one_line(
            "evidence", "upload", "nope.age", "--node", "http://127.0.0.1:9", "--token", "t",
            "--request", "R", code=66,
        )  # fmt: skip
        assert "nope.age" in stderr

    def test_a_package_in_a_directory_that_does_not_exist(self, world: Path) -> None:
        stderr = one_line(*seal_args(**{"-o": "nodir/z.age"}), code=1)
        assert stderr == "error: cannot write nodir/z.age: nodir is not a directory\n"
        assert not (world / "nodir").exists()

    def test_a_damaged_package_is_named_in_the_error(self, world: Path) -> None:
        data = bytearray((world / "p.age").read_bytes())
        data[-40] ^= 1
        (world / "d.age").write_bytes(data)
        stderr = one_line("evidence", "verify", "d.age", "--identity", "k/bob.identity", code=1)
        assert stderr.startswith("error: d.age: the final chunk 0 failed authentication")
        stderr = one_line("evidence", "open", "d.age", "--identity", "k/bob.identity",
                          "-o", "out", code=1)  # fmt: skip
        assert stderr.startswith("error: d.age: ")
        assert not (world / "out").exists()

    def test_a_file_where_a_directory_is_needed(self, world: Path) -> None:
        stderr = one_line("keys", "new", "carol", "-o", "in.bin/keys", code=66)
        assert stderr == "error: in.bin/keys: Not a directory\n"

    def test_a_data_directory_that_is_a_file(
        self, world: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("XDG_DATA_HOME", str(world / "in.bin"))
        stderr = one_line("ledger", "public-key", code=66)
        assert stderr == f"error: {world / 'in.bin' / 'comity'}: Not a directory\n"

    @pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
    def test_a_key_file_that_may_not_be_read(self, world: Path) -> None:
        (world / "k" / "alice.signing-key").chmod(0)
        stderr = one_line(*seal_args(), code=77)
        assert stderr == "error: k/alice.signing-key: Permission denied\n"
        assert nothing_sealed(world)

    def test_a_directory_that_may_not_be_written(self, world: Path) -> None:
        """Even root may not create files in an immutable directory (chattr +i)."""
        locked = world / "locked"
        locked.mkdir()
        if (
            shutil.which("chattr") is None
            or subprocess.run(
                ["chattr", "+i", str(locked)], capture_output=True, check=False
            ).returncode
        ):
            pytest.skip("chattr +i is not available on this file system")
        try:
            stderr = one_line(*seal_args(**{"-o": "locked/z.age"}), code=77)
        finally:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        assert stderr == "error: locked/z.age: Operation not permitted\n"
        assert list(locked.iterdir()) == []

    def test_a_closed_pipe_stays_quiet(self) -> None:
        with subprocess.Popen(
            [sys.executable, "-m", "comity", "treaty", "kinds"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ) as process:  # fmt: skip
            assert process.stdout is not None
            assert process.stderr is not None
            process.stdout.close()
            stderr = process.stderr.read()
        assert stderr == ""

    @pytest.mark.parametrize(
        ("error", "code", "message"),
        [
            (FileNotFoundError(errno.ENOENT, "No such file or directory", "a"), 66,
             "a: No such file or directory"),
            (IsADirectoryError(errno.EISDIR, "Is a directory", "d"), 66, "d: Is a directory"),
            (FileExistsError(errno.EEXIST, "File exists", "f"), 73, "f: File exists"),
            (PermissionError(errno.EACCES, "Permission denied", "p"), 77, "p: Permission denied"),
            (OSError(errno.ENOSPC, "No space left on device", "o", None, "n"), 74,
             "o -> n: No space left on device"),
            (OSError(errno.EIO, "Input/output error"), 74, "Input/output error"),
        ],
    )  # fmt: skip
    def test_the_code_and_message_of_each_kind(
        self, error: OSError, code: int, message: str
    ) -> None:
        assert (exit_code_for(error), message_for(error)) == (code, message)


SIGNING_KEY = "expected an unencrypted PKCS#8 PEM Ed25519 private key (NAME.signing-key)"
#: An SM2 key: PEM that parses, on a curve the cryptography library does not support.
SM2_KEY = """-----BEGIN PRIVATE KEY-----
MIGIAgEAMBQGCCqBHM9VAYItBggqgRzPVQGCLQRtMGsCAQEEIMq2PeJXuWS4Np7d
xFZEk2Fgk7bSJoMR4bgdU+ZVxhDDoUQDQgAEwxdbfL/bPyQz/gQQNRGsUCdydDFA
ZKWWgbNqe+I+5G6s9qM3q9dmDcL9JYGpEGzDgc/B1BrVgZr3kULoc3JUrA==
-----END PRIVATE KEY-----
"""


class TestMalformedFiles:
    """A file that is there but is not what the option needs: exit 65, the file named."""

    @pytest.mark.parametrize(
        "key", ["empty", "garbage", "bad.json", "k/alice.identity", "k/alice.pub.json", "sm2.pem"]
    )
    def test_not_a_signing_key(self, world: Path, key: str) -> None:
        (world / "sm2.pem").write_text(SM2_KEY)
        stderr = one_line(*seal_args(**{"--sign-key": key}), code=65)
        # A library that knows the SM2 curve loads the key and finds it is not Ed25519.
        assert stderr in (
            f"error: {key}: not a signing key: {SIGNING_KEY}\n",
            f"error: {key}: not an Ed25519 key: {SIGNING_KEY}\n",
        )
        assert nothing_sealed(world)

    def test_a_signing_key_that_is_not_ed25519_or_is_encrypted(self, world: Path) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        pem = X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
        (world / "x.pem").write_bytes(pem)
        assert one_line(*seal_args(**{"--sign-key": "x.pem"}), code=65) == (
            f"error: x.pem: the key is encrypted: {SIGNING_KEY}\n"
        )
        pem = X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (world / "x.pem").write_bytes(pem)
        assert one_line(*seal_args(**{"--sign-key": "x.pem"}), code=65) == (
            f"error: x.pem: not an Ed25519 key: {SIGNING_KEY}\n"
        )
        assert nothing_sealed(world)

    @pytest.mark.parametrize(
        ("to", "problem"),
        [
            ("empty", "empty:1: not JSON: Expecting value"),
            ("garbage", "garbage: not a text file (not UTF-8 at byte 0)"),
            ("bad.json", "bad.json:2: not JSON: Expecting value"),
            ("k/bob.identity", "k/bob.identity:1: not JSON: Expecting value"),
            ("k/bob.signing-key", "k/bob.signing-key:1: not JSON: Expecting value"),
            ("in.bin", "in.bin:1: not JSON: Expecting value"),
        ],
    )
    def test_not_a_public_key_file(self, world: Path, to: str, problem: str) -> None:
        assert one_line(*seal_args(**{"--to": to}), code=65) == f"error: {problem}\n"
        assert nothing_sealed(world)

    def test_json_that_is_not_a_public_key_file(self, world: Path) -> None:
        (world / "other.json").write_text('{"format": "something/v1"}')
        stderr = one_line(*seal_args(**{"--to": "other.json"}), code=65)
        assert stderr == "error: other.json: not a comity-authority-key/v1 document\n"

    @pytest.mark.parametrize(
        ("identity", "problem"),
        [
            ("empty", "no identity in the file"),
            ("garbage", "not a text file (not UTF-8 at byte 0)"),
            ("k/bob.signing-key", "line 1: not an age identity"),
            ("k/bob.pub.json", "line 1: not an age identity"),
        ],
    )
    def test_not_an_identity_file(self, world: Path, identity: str, problem: str) -> None:
        for command in (["verify", "p.age"], ["open", "p.age", "-o", "out"]):
            stderr = one_line("evidence", *command, "--identity", identity, code=65)
            assert stderr.startswith(f"error: {identity}: {problem}")
        assert not (world / "out").exists()
        assert custody_lines(world) == 1

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (GARBAGE, "p.age.receipt.json: not a text file (not UTF-8 at byte 0)"),
            (b'{"format":\n', "p.age.receipt.json:2: not JSON: Expecting value"),
        ],
    )
    def test_a_receipt_that_is_not_json(self, world: Path, content: bytes, problem: str) -> None:
        (world / "p.age.receipt.json").write_bytes(content)
        assert one_line("evidence", "verify", "p.age", code=65) == f"error: {problem}\n"
        stderr = one_line("evidence", "open", "p.age", "--identity", "k/bob.identity", "-o",
                          "out", code=65)  # fmt: skip
        assert stderr == f"error: {problem}\n"
        assert not (world / "out").exists()

    def test_a_request_document_that_is_not_text(self, world: Path) -> None:
        stderr = one_line("request", "validate", "garbage", code=65)
        assert stderr == "error: garbage: not a text file (not UTF-8 at byte 0)\n"
        assert one_line("request", "validate", "nope", code=66) == (
            "error: nope: No such file or directory\n"
        )


class TestNothingHalfWritten:
    """A bad option stops a command before it writes anything."""

    def test_a_bad_sign_key_stops_open_before_it_writes_the_items(self, world: Path) -> None:
        for key, code in (("nope", 66), ("garbage", 65)):
            stderr = one_line("evidence", "open", "p.age", "--identity", "k/bob.identity",
                              "-o", "out", "--sign-key", key, code=code)  # fmt: skip
            assert stderr.startswith(f"error: {key}: ")
            assert not (world / "out").exists()
        assert custody_lines(world) == 1

    def test_a_bad_sign_key_stops_verify_and_custody(self, world: Path) -> None:
        one_line("evidence", "verify", "p.age", "--sign-key", "nope", code=66)
        one_line("evidence", "verify", "p.age", "--sign-key", "k/bob.identity", code=65)
        one_line("evidence", "custody", "p.age", "--add", "received", "--sign-key", "nope",
                 code=66)  # fmt: skip
        assert custody_lines(world) == 1

    def test_a_blank_person_stops_seal_before_it_writes_the_package(self, world: Path) -> None:
        stderr = one_line(*seal_args(**{"--by": " "}), code=1)
        assert stderr == "error: --by: a custody event must name the person who acted\n"
        assert nothing_sealed(world)
        one_line("evidence", "verify", "p.age", "--sign-key", "k/bob.signing-key", "--by", "",
                 code=1)  # fmt: skip
        assert custody_lines(world) == 1

    @pytest.mark.parametrize("beside", ["z.age.receipt.json", "z.age.custody.jsonl"])
    def test_a_receipt_or_custody_log_already_there_stops_seal(
        self, world: Path, beside: str
    ) -> None:
        (world / beside).write_text("kept\n")
        stderr = one_line(*seal_args(), code=1)
        assert stderr == f"error: {beside} already exists; a package is never overwritten\n"
        assert (world / beside).read_text() == "kept\n"
        assert [p.name for p in world.iterdir() if p.name.startswith(("z.age", ".z.age"))] == [
            beside
        ]

    def test_an_empty_request(self, world: Path) -> None:
        stderr = one_line(*seal_args(**{"--request": ""}), code=1)
        assert stderr == "error: --request: request must be a non-empty string\n"
        assert nothing_sealed(world)

    def test_keys_are_never_overwritten(self, world: Path) -> None:
        before = (world / "k" / "alice.signing-key").read_bytes()
        stderr = one_line("keys", "new", "alice", "-o", "k", code=73)
        assert stderr == "error: k/alice.identity: already exists; keys are never overwritten\n"
        assert (world / "k" / "alice.signing-key").read_bytes() == before


class TestOptionValues:
    """A bad option value: exit 1 and one line naming the option, before anything is done."""

    @pytest.mark.parametrize(
        "args",
        [
            ["screen", "doc.json", "--date", "2026-02-30"],
            ["screening", "run", "R1", "doc.json", "--date", "2026-02-30"],
            ["case", "evidence", "C1", "P1", "R1", "--as", "fra", "--received-on", "2026-02-30"],
            ["request", "act", "R1", "preserve", "--as", "fra", "--until", "2026-02-30"],
            ["request", "validate", "doc.json", "--today", "2026-02-30"],
            ["registry", "status", "--as-of", "2026-02-30"],
        ],
        ids=lambda args: " ".join(args[:2]),
    )
    def test_a_day_that_is_not_in_the_calendar(
        self, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
        option = args[-2]
        assert one_line(*args, code=1) == f"error: {option}: '2026-02-30' is not a calendar date\n"
        assert list(tmp_path.iterdir()) == []


class TestMigrations:
    """``comity db``: a revision that is not shipped, or a downgrade that goes up."""

    def test_a_migration_that_does_not_exist(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{tmp_path / 'n.db'}")
        for args in (["upgrade", "bogus"], ["upgrade", "head+1"], ["downgrade", "0001:0002"]):
            stderr = one_line("db", *args, code=66)
            assert stderr.startswith(f"error: no migration {args[1]!r}: give head, base or one of")
        assert runner.invoke(app, ["db", "current"]).stdout.startswith("database: empty;")

    def test_a_downgrade_above_the_database(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{tmp_path / 'n.db'}")
        assert runner.invoke(app, ["db", "upgrade", "0001"]).exit_code == 0
        stderr = one_line("db", "downgrade", "0002", code=1)
        assert stderr == "error: cannot downgrade to 0002: the database is at 0001\n"
