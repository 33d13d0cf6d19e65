"""The transparency statistics a node publishes, recomputable by anyone from its log.

``GET /api/v1/transparency/statistics`` returns the counts of the entries of the latest
checkpoint (RFC 8785 JSON, :func:`comity.ledger.stats.statistics_json`); the header
``Comity-Tree-Size`` names the tree they were computed over, so ``comity ledger stats`` can
recompute the same figures from the public entry headers and compare them byte for byte.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from comity.api.deps import EngineDep
from comity.api.routes.log import SignerDep
from comity.services import transparency

router = APIRouter(tags=["transparency"])

TREE_SIZE_HEADER = "Comity-Tree-Size"


@router.get(
    "/transparency/statistics",
    operation_id="getTransparencyStatistics",
    summary="Counts of requests by quarter, event, State pair, kind and outcome",
)
def get_statistics(engine: EngineDep, signer: SignerDep) -> Response:
    published = transparency.published_statistics(engine, signer)
    return Response(
        published.body,
        media_type="application/json",
        headers={TREE_SIZE_HEADER: str(published.tree_size), "Cache-Control": "no-cache"},
    )
