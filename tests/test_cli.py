from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity import __version__
from comity.cli import app
from comity.storage import migrate

runner = CliRunner()


class TestCommand:
    def test_version(self) -> None:
        result = runner.invoke(app, ["--version"])
        assert result.exit_code == 0
        assert result.stdout == f"comity {__version__}\n"

    def test_help_lists_the_commands(self) -> None:
        result = runner.invoke(app, ["--help"])
        assert result.exit_code == 0
        for command in ("serve", "demo", "db"):
            assert command in result.stdout

    def test_python_dash_m_runs_the_same_command(self) -> None:
        completed = subprocess.run(
            [sys.executable, "-m", "comity", "--version"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert completed.stdout == f"comity {__version__}\n"


class TestDatabaseCommands:
    def test_upgrade_then_current(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("COMITY_DATABASE_URL", f"sqlite:///{tmp_path / 'n.db'}")
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        result = runner.invoke(app, ["db", "current"])
        assert result.exit_code == 0
        head = migrate.head_revision()
        assert result.stdout.startswith(f"database: {head}; this Comity: {head}")
        result = runner.invoke(app, ["db", "downgrade", "base"])
        assert result.stdout == "database at revision base (empty)\n"


def _run_comity(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "comity", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


class TestBadInput:
    """Bad input is one line on stderr naming the cause and a non-zero exit, never a trace."""

    def test_a_bad_setting(self) -> None:
        done = _run_comity("db", "upgrade", COMITY_PORT="eighty")
        assert done.returncode == 78
        assert done.stderr.startswith("error: COMITY_PORT: Input should be a valid integer")
        assert "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1

    def test_an_unreachable_database(self) -> None:
        done = _run_comity(
            "db",
            "upgrade",
            COMITY_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/x?connect_timeout=2",
        )
        assert done.returncode == 69
        assert done.stderr.startswith("error: cannot reach the database at postgresql+psycopg://")
        assert done.stderr.count("\n") == 1

    def test_serving_an_unmigrated_database_is_refused(self, tmp_path: Path) -> None:
        done = _run_comity("serve", COMITY_DATABASE_URL=f"sqlite:///{tmp_path / 'e.db'}")
        assert done.returncode == 69
        assert "run 'comity db upgrade'" in done.stderr
        assert "Traceback" not in done.stderr


class TestStartUp:
    def test_a_quick_command_loads_no_web_server_or_database_toolkit(self) -> None:
        """Sub-commands load on first use: ``comity --version`` stays instant."""
        program = (
            "import sys; from comity.cli import main; sys.argv = ['comity', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'httpx') "
            "if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        )
        assert done.stdout.splitlines()[-1] == "[]"

    def test_every_registered_command_loads(self) -> None:
        from comity.cli import COMMANDS

        for command in COMMANDS:
            assert command.load().name == command.name
