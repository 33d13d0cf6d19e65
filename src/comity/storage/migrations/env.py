"""Alembic's environment: runs the migrations on the connection Comity hands it.

Comity never runs Alembic from an ``alembic.ini``; ``comity.storage.migrate`` builds the
configuration and passes an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from comity.storage.models import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
