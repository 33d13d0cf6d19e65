from __future__ import annotations

from pathlib import Path

import pytest

from comity.config import LogFormat, load_settings
from comity.errors import ConfigurationError


class TestSettings:
    def test_defaults_serve_locally_on_sqlite_in_the_data_directory(self, tmp_path: Path) -> None:
        settings = load_settings()
        assert settings.host == "127.0.0.1"
        assert settings.port == 8000
        assert settings.log_format is LogFormat.CONSOLE
        assert (
            settings.database_url == f"sqlite:///{tmp_path / 'xdg-data' / 'comity' / 'comity.db'}"
        )

    def test_environment_variables_with_the_prefix_are_read(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COMITY_PORT", "9001")
        monkeypatch.setenv("COMITY_LOG_FORMAT", "json")
        monkeypatch.setenv("COMITY_DATABASE_URL", "postgresql+psycopg://u@h/db")
        settings = load_settings()
        assert (settings.port, settings.log_format) == (9001, LogFormat.JSON)
        assert settings.database_url == "postgresql+psycopg://u@h/db"

    @pytest.mark.parametrize(
        ("variable", "value", "expected"),
        [
            ("COMITY_PORT", "eighty", "COMITY_PORT: Input should be a valid integer"),
            ("COMITY_PORT", "70000", "COMITY_PORT: Input should be less than or equal to 65535"),
            ("COMITY_LOG_FORMAT", "xml", "COMITY_LOG_FORMAT: Input should be 'console' or 'json'"),
            ("COMITY_DATABASE_URL", "mysql://x", "COMITY_DATABASE_URL: must start with sqlite"),
            ("COMITY_LOG_KEY_FILE", "/nonexistent/key", "COMITY_LOG_KEY_FILE: no such file"),
        ],
    )
    def test_a_bad_value_names_the_variable_and_the_problem(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(ConfigurationError) as raised:
            load_settings()
        assert str(raised.value).startswith(expected)
        assert "\n" not in str(raised.value)
