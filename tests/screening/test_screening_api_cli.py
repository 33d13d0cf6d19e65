"""The screening API (administrator's bearer token) and the screening and profiles commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from screening_helpers import FIXTURES, PROFILES, store, unknown_offence
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from comity.api.app import create_app
from comity.cli import app
from comity.config import load_settings
from comity.services import law_profiles
from comity.storage import migrate
from comity.storage.engine import connect

TOKEN = "s3cret-admin-token"
FINDING = "dual_criminality.cannot_assess"


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "admin.token"
    path.write_text(TOKEN + "\n")
    return path


def _client(engine: Engine, **settings: object) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(load_settings(database_url=url, **settings), sequencer=False))


@pytest.fixture
def client(engine: Engine, token_file: Path) -> Iterator[TestClient]:
    with _client(engine, admin_token_file=token_file) as client:
        yield client


AUTH = {"Authorization": f"Bearer {TOKEN}"}


class TestApi:
    def test_without_the_setting_the_endpoints_answer_503(self, engine: Engine) -> None:
        with _client(engine) as client:
            for path in ("/api/v1/screening/REQ-1", "/api/v1/law-profiles"):
                response = client.get(path, headers=AUTH)
                assert response.status_code == 503
                assert response.headers["content-type"] == "application/problem+json"
                assert response.json()["type"] == "urn:comity:problem:not-configured"

    @pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic " + TOKEN, "Bearer "])
    def test_a_missing_or_wrong_token_is_401(self, client: TestClient, header) -> None:
        headers = {} if header is None else {"Authorization": header}
        for method, path in (
            ("GET", "/api/v1/screening/REQ-1"),
            ("GET", "/api/v1/screening/REQ-1/history"),
            ("POST", "/api/v1/screening/REQ-1/decisions"),
            ("GET", "/api/v1/law-profiles"),
        ):
            response = client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (method, path)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["type"] == "urn:comity:problem:unauthenticated"

    def test_report_decisions_and_history(self, client: TestClient, engine: Engine) -> None:
        assert client.get("/api/v1/screening/REQ-1", headers=AUTH).status_code == 404
        store(engine, "REQ-1", unknown_offence())
        body = client.get("/api/v1/screening/REQ-1", headers=AUTH).json()
        assert body["unresolved"] == [FINDING]
        assert body["grantable"] is False
        url = "/api/v1/screening/REQ-1/decisions"
        refused = client.post(
            url, headers=AUTH, json={"finding": FINDING, "verdict": "overridden", "reviewer": "R"}
        )
        assert refused.status_code == 422
        assert refused.json()["type"] == "urn:comity:problem:validation-failed"
        done = client.post(
            url,
            headers=AUTH,
            json={"finding": FINDING, "verdict": "overridden", "reviewer": "R", "reasons": "ok"},
        )
        assert done.status_code == 201
        assert done.json()["grantable"] is True
        assert done.json()["status"][FINDING] == "overridden"
        history = client.get("/api/v1/screening/REQ-1/history", headers=AUTH).json()
        assert [r["changes"] for r in history["reports"]] == [None]

    def test_law_profiles(self, client: TestClient, engine: Engine) -> None:
        assert client.get("/api/v1/law-profiles", headers=AUTH).json()["profiles"] == []
        law_profiles.import_files(engine, [PROFILES])
        body = client.get("/api/v1/law-profiles", headers=AUTH).json()
        assert [p["state"] for p in body["profiles"]] == ["ATA", "BVT", "HMD"]


class TestCommands:
    runner = CliRunner()

    @pytest.fixture
    def node(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        database = tmp_path / "node.db"
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{database}")
        migrate.upgrade(connect(f"sqlite:///{database}"))
        return tmp_path

    def test_profiles_import_export_round_trip(self, node: Path) -> None:
        result = self.runner.invoke(app, ["profiles", "import", str(PROFILES)])
        assert result.exit_code == 0, result.stderr
        assert "added ATA, BVT, HMD" in result.stdout
        out = node / "exported"
        assert self.runner.invoke(app, ["profiles", "export", "-o", str(out)]).exit_code == 0
        first = json.loads(self.runner.invoke(app, ["profiles", "export"]).stdout)
        again = self.runner.invoke(app, ["profiles", "import", *map(str, sorted(out.iterdir()))])
        assert "replaced ATA, BVT, HMD" in again.stdout
        second = json.loads(self.runner.invoke(app, ["profiles", "export"]).stdout)
        assert second["sha256"] == first["sha256"]
        assert second["seq"] == first["seq"] + 1

    def test_a_bad_profile_is_exit_65(self, node: Path) -> None:
        bad = node / "bad.yaml"
        bad.write_text("format: comity.law-profile/1\nstate: bvt\n")
        result = self.runner.invoke(app, ["profiles", "import", str(bad)])
        assert result.exit_code == 65
        assert "bad.yaml" in result.stderr

    def test_run_show_decide_rescreen(self, node: Path) -> None:
        request = node / "request.yaml"
        request.write_text(
            yaml.safe_dump(unknown_offence().model_dump(mode="json", exclude_none=True))
        )
        self.runner.invoke(app, ["profiles", "import", str(PROFILES)])
        registry = [
            str(FIXTURES / "registry-actions.csv"),
            str(FIXTURES / "registry-notifications.json"),
        ]
        assert self.runner.invoke(app, ["registry", "import", *registry]).exit_code == 0
        run = self.runner.invoke(
            app, ["screening", "run", "REQ-1", str(request), "--date", "2027-03-01"]
        )
        assert run.exit_code == 0, run.stderr
        shown = self.runner.invoke(app, ["screening", "show", "REQ-1"])
        assert f"{FINDING}" in shown.stdout
        assert "cannot be granted: unresolved" in shown.stdout
        no_reasons = self.runner.invoke(
            app, ["screening", "decide", "REQ-1", FINDING, "--override", "--reviewer", "R"]
        )
        assert no_reasons.exit_code == 1
        assert "needs reasons" in no_reasons.stderr
        decided = self.runner.invoke(
            app,
            ["screening", "decide", "REQ-1", FINDING, "--override", "--reviewer", "R",
             "--reasons", "Same conduct as fraud in BVT."],
        )  # fmt: skip
        assert decided.exit_code == 0, decided.stderr
        body = json.loads(self.runner.invoke(app, ["screening", "show", "REQ-1", "--json"]).stdout)
        assert body["grantable"] is True
        rescreen = self.runner.invoke(app, ["screening", "rescreen-all", "--json"])
        assert rescreen.exit_code == 0, rescreen.stderr
        assert json.loads(rescreen.stdout)["examined"] == 1
