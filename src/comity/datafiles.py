"""Reading a file a person names on the command line (a key, a receipt, a request document).

A file that is not UTF-8 text, or not JSON, raises :class:`~comity.errors.DataFileError`
naming the file (and the line). An :class:`OSError` (the file is missing, unreadable, a
directory) is left to the caller: the command line reports it as ``error: PATH: REASON``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from comity.errors import DataFileError

__all__ = ["read_json", "read_text"]


def read_text(path: Path) -> str:
    """The file's text; :class:`DataFileError` if it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"not a text file (not UTF-8 at byte {error.start})", path=str(path)
        ) from None


def read_json(path: Path) -> Any:
    """The file's JSON value; :class:`DataFileError` naming the line if it is not JSON."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise DataFileError(f"not JSON: {error.msg}", path=str(path), line=error.lineno) from None
