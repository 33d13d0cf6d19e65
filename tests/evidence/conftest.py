"""Fixtures for the evidence tests: authorities, items, and a builder of crafted packages."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from comity.evidence import AuthorityKeys, ItemSource, SealedPackage, seal
from comity.evidence.age_header import AgeRecipient
from comity.evidence.age_stream import encrypt
from comity.evidence.tarstream import END_OF_ARCHIVE, member_header, padding


@dataclass(frozen=True)
class Parties:
    producer: AuthorityKeys
    recipient: AuthorityKeys
    stranger: AuthorityKeys


@pytest.fixture(scope="session")
def parties() -> Parties:
    return Parties(
        AuthorityKeys.generate("producer"),
        AuthorityKeys.generate("recipient"),
        AuthorityKeys.generate("stranger"),
    )


@pytest.fixture
def items(tmp_path: Path) -> list[Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "mailbox.mbox").write_bytes(b"From a@example.org\n" * 11000)  # ~200 KiB: 4 chunks
    (src / "subscriber.json").write_text('{"subscriber": "x"}')
    (src / "empty.bin").write_bytes(b"")
    return sorted(src.iterdir())


@pytest.fixture
def sealed(tmp_path: Path, parties: Parties, items: list[Path]) -> Callable[..., SealedPackage]:
    def build(name: str = "package.age", paths: list[Path] | None = None) -> SealedPackage:
        return seal(
            [ItemSource(p) for p in (paths if paths is not None else items)],
            request="MX-2026-000123",
            producer=parties.producer,
            recipients=[parties.recipient.public],
            output=tmp_path / name,
            person="Ana Officer",
        )

    return build


@pytest.fixture
def craft() -> Callable[..., None]:
    """The :func:`craft_package` function, for tests that build hostile packages."""
    return craft_package


def craft_package(
    path: Path, recipient: AgeRecipient, members: list[tuple[str, bytes]], tail: bytes = b""
) -> None:
    """Write an age file whose plaintext is a tar of ``members`` (then ``tail``), as-is."""
    plain = io.BytesIO()
    for name, data in members:
        plain.write(member_header(name, len(data), 0) + data + padding(len(data)))
    plain.write(END_OF_ARCHIVE + tail)
    plain.seek(0)
    with path.open("wb") as out:
        encrypt(plain, out, [recipient])
