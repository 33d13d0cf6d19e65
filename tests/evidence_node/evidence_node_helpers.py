"""Helpers of the evidence-through-the-node tests (fixtures in conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.evidence import AuthorityKeys, ItemSource, SealedPackage, seal
from comity.evidence.age_header import AgeRecipient
from comity.services.authorities import HostedAuthority, signing_key
from comity.storage.engine import read_transaction

EXAMPLE = Path(__file__).parents[2] / "docs" / "formats" / "examples" / "preservation-request.json"


def preservation_document() -> dict[str, Any]:
    """A complete preservation request from FRA to PRT (legal basis: a treaty)."""
    today = dt.datetime.now(dt.UTC).date()
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.pop("reference")
    document.pop("$schema")
    document["requested_authority"]["identifier"] = "prt-247"
    document["legal_basis"] = {"treaty": "Budapest Convention on Cybercrime (ETS No. 185)"}
    document["deadline"]["date"] = (today + dt.timedelta(days=30)).isoformat()
    document["follow_up_intent"]["expected_by"] = (today + dt.timedelta(days=40)).isoformat()
    return document


@dataclass
class EvidenceNode:
    """A node with three hosted authorities and a request sent from FRA to PRT."""

    engine: Engine
    settings: Settings
    fra: HostedAuthority
    prt: HostedAuthority
    bra: HostedAuthority
    reference: str
    headers: dict[str, dict[str, str]]

    def rows(self, table: str) -> list[dict[str, Any]]:
        with read_transaction(self.engine) as connection:
            query = sa.text(f"SELECT * FROM {table}")  # noqa: S608 - a fixed test table name
            return [dict(r._mapping) for r in connection.execute(query)]

    def count(self, table: str) -> int:
        with read_transaction(self.engine) as connection:
            query = sa.select(sa.func.count()).select_from(sa.table(table))
            return int(connection.execute(query).scalar_one())

    def tags(self) -> list[str]:
        with read_transaction(self.engine) as connection:
            query = sa.text("SELECT tag FROM events ORDER BY seq")
            return [str(t) for t in connection.execute(query).scalars()]

    def hosted_keys(self, authority: HostedAuthority) -> AuthorityKeys:
        """The keys the node holds for ``authority`` (an operator would export them)."""
        with read_transaction(self.engine) as connection:
            return AuthorityKeys(authority.id, signing_key(connection, self.settings, authority.id))

    def seal_for_fra(self, tmp: Path, *, producer: AuthorityKeys | None = None,
                     name: str = "package.age", size: int = 300_000) -> SealedPackage:  # fmt: skip
        """A package sealed by PRT (or ``producer``) for FRA, answering the request."""
        src = tmp / f"{name}.items"
        src.mkdir()
        (src / "mailbox.mbox").write_bytes(bytes(range(256)) * (size // 256))
        (src / "subscriber.json").write_text('{"subscriber": "x"}')
        return seal(
            [ItemSource(p) for p in sorted(src.iterdir())],
            request=self.reference,
            producer=producer or self.hosted_keys(self.prt),
            recipients=[AgeRecipient.parse(self.fra.age_recipient)],
            output=tmp / name,
            person="Rui Custodian",
        )


def start_upload(client: TestClient, node: EvidenceNode, package: SealedPackage) -> dict[str, Any]:
    """POST the receipt as PRT; the answer's JSON."""
    response = client.post(
        f"/api/v1/requests/{node.reference}/evidence/uploads",
        json={"receipt": package.receipt},
        headers=node.headers["prt-247"],
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def patch(client: TestClient, node: EvidenceNode, upload: str, offset: int, data: bytes,
          who: str = "prt-247") -> Any:  # fmt: skip
    """PATCH one chunk; the response."""
    headers = {**node.headers[who], "Upload-Offset": str(offset),
               "Content-Type": "application/offset+octet-stream"}  # fmt: skip
    return client.patch(f"/api/v1/evidence/uploads/{upload}", content=data, headers=headers)


def upload_whole(client: TestClient, node: EvidenceNode, package: SealedPackage) -> dict[str, Any]:
    """Upload a package in one chunk; the accepted package's JSON."""
    started = start_upload(client, node, package)
    done = patch(client, node, started["id"], 0, package.path.read_bytes())
    assert done.status_code == 200, done.text
    return dict(done.json()["package"])
