"""Evidence packages through the node: resumable upload, ranged download, custody.

The protocol is docs/formats/evidence-transfer.md: ``POST`` the producer's receipt to start an
upload, ``PATCH`` chunks at ``Upload-Offset`` (tus 1.0 core style), ``HEAD`` the upload to learn
its offset after an interruption; the recipient downloads with ``GET`` and ``Range`` (RFC 9110
§14). Every route needs the API token of a hosted authority; a package or upload of anyone
else is 404.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Body, Header, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from comity.api.deps import AuthorityDep, EngineDep, OfficerDep, SettingsDep
from comity.api.routes.requests import AUTH, Responses, problem
from comity.services import evidence_transfer as service
from comity.services.custody import custody_jsonl

router = APIRouter(tags=["evidence"])

#: Chunks are spooled to a temporary file beyond this many bytes (never held whole in memory).
SPOOL_BYTES = 8 << 20
_PIECE = 1 << 20

ONE: Responses = {**AUTH, 404: problem("No such upload or package for this authority")}
UPLOAD: Responses = {
    **ONE,
    409: problem("Upload-Offset is not the node's offset, or the package is already here"),
    422: problem("The receipt or the bytes do not match: refused and deleted"),
}


def _upload_headers(state: service.UploadState) -> dict[str, str]:
    return {
        "Upload-Offset": str(state.offset),
        "Upload-Length": str(state.package_size),
        "Location": f"/api/v1/evidence/uploads/{state.id}",
        "Cache-Control": "no-store",
    }


@router.post(
    "/requests/{key}/evidence/uploads", operation_id="createEvidenceUpload",
    summary="Start uploading an evidence package", status_code=201,
    responses={**UPLOAD, 403: problem("Only the requested authority returns evidence")},
)  # fmt: skip
def create_upload(
    engine: EngineDep,
    settings: SettingsDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    key: str,
    receipt: Annotated[dict[str, Any], Body(embed=True, description="The signed receipt")],
) -> Response:
    """Check the producer's receipt (signature against the directory key, request) and start
    an upload of the package it names; the same receipt again finds the same upload."""
    state = service.create_upload(engine, settings, authority, key, receipt, officer=officer)
    return JSONResponse(state.to_json(), status_code=201, headers=_upload_headers(state))


@router.head(
    "/evidence/uploads/{upload_id}", operation_id="headEvidenceUpload",
    summary="The offset to resume an upload at", responses=ONE,
)  # fmt: skip
def head_upload(
    engine: EngineDep, settings: SettingsDep, authority: AuthorityDep, upload_id: str
) -> Response:
    """``Upload-Offset``: how many bytes the node holds; ``Upload-Length``: how many it needs."""
    state = service.upload_state(engine, settings, authority, upload_id)
    return Response(status_code=200, headers=_upload_headers(state))


@router.get(
    "/evidence/uploads/{upload_id}", operation_id="getEvidenceUpload",
    summary="An upload in progress", responses=ONE,
)  # fmt: skip
def get_upload(
    engine: EngineDep, settings: SettingsDep, authority: AuthorityDep, upload_id: str
) -> Response:
    """The upload as JSON, with its offset."""
    state = service.upload_state(engine, settings, authority, upload_id)
    return JSONResponse(state.to_json(), headers=_upload_headers(state))


async def _spool(request: Request) -> tuple[BinaryIO, int]:
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    length = 0
    async for piece in request.stream():
        spooled.write(piece)
        length += len(piece)
    spooled.seek(0)
    return spooled, length  # type: ignore[return-value]


@router.patch(
    "/evidence/uploads/{upload_id}", operation_id="patchEvidenceUpload",
    summary="Send the next chunk of an upload", responses=UPLOAD,
)  # fmt: skip
async def patch_upload(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    upload_id: str,
    upload_offset: Annotated[
        int, Header(alias="Upload-Offset", ge=0, description="Where this chunk starts")
    ],
) -> Response:
    """Append the body (``application/offset+octet-stream``) at ``Upload-Offset``. With the
    last byte the node checks the package against the receipt and accepts it (the answer
    then holds ``package``) or refuses it and deletes every byte (422)."""
    chunk, length = await _spool(request)
    try:
        state = await run_in_threadpool(
            service.append_chunk, engine, settings, authority, upload_id, upload_offset, length,
            chunk, officer=officer,
        )  # fmt: skip
    finally:
        chunk.close()
    headers = _upload_headers(state)
    if state.package is not None:
        headers["Location"] = f"/api/v1/evidence/packages/{state.package.id}"
    return JSONResponse(state.to_json(), headers=headers)


@router.get(
    "/evidence/packages", operation_id="listEvidencePackages",
    summary="Packages you produced or are to receive", responses=AUTH,
)  # fmt: skip
def list_packages(engine: EngineDep, authority: AuthorityDep) -> list[dict[str, Any]]:
    """Accepted packages, newest first."""
    return [service.package_json(p) for p in service.list_packages(engine, authority)]


@router.get(
    "/evidence/packages/{package}", operation_id="getEvidencePackage",
    summary="One package and its receipt", responses=ONE,
)  # fmt: skip
def get_package(engine: EngineDep, authority: AuthorityDep, package: str) -> dict[str, Any]:
    """The package's digest, size, parties and the producer's signed receipt."""
    return service.package_json(service.get_package(engine, authority, package))


@router.get(
    "/evidence/packages/{package}/receipt", operation_id="getEvidenceReceipt",
    summary="The producer's signed receipt", responses=ONE,
)  # fmt: skip
def get_receipt(engine: EngineDep, authority: AuthorityDep, package: str) -> dict[str, Any]:
    """``PACKAGE.receipt.json`` as the producer signed it."""
    return service.get_package(engine, authority, package).receipt


@router.get(
    "/evidence/packages/{package}/custody", operation_id="getEvidenceCustody",
    summary="The node's chain of custody of a package", responses=ONE,
)  # fmt: skip
def get_custody(engine: EngineDep, authority: AuthorityDep, package: str) -> Response:
    """Every custody event the node recorded, one signed JSON document a line."""
    rows = service.custody_rows(engine, authority, package)
    return Response(custody_jsonl(rows), media_type="application/jsonl")


def _pieces(stream: BinaryIO, length: int) -> Iterator[bytes]:
    try:
        left = length
        while left > 0 and (piece := stream.read(min(_PIECE, left))):
            left -= len(piece)
            yield piece
    finally:
        stream.close()


@router.get(
    "/evidence/packages/{package}/content", operation_id="downloadEvidencePackage",
    summary="Download a package (recipient only; Range to resume)",
    responses={**ONE, 206: {"description": "The requested range"},
               416: problem("The range is outside the package")},
)  # fmt: skip
def download(
    engine: EngineDep,
    settings: SettingsDep,
    authority: AuthorityDep,
    officer: OfficerDep,
    package: str,
    range_header: Annotated[
        str | None, Header(alias="Range", description="bytes=FIRST- to resume")
    ] = None,
) -> Response:
    """The package's bytes, whole (200) or one range (206); each download is recorded as
    custody event ``transferred`` in the node's chain and the ledger."""
    found, wanted, stream = service.open_download(
        engine, settings, authority, package, range_header, officer=officer
    )
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Length": str(wanted.length),
        "ETag": f'"{found.package_sha256}"',
        "Repr-Digest": f"sha-256=:{_b64_digest(found.package_sha256)}:",
    }
    status = 200
    if wanted.partial:
        status = 206
        headers["Content-Range"] = f"bytes {wanted.first}-{wanted.last}/{wanted.size}"
    return StreamingResponse(
        _pieces(stream, wanted.length), status_code=status, headers=headers,
        media_type="application/octet-stream",
    )  # fmt: skip


def _b64_digest(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
