"""Streaming POSIX tar (pax interchange format, POSIX.1-2001 ``pax``) for evidence packages.

Writing: :func:`member_header` returns the 512-byte header blocks of one regular file, built by
``tarfile.TarInfo.tobuf`` in pax format (a pax extended header is added when a name is long or
not ASCII, or a size is 8 GiB or more); the caller streams the data and :func:`padding`.

Reading: :class:`TarReader` is a push parser. It is fed plaintext in pieces of any size and
calls back for each member's start, data and end, without buffering item data. It is strict,
because a package is only ever written by Comity: regular files and pax extended headers
(``path``, ``size``, ``mtime`` records) only, checksums verified, the archive must end with two
zero blocks, and nothing but zero padding may follow them.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable

from comity.errors import PackageIntegrityError

__all__ = ["BLOCK", "END_OF_ARCHIVE", "TarReader", "member_header", "padding"]

BLOCK = 512
END_OF_ARCHIVE = bytes(2 * BLOCK)
_MAX_PAX = 64 * 1024
_PAX_KEYS = frozenset({"path", "size", "mtime"})


def member_header(name: str, size: int, mtime: int) -> bytes:
    """The header block(s) of a regular file ``name`` of ``size`` bytes, mode 0644, owner 0."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict")


def padding(size: int) -> bytes:
    """The zero bytes that pad ``size`` bytes of data to a whole block."""
    return bytes(-size % BLOCK)


def _bad(reason: str) -> PackageIntegrityError:
    return PackageIntegrityError(f"malformed archive in the package: {reason}")


def _parse_pax(data: bytes) -> dict[str, str]:
    """Parse pax extended header records ``"<len> <key>=<value>\\n"`` (POSIX pax, 'x' type)."""
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0 or not data[pos:space].isdigit():
            raise _bad("bad pax record length")
        length = int(data[pos:space])
        record = data[space + 1 : pos + length]
        if length <= 0 or pos + length > len(data) or not record.endswith(b"\n"):
            raise _bad("bad pax record")
        key, eq, value = record[:-1].partition(b"=")
        if not eq:
            raise _bad("pax record without '='")
        try:
            records[key.decode("utf-8")] = value.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad("pax record is not UTF-8") from None
        pos += length
    unknown = set(records) - _PAX_KEYS
    if unknown:
        raise _bad(f"unsupported pax record {sorted(unknown)[0]!r}")
    return records


class TarReader:
    """Push parser; see the module docstring.

    ``on_start(name, size)`` is called when a member begins, ``on_data(piece)`` for each piece
    of its data (a memoryview valid only during the call), ``on_end()`` when it is complete.
    """

    def __init__(
        self,
        on_start: Callable[[str, int], None],
        on_data: Callable[[memoryview], None],
        on_end: Callable[[], None],
    ) -> None:
        self._on_start = on_start
        self._on_data = on_data
        self._on_end = on_end
        self._block = bytearray()
        self._state = "header"  # header | pax | data | pad | end | done
        self._remaining = 0
        self._pax_data = bytearray()
        self._pax: dict[str, str] = {}
        self._zero_blocks = 0
        self._member_size = 0

    @property
    def finished(self) -> bool:
        """True once the end-of-archive marker (two zero blocks) has been read."""
        return self._state == "done"

    def feed(self, data: memoryview) -> None:
        """Consume the next piece of the archive."""
        pos = 0
        size = len(data)
        while pos < size:
            state = self._state
            if state == "data":
                take = min(self._remaining, size - pos)
                self._on_data(data[pos : pos + take])
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._on_end()
                    self._enter_padding()
            elif state == "pad":
                take = min(self._remaining, size - pos)
                if any(data[pos : pos + take]):
                    raise _bad("non-zero padding after a member")
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._state = "header"
            elif state == "done":
                # POSIX lets writers pad the archive with zero blocks; anything else is refused.
                if any(data[pos:]):
                    raise PackageIntegrityError("trailing data after the end of the archive")
                return
            else:
                take = min(BLOCK - len(self._block), size - pos)
                self._block += data[pos : pos + take]
                pos += take
                if len(self._block) == BLOCK:
                    block = bytes(self._block)
                    self._block.clear()
                    self._block_done(block)

    def _enter_padding(self) -> None:
        self._remaining = self._member_size % BLOCK and BLOCK - self._member_size % BLOCK
        self._state = "pad" if self._remaining else "header"

    def _block_done(self, block: bytes) -> None:
        if self._state == "pax":
            self._pax_data += block
            if len(self._pax_data) >= self._remaining:
                self._pax = _parse_pax(bytes(self._pax_data[: self._remaining]))
                self._pax_data.clear()
                self._state = "header"
            return
        if self._state == "end" or not any(block):
            if any(block):
                raise _bad("a member follows a zero block")
            self._zero_blocks += 1
            self._state = "end"
            if self._zero_blocks == 2:
                self._state = "done"
            return
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "strict")
        except (tarfile.HeaderError, UnicodeDecodeError) as exc:
            raise _bad(f"bad header block ({exc})") from None
        if info.type == tarfile.XHDTYPE:
            if self._pax or info.size > _MAX_PAX:
                raise _bad("bad pax extended header")
            self._remaining = info.size
            self._state = "pax"
            if info.size == 0:
                self._state = "header"
            return
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
            raise _bad(f"member {info.name!r} is not a regular file")
        name = self._pax.get("path", info.name)
        size_text = self._pax.get("size")
        if size_text is not None and not size_text.isdigit():
            raise _bad("bad pax size")
        size = int(size_text) if size_text is not None else info.size
        self._pax = {}
        self._member_size = size
        self._on_start(name, size)
        if size:
            self._remaining = size
            self._state = "data"
        else:
            self._on_end()
            self._state = "header"

    def close(self) -> None:
        """Check that the archive ended properly."""
        if self._state != "done":
            raise PackageIntegrityError("the archive in the package is incomplete")
