"""FastAPI dependencies shared by the routers (they stay in ``api/``, never in the core)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.services.authorities import HostedAuthority, authenticate
from comity.transport import Transport
from comity.transport.inprocess import InProcessTransport

__all__ = ["AuthorityDep", "EngineDep", "OfficerDep", "SettingsDep", "TransportDep"]


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_transport(request: Request) -> Transport:
    """The node's transport: in-process delivery between its hosted authorities."""
    return InProcessTransport(request.app.state.engine, request.app.state.settings)


def get_authority(
    request: Request,
    authorization: Annotated[
        str | None, Header(description="`Bearer <token>`: the acting authority's API token")
    ] = None,
) -> HostedAuthority:
    """The authority whose API token came with the request (401 otherwise)."""
    token = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None
    return authenticate(request.app.state.engine, token)


def get_officer(
    officer: Annotated[
        str | None,
        Header(alias="Comity-Officer", description="The officer acting for the authority."),
    ] = None,
) -> str:
    """Who acts for the authority (recorded with each event); ``api`` when not said."""
    return (officer or "api").strip()[:200] or "api"


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TransportDep = Annotated[Transport, Depends(get_transport)]
AuthorityDep = Annotated[HostedAuthority, Depends(get_authority)]
OfficerDep = Annotated[str, Depends(get_officer)]
