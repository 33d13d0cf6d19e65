from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from comity.api.app import create_app
from comity.config import load_settings


def _client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(load_settings(database_url=url))) as client:
        yield client


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield from _client(engine.url.render_as_string(hide_password=False))


class TestHealth:
    def test_healthz_says_the_process_is_alive(self, client: TestClient) -> None:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_readyz_reports_the_database_and_revision(self, client: TestClient) -> None:
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["status"] == "ready"

    def test_readyz_refuses_an_unmigrated_database_as_a_problem(self, database_url: str) -> None:
        for client in _client(database_url):
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
            body = response.json()
            assert body["type"] == "urn:comity:problem:schema-out-of-date"
            assert "comity db upgrade" in body["detail"]
            assert response.headers["retry-after"] == "5"

    def test_readyz_on_an_unreachable_database_is_a_problem(self) -> None:
        for client in _client("postgresql+psycopg://nobody@127.0.0.1:9/x?connect_timeout=2"):
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["type"] == "urn:comity:problem:database-unavailable"


class TestProblemDetails:
    def test_an_unknown_path_is_a_problem_not_html(self, client: TestClient) -> None:
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "urn:comity:problem:not-found",
            "title": "Not Found",
            "status": 404,
            "detail": "nothing is served at /api/v1/nothing-here",
            "instance": "/api/v1/nothing-here",
        }

    def test_the_openapi_page_and_document_are_served(self, client: TestClient) -> None:
        assert client.get("/docs").status_code == 200
        document = client.get("/openapi.json").json()
        assert "/api/v1/node" in document["paths"]
        assert "/healthz" in document["paths"]

    def test_the_node_describes_itself(self, client: TestClient) -> None:
        body = client.get("/api/v1/node").json()
        assert body["name"] == "comity.localhost"
        assert body["database"] in {"sqlite", "postgresql"}
