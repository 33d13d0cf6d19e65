"""The Convention as data, read-only: request kinds and provisions with their confidence tags."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from comity.treaty import load_instrument
from comity.treaty.export import cited_by_dict, kind_dict, provision_dict

router = APIRouter(prefix="/treaty", tags=["treaty"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such article or kind"}}


@router.get("/kinds", operation_id="listRequestKinds", summary="The request kinds and contents")
def list_kinds() -> list[dict[str, Any]]:
    """Every request kind with its required and optional contents, each with its citations and
    the confidence tag of the provision cited (an unverified paragraph is never certain)."""
    instrument = load_instrument()
    return [kind_dict(instrument, kind) for kind in instrument.kinds]


@router.get(
    "/kinds/{kind}", operation_id="getRequestKind", summary="One request kind", responses=_NOT_FOUND
)
def get_kind(kind: str) -> dict[str, Any]:
    instrument = load_instrument()
    return kind_dict(instrument, instrument.request_kind(kind))


@router.get(
    "/articles/{article}",
    operation_id="getArticle",
    summary="An article's provisions and everything that cites it",
    responses=_NOT_FOUND,
)
def get_article(article: int) -> dict[str, Any]:
    instrument = load_instrument()
    return {
        "article": article,
        "provisions": [provision_dict(p) for p in instrument.article(article)],
        "cited_by": [cited_by_dict(instrument, c) for c in instrument.citing(article)],
    }
