"""The registry on a node: import all or nothing, snapshots, export, and the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from comity.api.app import create_app
from comity.cli import app
from comity.config import load_settings
from comity.errors import ImportRejected
from comity.services import registry as service
from comity.storage import migrate
from comity.storage.engine import connect, read_transaction
from comity.storage.models import events, registry_snapshots

VECTORS = Path(__file__).parent.parent / "vectors"
HISTORY = VECTORS / "registry-actions" / "history.csv"
DIRECTORY = VECTORS / "registry-directory" / "directory.json"
NOTIFICATIONS = VECTORS / "registry-directory" / "notifications.json"


def _rows(engine: Engine, table: sa.Table) -> int:
    with read_transaction(engine) as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


class TestImport:
    def test_an_import_is_stored_as_a_snapshot_with_its_event(self, engine: Engine) -> None:
        result = service.import_files(engine, [HISTORY])
        assert result.seq >= 1
        assert result.replaced == ("actions",)
        found = service.node_registry(engine)
        assert found is not None
        assert found.source == "node"
        assert found.registry.actions == result.registry.actions
        assert _rows(engine, events) == 1
        with read_transaction(engine) as connection:
            tag = connection.execute(sa.select(events.c.tag)).scalar_one()
        assert tag == "registry.imported"

    def test_a_later_import_replaces_only_the_sections_it_brings(self, engine: Engine) -> None:
        first = service.import_files(engine, [HISTORY])
        second = service.import_files(engine, [DIRECTORY])
        assert second.replaced == ("authorities",)
        assert second.registry.actions == first.registry.actions
        assert second.registry.authorities
        assert _rows(engine, registry_snapshots) == 2

    @pytest.mark.parametrize(
        "bad", sorted((VECTORS / "registry-actions").glob("bad*")), ids=lambda p: p.name
    )
    def test_a_bad_file_changes_nothing_and_names_the_row(self, engine: Engine, bad: Path) -> None:
        service.import_files(engine, [HISTORY])
        with pytest.raises(ImportRejected) as raised:
            service.import_files(engine, [DIRECTORY, bad])
        assert bad.name in str(raised.value)
        assert _rows(engine, registry_snapshots) == 1
        assert _rows(engine, events) == 1

    def test_without_an_import_the_shipped_data_is_current(self, engine: Engine) -> None:
        assert service.node_registry(engine) is None
        found = service.current_registry(engine)
        assert found.source == "shipped"
        assert found.registry.actions


class TestCommands:
    runner = CliRunner()

    @pytest.fixture
    def node(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        database = tmp_path / "node.db"
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{database}")
        migrate.upgrade(connect(f"sqlite:///{database}"))
        return database

    def test_import_then_export_round_trips(self, node: Path, tmp_path: Path) -> None:
        result = self.runner.invoke(app, ["registry", "import", str(HISTORY), str(DIRECTORY)])
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("imported snapshot 1 ")
        exported = tmp_path / "registry.json"
        result = self.runner.invoke(app, ["registry", "export", "-o", str(exported)])
        assert result.exit_code == 0
        document = json.loads(exported.read_text())
        assert document["format"] == "comity.registry/1"
        # The export imports again into a new node unchanged.
        again = self.runner.invoke(app, ["registry", "import", str(exported)])
        assert again.exit_code == 0
        second = self.runner.invoke(app, ["registry", "export"])
        assert json.loads(second.stdout) == document

    def test_status_uses_the_node_registry_once_imported(self, node: Path) -> None:
        before = self.runner.invoke(app, ["registry", "status", "--json"])
        assert "using the data shipped with Comity" in before.stderr
        self.runner.invoke(app, ["registry", "import", str(HISTORY)])
        expected = json.loads((VECTORS / "registry-actions" / "expected-status.json").read_text())
        for case in expected["cases"]:
            after = self.runner.invoke(
                app, ["registry", "status", "--json", "--as-of", case["as_of"]]
            )
            assert after.stderr == ""
            body = json.loads(after.stdout)
            for field in ("instruments_counted", "in_force", "entry_into_force"):
                assert body[field] == case[field], (case["as_of"], field)

    def test_a_bad_import_is_one_line_and_exit_65(self, node: Path) -> None:
        bad = VECTORS / "registry-actions" / "bad-date.csv"
        result = self.runner.invoke(app, ["registry", "import", str(bad)])
        assert result.exit_code == 65
        assert result.stderr.startswith("error: bad-date.csv, row 2: ")
        assert result.stderr.count("\n") == 1

    def test_export_of_an_empty_registry_says_so(self, node: Path) -> None:
        result = self.runner.invoke(app, ["registry", "export"])
        assert result.exit_code == 66
        assert "nothing was imported yet" in result.stderr


class TestApi:
    @pytest.fixture
    def client(self, engine: Engine) -> Iterator[TestClient]:
        url = engine.url.render_as_string(hide_password=False)
        with TestClient(create_app(load_settings(database_url=url))) as client:
            yield client

    def test_status_from_the_shipped_data_then_from_the_node(
        self, client: TestClient, engine: Engine
    ) -> None:
        body = client.get("/api/v1/registry/status", params={"as_of": "2026-07-31"}).json()
        assert body["source"] == "shipped"
        assert body["signatories"] > 0
        assert {"as_of", "signatories", "instruments_counted", "in_force", "entry_into_force",
                "parties"} <= set(body)  # fmt: skip
        service.import_files(engine, [HISTORY])
        body = client.get("/api/v1/registry/status").json()
        assert body["source"] == "node"

    def test_applicability_explains_itself(self, client: TestClient) -> None:
        body = client.get(
            "/api/v1/registry/applicability",
            params={"requesting": "FRA", "requested": "VNM", "on": "2026-01-01"},
        ).json()
        assert body["applies"] is False
        assert body["reasons"]

    def test_an_unknown_participant_is_a_problem(self, client: TestClient) -> None:
        response = client.get(
            "/api/v1/registry/applicability", params={"requesting": "XXX", "requested": "FRA"}
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_directory_marks_stale_entries(self, client: TestClient, engine: Engine) -> None:
        service.import_files(engine, [DIRECTORY])
        entries = client.get("/api/v1/registry/directory", params={"on": "2040-01-01"}).json()
        assert entries
        assert all(entry["stale"] for entry in entries)

    def test_treaty_kinds_and_articles(self, client: TestClient) -> None:
        kinds = client.get("/api/v1/treaty/kinds").json()
        assert len(kinds) == 9
        article = client.get("/api/v1/treaty/articles/42").json()
        assert article["provisions"]
        assert client.get("/api/v1/treaty/articles/999").status_code == 404
