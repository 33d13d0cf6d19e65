"""What this node is: its name, its version, and the database it runs on."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from comity import __version__
from comity.api.deps import EngineDep, SettingsDep

router = APIRouter(tags=["node"])


class NodeInfo(BaseModel):
    name: str
    version: str
    database: str


@router.get("/node", operation_id="getNode", summary="This node's name and version")
def get_node(settings: SettingsDep, engine: EngineDep) -> NodeInfo:
    return NodeInfo(name=settings.node_name, version=__version__, database=engine.dialect.name)
