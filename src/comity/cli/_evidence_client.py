"""The evidence transfer protocol of a node, from the client side (``httpx``).

Upload (docs/formats/evidence-transfer.md): POST the receipt (the node answers with the upload
and the offset it holds, so a second run resumes where the first stopped), then PATCH chunks at
``Upload-Offset``; after a broken connection, HEAD the upload for the offset and go on.
Download: GET the package's metadata and receipt, then GET ``/content`` with ``Range:
bytes=N-`` where N is what ``FILE.part`` already holds; the whole file is checked against the
signed receipt (size and SHA-256) before it is renamed to ``FILE``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from comity.cli._remote import TIMEOUT, RemoteError
from comity.errors import (
    Conflict,
    Error,
    NotFound,
    PackageIntegrityError,
    PermissionDenied,
    ValidationFailed,
)
from comity.evidence.receipt import check_package, load_receipt, parse_receipt, receipt_path

__all__ = ["CHUNK_SIZE", "EvidenceClient"]

#: Bytes sent per PATCH: a lost connection costs at most this much again.
CHUNK_SIZE = 8 << 20
#: How many times a broken connection is resumed before giving up.
RETRIES = 5


def _problem(response: httpx.Response, what: str) -> Error:
    """The domain error a problem+json answer stands for."""
    try:
        body = response.json()
        detail = str(body.get("detail") or body)
        kind = str(body.get("type", ""))
    except ValueError:
        detail, kind = response.text[:200] or response.reason_phrase, ""
    message = f"{what}: {detail} (HTTP {response.status_code})"
    status = response.status_code
    if status == 404:
        return NotFound(message)
    if status in (401, 403):
        return PermissionDenied(message)
    if status == 409:
        return Conflict(message)
    if status == 422 and kind.endswith("package-integrity"):
        return PackageIntegrityError(message)
    if status == 422:
        return ValidationFailed(message)
    return RemoteError(message)


class EvidenceClient:
    """One node's evidence API, acting as the authority whose token is given."""

    def __init__(self, url: str, token: str, client: httpx.Client | None = None) -> None:
        self.base = url.rstrip("/") + "/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        self.client = client or httpx.Client(timeout=TIMEOUT, headers=headers)
        if client is not None:
            self.client.headers.update(headers)

    def __enter__(self) -> EvidenceClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def _send(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, self.base + path, **kwargs)
        except httpx.HTTPError as exc:
            raise RemoteError(f"{what}: cannot reach the node ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise _problem(response, what)
        return response

    def upload(
        self,
        package: Path,
        request: str,
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Upload ``package`` (its receipt beside it) for ``request``; resume if the node
        already holds part of it. Returns the accepted package's JSON."""
        receipt = load_receipt(receipt_path(package))
        started = self._send(
            "POST", f"/requests/{request}/evidence/uploads", "starting the upload",
            json={"receipt": receipt.document},
        ).json()  # fmt: skip
        upload, offset = str(started["id"]), int(started["offset"])
        size = receipt.package_size
        if progress is not None and offset:
            progress(offset)
        failures = 0
        with package.open("rb") as src:
            while True:
                src.seek(offset)
                chunk = src.read(chunk_size)
                headers = {"Upload-Offset": str(offset),
                           "Content-Type": "application/offset+octet-stream"}  # fmt: skip
                try:
                    answer = self._send("PATCH", f"/evidence/uploads/{upload}", "uploading",
                                        content=chunk, headers=headers)  # fmt: skip
                except (RemoteError, Conflict):
                    failures += 1
                    if failures > RETRIES:
                        raise
                    offset = self.upload_offset(upload)
                    continue
                state = answer.json()
                if progress is not None:
                    progress(int(state["offset"]) - offset)
                offset = int(state["offset"])
                if state["complete"]:
                    return dict(state["package"])
                if offset >= size:  # pragma: no cover - the node completes at the last byte
                    raise RemoteError("the node holds every byte but did not accept the package")

    def upload_offset(self, upload: str) -> int:
        """How many bytes of ``upload`` the node holds (HEAD, ``Upload-Offset``)."""
        answer = self._send("HEAD", f"/evidence/uploads/{upload}", "asking for the offset")
        return int(answer.headers["Upload-Offset"])

    def download(
        self, package: str, output: Path, *, progress: Callable[[int], None] | None = None
    ) -> dict[str, Any]:
        """Download ``package`` into ``output`` (resuming ``output.part``), check it against
        the producer's receipt, and write the receipt and the node's custody chain beside it.
        Returns the package's JSON."""
        if output.exists():
            raise Conflict(f"{output} already exists; a package is never overwritten")
        meta = self._send("GET", f"/evidence/packages/{package}", "reading the package").json()
        receipt = parse_receipt(meta["receipt"])
        part = output.with_name(output.name + ".part")
        size = receipt.package_size
        failures = 0
        while (held := part.stat().st_size if part.exists() else 0) < size:
            if progress is not None and failures == 0 and held:
                progress(held)
            try:
                self._fetch(package, part, held, progress)
            except RemoteError:
                failures += 1
                if failures > RETRIES:
                    raise
        try:
            check_package(part, receipt)
        except PackageIntegrityError:
            part.unlink()
            raise
        receipt_file = receipt_path(output)
        receipt_file.write_text(json.dumps(receipt.document, indent=2) + "\n", encoding="utf-8")
        os.replace(part, output)
        custody = self._send("GET", f"/evidence/packages/{package}/custody", "reading custody")
        output.with_name(output.name + ".node-custody.jsonl").write_bytes(custody.content)
        return dict(meta)

    def _fetch(
        self, package: str, part: Path, held: int, progress: Callable[[int], None] | None
    ) -> None:
        headers = {"Range": f"bytes={held}-"} if held else {}
        url = f"{self.base}/evidence/packages/{package}/content"
        try:
            with self.client.stream("GET", url, headers=headers) as answer:
                if answer.status_code >= 400:
                    answer.read()
                    raise _problem(answer, "downloading")
                if held and answer.status_code != 206:
                    part.unlink()  # the node sent the whole package: start again
                    held = 0
                with part.open("ab") as out:
                    for piece in answer.iter_bytes(1 << 20):
                        out.write(piece)
                        if progress is not None:
                            progress(len(piece))
        except httpx.HTTPError as exc:
            raise RemoteError(f"downloading: the connection broke ({type(exc).__name__})") from None
