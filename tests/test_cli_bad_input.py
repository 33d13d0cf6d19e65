"""Bad input to any ``comity`` command: one line ``error: ...`` on stderr that names the file
(or option) and the problem, the exit code chosen in :mod:`comity.cli._errors`, no stack trace,
and nothing written.
"""

from __future__ import annotations

import errno
import os
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
    """Run ``comity ARGS``; check it failed with ``code`` and one ``error:`` line, no trace."""
    result = runner.invoke(app, [str(a) for a in args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"{args} raised {result.exception!r}"
    )
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
        stderr = one_line(*seal_args(**{"-o": "nodir/z.age"}), code=66)
        assert stderr.startswith("error: nodir/")
        assert stderr.endswith(": No such file or directory\n")
        assert not (world / "nodir").exists()

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
