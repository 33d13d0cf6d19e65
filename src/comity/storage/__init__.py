"""Storage adapters: SQLAlchemy 2 models, the engine, and Alembic migrations.

SQLite (the embedded default) and PostgreSQL (through psycopg 3) behave the same here: every
write transaction takes the write lock at its start, and the audit tables are append-only in
the database itself, not just in code.
"""

from __future__ import annotations

from comity.storage.engine import connect, read_transaction, write_transaction

__all__ = ["connect", "read_transaction", "write_transaction"]
