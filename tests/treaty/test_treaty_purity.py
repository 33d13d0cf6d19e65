"""comity.treaty is PURE: importing and using it loads no web, database or network framework."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "uvicorn",
    "alembic",
    "psycopg",
    "comity.storage",
    "comity.api",
    "comity.web",
    "comity.services",
)

PROGRAM = f"""
import sys
import comity.treaty
comity.treaty.load_instrument("uncc")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r}
                or any(m == f or m.startswith(f + ".") for f in {FORBIDDEN!r}))
print(",".join(loaded))
"""


def test_treaty_imports_nothing_impure():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
