"""Requests on the node: drafting-to-sent and receive-to-decision on SQLite and PostgreSQL.

With ``--stored`` requests (default 100,000) already in the database (bulk-inserted copies,
half on each side, in the current year so that reference numbering and listing see them), it
measures, through the services and the in-process transport (signing, verification, one
transaction per action, one journal event per transition on each side):

1. *draft to sent*: draft, approve, send, which includes delivering the signed request to the
   requested authority and creating its copy (three actions, four transactions and events);
2. *receive to decision*: acknowledge, then the decision (``preserve``, until 90 days on) on
   the requested side, each mirrored to the requesting side's copy.

It reports requests per second and the p50 and p99 latency of one whole chain. Run from the
repository root:

    .venv/bin/python bench/requests_bench.py [--stored 100000] [--requests 200]

PostgreSQL is the server at ``COMITY_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); a scratch database is created and
dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _databases import database_url
from sqlalchemy.engine import Engine

from comity.config import Settings, load_settings
from comity.services import authorities
from comity.services import requests as service
from comity.storage import migrate
from comity.storage.engine import connect, write_transaction
from comity.storage.models import requests
from comity.transport.inprocess import InProcessTransport

EXAMPLE = Path(__file__).parents[1] / "docs" / "formats" / "examples" / "preservation-request.json"


def document(today: dt.date) -> dict[str, Any]:
    """A complete preservation request from FRA to Portugal's 24/7 point of contact."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("reference")
    data.pop("$schema")
    data["requested_authority"]["identifier"] = "prt-247"
    data["legal_basis"] = {"treaty": "Council of Europe Convention on Cybercrime (ETS No. 185)"}
    data["deadline"]["date"] = (today + dt.timedelta(days=30)).isoformat()
    data["follow_up_intent"]["expected_by"] = (today + dt.timedelta(days=40)).isoformat()
    return data


def bulk_store(engine: Engine, count: int, year: int) -> float:
    """Insert ``count`` stored request copies in batches; seconds taken."""
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(count, start + batch)):
            requesting = i % 2 == 0
            rows.append({
                "id": str(uuid.uuid4()), "authority_id": "fra-ca" if requesting else "prt-247",
                "side": "requesting" if requesting else "requested",
                "reference": f"FRA-{year}-{i // 2 + 1:06d}", "kind": "preservation",
                "requesting_authority": "fra-ca", "requested_authority": "prt-247",
                "requesting_state": "FRA", "requested_state": "PRT",
                "initial_state": "drafted" if requesting else "approved",
                "state": ("drafted", "closed", "executed")[i % 3], "version": 1,
                "document": {"kind": "preservation"}, "message_id": None,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
        with write_transaction(engine) as connection:
            connection.execute(requests.insert(), rows)
    return time.perf_counter() - t0


def measure(runs: int, chain: Callable[[int], None]) -> dict[str, float]:
    """Requests per second, p50 and p99 (milliseconds) of ``runs`` chains."""
    latencies = []
    t0 = time.perf_counter()
    for i in range(runs):
        start = time.perf_counter()
        chain(i)
        latencies.append((time.perf_counter() - start) * 1000)
    total = time.perf_counter() - t0
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": runs / total, "p50": statistics.median(latencies), "p99": cuts[98]}


def run(kind: str, stored: int, runs: int) -> dict[str, Any]:
    with database_url(kind) as url:
        engine = connect(url)
        migrate.upgrade(engine)
        settings: Settings = load_settings(database_url=url)
        hosted = {
            i: authorities.add_authority(engine, settings, authority_id=i, state=s, role=r,
                                         name=i, languages=["en"], contact_email=f"{i}@e.org")
            for i, s, r in (("fra-ca", "FRA", "central_authority"),
                            ("prt-247", "PRT", "contact_point_24_7"))
        }  # fmt: skip
        today = dt.datetime.now(dt.UTC).date()
        setup = bulk_store(engine, stored, today.year)
        transport = InProcessTransport(engine, settings)
        fra, prt = hosted["fra-ca"], hosted["prt-247"]
        doc = document(today)
        sent: list[str] = []

        def to_sent(_: int) -> None:
            reference = service.draft(engine, fra, doc, officer="bench").row.reference
            for action in ("approve", "send"):
                service.act(engine, settings, fra, reference, action, transport=transport,
                            officer="bench")  # fmt: skip
            sent.append(reference)

        until = today + dt.timedelta(days=90)

        def to_decision(i: int) -> None:
            service.act(engine, settings, prt, sent[i], "acknowledge", transport=transport,
                        officer="bench")  # fmt: skip
            service.act(engine, settings, prt, sent[i], "preserve", transport=transport,
                        officer="bench", until=until)  # fmt: skip

        first = measure(runs, to_sent)
        second = measure(runs, to_decision)
        engine.dispose()
    return {"database": kind, "setup_s": setup, "draft_to_sent": first,
            "receive_to_decision": second}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="comity-bench-"))
    print(f"{args.stored} stored requests, {args.requests} measured chains per phase")
    print("| database | phase | requests/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for kind in ("sqlite", "postgresql"):
        result = run(kind, args.stored, args.requests)
        for phase in ("draft_to_sent", "receive_to_decision"):
            m = result[phase]
            print(f"| {kind} | {phase.replace('_', ' ')} | {m['rps']:.1f} | {m['p50']:.1f} | "
                  f"{m['p99']:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
