"""Comity's configuration: every setting, read from the environment, in one place.

Each setting is an environment variable with the ``COMITY_`` prefix; nothing else in Comity
reads ``os.environ``. Secrets are never given inline: a ``*_FILE`` setting names a file that
holds them, so they stay out of process listings and shell histories.

=============================  ==========================================================
variable                       meaning
=============================  ==========================================================
``COMITY_DATABASE_URL``        SQLAlchemy URL; default: a SQLite file under the user's
                               data directory (``platformdirs``)
``COMITY_HOST``                address the server listens on (default ``127.0.0.1``)
``COMITY_PORT``                port the server listens on (default ``8000``)
``COMITY_LOG_FORMAT``          ``console`` (readable, default) or ``json`` (one object a line)
``COMITY_LOG_LEVEL``           ``debug``, ``info`` (default), ``warning`` or ``error``
``COMITY_NODE_NAME``           the node's name, used as the origin of its log (default
                               ``comity.localhost``)
``COMITY_LOG_KEY_FILE``        file holding the node's log signing key (optional)
``COMITY_SECRET_KEY_FILE``     file holding the node's secret for keyed hashes, hex
                               (optional; default ``<data dir>/node.secret``, created)
``COMITY_ADMIN_TOKEN_FILE``    file holding the node administrator's API bearer token;
                               unset: the administrator endpoints answer 503
``COMITY_WITNESS_KEYS``        comma-separated verifier keys of the witnesses whose
                               cosignatures the node accepts on its checkpoints (optional)
``COMITY_BLOB_DIR``            directory of the content-addressed store of evidence packages
                               (default ``<user data dir>/comity/blobs``)
=============================  ==========================================================
"""

from __future__ import annotations

import enum
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from comity.errors import ConfigurationError, Error
from comity.ledger.cosignature import CosignatureVerifier

__all__ = [
    "LogFormat",
    "LogLevel",
    "Settings",
    "default_blob_dir",
    "default_database_url",
    "load_settings",
]

ENV_PREFIX = "COMITY_"


class LogFormat(enum.StrEnum):
    """How the server writes its operational log to stdout."""

    CONSOLE = "console"
    JSON = "json"


class LogLevel(enum.StrEnum):
    """The least severe level that is written."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


def default_database_url() -> str:
    """A SQLite file in the user's data directory, e.g. ``~/.local/share/comity/comity.db``."""
    data_dir = Path(platformdirs.user_data_dir("comity", appauthor=False))
    return f"sqlite:///{data_dir / 'comity.db'}"


def default_blob_dir() -> Path:
    """The evidence blob store in the data directory, e.g. ``~/.local/share/comity/blobs``."""
    return Path(platformdirs.user_data_dir("comity", appauthor=False)) / "blobs"


def _split_keys(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Settings(BaseSettings):
    """The validated configuration of one Comity process."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", frozen=True, case_sensitive=False
    )

    database_url: str = Field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_format: LogFormat = LogFormat.CONSOLE
    log_level: LogLevel = LogLevel.INFO
    node_name: str = Field(default="comity.localhost", min_length=1, pattern=r"^[^\s+]+$")
    log_key_file: Path | None = None
    secret_key_file: Path | None = None
    admin_token_file: Path | None = None
    witness_keys: str = ""
    blob_dir: Path = Field(default_factory=default_blob_dir)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "sqlite+pysqlite://", "postgresql+psycopg://")):
            raise ValueError(
                "must start with sqlite:/// or postgresql+psycopg:// (the drivers Comity supports)"
            )
        return value

    @field_validator("witness_keys")
    @classmethod
    def _witness_keys(cls, value: str) -> str:
        for vkey in _split_keys(value):
            try:
                CosignatureVerifier.from_vkey(vkey)
            except Error as exc:
                raise ValueError(f"{vkey!r}: {exc}") from None
        return value

    def witnesses(self) -> tuple[CosignatureVerifier, ...]:
        """The witnesses of ``COMITY_WITNESS_KEYS`` (tlog-cosignature Ed25519 keys)."""
        return tuple(CosignatureVerifier.from_vkey(v) for v in _split_keys(self.witness_keys))

    @field_validator("log_key_file", "secret_key_file", "admin_token_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with ``overrides`` taking precedence.

    Raises :class:`ConfigurationError` naming the variable and the problem, e.g.
    ``COMITY_PORT: Input should be a valid integer (got 'eighty')``.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        got = first.get("input")
        shown = f" (got {got!r})" if isinstance(got, str | int) else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigurationError(f"{ENV_PREFIX}{field.upper()}: {message}{shown}") from None
