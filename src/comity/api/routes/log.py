"""The node's transparency log over HTTP: the C2SP tlog-tiles read API under ``/log/``.

Reading needs no authentication. ``checkpoint`` changes and is never cached; full tiles and
entry bundles never change and are cached for a year (``immutable``); a partial tile is an
immutable prefix of a future full tile, but clients should move on to wider versions, so it is
cached for a minute. Missing resources are 404 (problem+json; tlog clients only need the
status). ``/log/key`` gives the verifier key; witnesses ``POST /log/cosignature``
(C2SP tlog-cosignature) and ``GET /log/cosignatures`` lists what the checkpoint carries.
See docs/formats/log-api.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from comity.api.deps import EngineDep, SettingsDep
from comity.errors import ValidationFailed
from comity.ledger.checkpoint import checkpoint_of
from comity.ledger.cosignature import Cosignature
from comity.ledger.note import Ed25519Signer
from comity.services import transparency

router = APIRouter(tags=["log"])

TEXT = "text/plain; charset=utf-8"
OCTETS = "application/octet-stream"
IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=60"
MAX_NOTE_SIZE = 64 * 1024


def get_log_signer(request: Request) -> Ed25519Signer:
    signer: Ed25519Signer = request.app.state.log_signer
    return signer


SignerDep = Annotated[Ed25519Signer, Depends(get_log_signer)]


class CosignatureInfo(BaseModel):
    witness: str
    key_id: str
    timestamp: int


class Cosignatures(BaseModel):
    origin: str
    tree_size: int
    cosignatures: list[CosignatureInfo]


def _listing(note: bytes, found: list[Cosignature]) -> Cosignatures:
    cp = checkpoint_of(note)
    return Cosignatures(
        origin=cp.origin,
        tree_size=cp.size,
        cosignatures=[
            CosignatureInfo(witness=c.witness, key_id=c.key_id.hex(), timestamp=c.timestamp)
            for c in found
        ],
    )


@router.get("/checkpoint", operation_id="getLogCheckpoint", summary="The latest signed checkpoint")
def get_checkpoint(engine: EngineDep, signer: SignerDep) -> Response:
    note = transparency.read_log_path(engine, signer, "checkpoint")
    return Response(note, media_type=TEXT, headers={"Cache-Control": "no-cache"})


@router.get("/key", operation_id="getLogKey", summary="The log's verifier key")
def get_key(signer: SignerDep) -> Response:
    return Response(
        signer.verifier.vkey + "\n", media_type=TEXT, headers={"Cache-Control": "no-cache"}
    )


@router.get(
    "/tile/{path:path}", operation_id="getLogTile", summary="A tile or entry bundle (tlog-tiles)"
)
def get_tile(path: str, engine: EngineDep, signer: SignerDep) -> Response:
    data = transparency.read_log_path(engine, signer, f"tile/{path}")
    cache = PARTIAL if ".p/" in path else IMMUTABLE
    return Response(data, media_type=OCTETS, headers={"Cache-Control": cache})


@router.get(
    "/cosignatures",
    operation_id="getLogCosignatures",
    summary="Witness cosignatures on the latest checkpoint",
)
def get_cosignatures(engine: EngineDep, signer: SignerDep, settings: SettingsDep) -> Cosignatures:
    note, found = transparency.cosignatures(engine, signer, settings.witnesses())
    return _listing(note, found)


@router.post(
    "/cosignature",
    operation_id="postLogCosignature",
    summary="Add a configured witness's cosignature to the latest checkpoint",
)
async def post_cosignature(
    request: Request, engine: EngineDep, signer: SignerDep, settings: SettingsDep
) -> Cosignatures:
    body = await request.body()
    if len(body) > MAX_NOTE_SIZE:
        raise ValidationFailed(f"a cosigned checkpoint is at most {MAX_NOTE_SIZE} bytes")
    found = transparency.accept_cosignatures(engine, signer, settings.witnesses(), body)
    return _listing(body, found)
