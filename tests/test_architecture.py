"""The layering of docs/decisions/0000-architecture.md, enforced.

The core (the Convention as data, the registry, cases, rules, ledger maths, the evidence
format) imports no web, database or network framework, and none of Comity's adapters.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import comity

SOURCE = Path(comity.__file__).parent
CORE_PACKAGES = ("treaty", "registry", "cases", "rules", "ledger", "evidence")
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "requests",
    "urllib.request",
    "http.client",
    "socket",
    "jinja2",
    "comity.storage",
    "comity.api",
    "comity.web",
    "comity.services",
    "comity.transport",
    "comity.cli",
)


def forbidden_imports(path: Path) -> list[str]:
    """``module: line`` for each import in ``path`` of a framework the core must not use."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN):
                found.append(f"{name}: line {node.lineno}")
    return found


def core_modules() -> list[Path]:
    return sorted(path for package in CORE_PACKAGES for path in (SOURCE / package).rglob("*.py"))


class TestCoreIsPure:
    @pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(SOURCE)))
    def test_core_module_imports_no_framework(self, path: Path) -> None:
        assert forbidden_imports(path) == []

    def test_the_check_catches_a_framework_import(self, tmp_path: Path) -> None:
        module = tmp_path / "impure.py"
        module.write_text("import os\nfrom sqlalchemy.orm import Session\nimport fastapi\n")
        assert forbidden_imports(module) == ["sqlalchemy.orm: line 2", "fastapi: line 3"]


class TestPublicSurface:
    def test_all_is_sorted_and_exported(self) -> None:
        assert comity.__all__ == sorted(comity.__all__)
        for name in comity.__all__:
            assert hasattr(comity, name)
