"""The streaming tar reader: any piece sizes, pax headers, and strict refusals."""

from __future__ import annotations

import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.errors import PackageIntegrityError
from comity.evidence.tarstream import END_OF_ARCHIVE, TarReader, member_header, padding


def _archive(members: list[tuple[str, bytes]]) -> bytes:
    out = b"".join(member_header(n, len(d), 0) + d + padding(len(d)) for n, d in members)
    return out + END_OF_ARCHIVE


def _read(data: bytes, pieces: list[int] | None = None) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    current = bytearray()

    def start(name: str, size: int) -> None:
        found.append((name, b""))
        current.clear()

    def data_cb(piece: memoryview) -> None:
        current.extend(piece)

    def end() -> None:
        found[-1] = (found[-1][0], bytes(current))

    reader = TarReader(start, data_cb, end)
    view = memoryview(data)
    pos = 0
    for size in pieces or []:
        reader.feed(view[pos : pos + size])
        pos += size
    reader.feed(view[pos:])
    reader.close()
    return found


MEMBERS = [
    ("items/" + "long-name-" * 20, b"a" * 700),
    ("items/correo-electrónico-邮件.mbox", b"b" * 512),
    ("items/empty", b""),
    ("manifest.json", b"{}"),
]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 900), max_size=12))
def test_any_piece_sizes_give_the_same_members(pieces):
    assert _read(_archive(MEMBERS), pieces) == MEMBERS


def test_reads_what_python_tarfile_writes_in_pax_format():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in MEMBERS:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert _read(buf.getvalue()) == MEMBERS


def test_gnu_tar_lists_our_archive(tmp_path):
    import shutil
    import subprocess

    if shutil.which("tar") is None:
        pytest.skip("tar needed")
    listing = subprocess.run(
        ["tar", "-t"], input=_archive(MEMBERS), capture_output=True, check=True
    ).stdout.decode()
    assert listing.splitlines() == [name for name, _ in MEMBERS]


def _symlink() -> bytes:
    info = tarfile.TarInfo("items/link")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return info.tobuf(tarfile.PAX_FORMAT) + END_OF_ARCHIVE


def _bad_checksum() -> bytes:
    header = bytearray(member_header("items/a", 1, 0))
    header[0] ^= 1
    return bytes(header) + b"a" + padding(1) + END_OF_ARCHIVE


def _pax(record: bytes) -> bytes:
    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = len(record)
    head = info.tobuf(tarfile.USTAR_FORMAT)
    return head + record + padding(len(record)) + member_header("items/a", 0, 0) + END_OF_ARCHIVE


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_symlink(), "not a regular file"),
        (_bad_checksum(), "bad header block"),
        (_archive([("items/a", b"a")])[:-512], "incomplete"),
        (member_header("items/a", 1, 0) + b"a" + b"\x01" + bytes(510) + END_OF_ARCHIVE,
         "non-zero padding"),
        (bytes(512) + member_header("items/a", 0, 0) + bytes(512), "follows a zero block"),
        (_archive([]) + b"x", "trailing data after the end of the archive"),
        (_pax(b"17 uname=someone\n"), "unsupported pax record 'uname'"),
        (_pax(b"5 path=a\n"), "bad pax record"),
        (_pax(b"x path=a\n"), "bad pax record length"),
        (_pax(b"11 size=1x\n"), "bad pax size"),
        (_pax(b"8 patha\n"), "without '='"),
    ],
)  # fmt: skip
def test_refusals(data, reason):
    with pytest.raises(PackageIntegrityError, match=reason):
        _read(data)
