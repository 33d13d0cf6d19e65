"""Screening on the node against a large history, on SQLite and PostgreSQL.

On each database, with the node's own code (``screen_and_store``, ``rescreen_all``):

1. *load*: a history of ``--history`` request summaries (default 1,000,000) with their keyed
   hashes (1-4 identifiers, 0-1 person each) and flags, bulk-inserted in batches of 20,000
   (``pattern_store.insert_summaries``: executemany, one transaction per batch), all to one
   requested State (the worst case for the indexes); 10 % refused, 5 % emergencies (one
   authority at 40 %), 30 % with an investigation reference, 2 % flagged;
2. *screen*: ``--screen`` new requests (default 2,000), each screened with the rules engine
   plus every pattern query over the history, its report, sealed subject and event stored,
   one write transaction each (what receiving a request costs); half of them name an
   identifier of the history, 10 % an annotated journalist, 30 % a known investigation;
3. *re-screen*: after a rule change (``proportionality.many_targets`` at 2 identifiers
   instead of 10), ``rescreen_all`` over the stored screenings (the requests of phase 2,
   which carry full subjects; the loaded history has summaries only) and the time per
   screening, from which the time for the whole history is extrapolated (the work per
   screening does not depend on the history's size: subjects are read in primary-key pages).

Run from the repository root:

    .venv/bin/python bench/screening_bench.py [--history 1000000] [--screen 2000]

PostgreSQL is the server at ``COMITY_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); a scratch database is created and
dropped. SQLite runs as the node configures it (WAL, ``synchronous=NORMAL``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from _databases import migrated_engine
from sqlalchemy.engine import Engine

from comity.cases.document import RequestDocument
from comity.registry import parse_files
from comity.rules import (
    Annotations,
    Inputs,
    RequestSummary,
    identifier_key,
    load_profiles,
    parse_rules,
    shipped_rules,
)
from comity.rules._load import read_source
from comity.services.rescreen import rescreen_all
from comity.services.screening import screen_and_store
from comity.storage import pattern_store
from comity.storage.engine import write_transaction

FIXTURES = Path(__file__).parents[1] / "tests" / "scenarios" / "fixtures"
SECRET = bytes(range(32))
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
AUTHORITY = "ATA Central Authority for Mutual Legal Assistance"
ID_POOL, PERSON_POOL, CASE_POOL = 400_000, 200_000, 200_000
BATCH = 20_000


class Pools:
    """Keyed hashes computed once for the pools the history draws from."""

    def __init__(self) -> None:
        self.ids = [identifier_key(f"email:u{j}@mail.example", SECRET) for j in range(ID_POOL)]
        self.persons = [identifier_key(f"p{j}", SECRET) for j in range(PERSON_POOL)]
        self.cases = [identifier_key(f"case:OP-{j}", SECRET) for j in range(CASE_POOL)]


def history(n: int, pools: Pools, rng: random.Random) -> Iterator[RequestSummary]:
    states = ["ATA", "HMD", *(f"S{k:02d}" for k in range(18))]
    authorities = [AUTHORITY, *(f"AUTH-{k:03d}" for k in range(199))]
    for i in range(n):
        authority = authorities[i % len(authorities)]
        emergency = rng.random() < (0.4 if authority == "AUTH-007" else 0.04)
        ids = frozenset(rng.choice(pools.ids) for _ in range(rng.randint(1, 4)))
        flagged = rng.random() < 0.02
        yield RequestSummary(
            ref=f"H-{i:07d}",
            requesting_authority=authority,
            requesting_state="ATA" if authority == AUTHORITY else states[i % len(states)],
            requested_state="BVT",
            kind="stored_data",
            urgency="emergency" if emergency else "routine",
            outcome="refused" if rng.random() < 0.1 else "granted",
            identifier_hashes=ids,
            person_hashes=frozenset([rng.choice(pools.persons)])
            if rng.random() < 0.5
            else frozenset(),
            offence_key=None,
            flags=frozenset([rng.choice(["journalist", "expression"])]) if flagged else frozenset(),
            investigation_ref=rng.choice(pools.cases) if rng.random() < 0.3 else None,
            identifier_count=len(ids),
            at=NOW - dt.timedelta(days=1095) + dt.timedelta(seconds=i * 90),
        )


def load(engine: Engine, n: int, pools: Pools) -> float:
    rng = random.Random(1)
    rows = history(n, pools, rng)
    t0 = time.perf_counter()
    done = 0
    while done < n:
        chunk = [next(rows) for _ in range(min(BATCH, n - done))]
        with write_transaction(engine) as connection:
            done += pattern_store.insert_summaries(connection, chunk)
    return time.perf_counter() - t0


def new_requests(k: int) -> list[tuple[RequestDocument, Annotations]]:
    rng = random.Random(2)
    base = json.loads(
        json.dumps(read_source(FIXTURES / "requests" / "stored-data.yaml").data, default=str)
    )
    out = []
    for _ in range(k):
        data = dict(base)
        pool = ID_POOL if rng.random() < 0.5 else 10 * ID_POOL  # half may match the history
        data["identifiers"] = [
            {"type": "email", "address": f"u{rng.randrange(pool)}@mail.example"}
            for _ in range(rng.randint(1, 4))
        ]
        data["persons"] = [{"name": f"Person {rng.randrange(10**6)}", "role": "suspect"}]
        if rng.random() < 0.3:
            data["proceeding"] = {
                "nature": "Ransomware",
                "case_number": f"OP-{rng.randrange(CASE_POOL)}",
            }
        notes = Annotations({0: frozenset(["journalist"])}) if rng.random() < 0.1 else Annotations()
        out.append((RequestDocument.model_validate(data), notes))
    return out


def screen_requests(engine: Engine, inputs: Inputs, requests: list) -> list[float]:
    latencies = []
    for i, (document, notes) in enumerate(requests):
        t0 = time.perf_counter()
        with write_transaction(engine) as connection:
            screen_and_store(
                connection,
                f"N-{i:06d}",
                document,
                "requested",
                secret=SECRET,
                at=NOW + dt.timedelta(seconds=i),
                inputs=inputs,
                annotations=notes,
            )
        latencies.append(time.perf_counter() - t0)
    return latencies


def changed_rules() -> Inputs:
    text = (resources.files("comity.rules") / "data" / "uncc.yaml").read_text(encoding="utf-8")
    changed = text.replace("version: 1.0.0", "version: 1.0.1", 1).replace(
        "identifier_count_above: 10", "identifier_count_above: 2", 1
    )
    assert changed != text
    return parse_rules([("uncc.yaml", changed)])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(
    name: str,
    make: Callable[[], AbstractContextManager[Engine]],
    args: argparse.Namespace,
    pools: Pools,
    requests: list,
) -> None:
    registry = parse_files(
        [FIXTURES / "registry-actions.csv", FIXTURES / "registry-notifications.json"]
    )
    profiles = load_profiles([FIXTURES / "profiles"])
    inputs = Inputs(shipped_rules(), registry, profiles)
    with make() as engine:
        seconds = load(engine, args.history, pools)
        with engine.connect() as c:
            hashes = c.execute(sa.text("SELECT count(*) FROM request_summary_hashes")).scalar_one()
            if engine.dialect.name == "postgresql":
                c.execute(sa.text("ANALYZE"))
                c.commit()
        print(
            f"{name}: loaded {args.history:,} summaries and {hashes:,} keyed hashes in "
            f"{seconds:.1f} s ({args.history / seconds:,.0f} summaries/s)"
        )
        warm = screen_requests(engine, inputs, requests[:50])  # warm caches, not counted
        latencies = screen_requests(engine, inputs, requests[50:])
        total = sum(latencies)
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        print(
            f"{name}: screened {len(latencies):,} new requests (rules + patterns + store): "
            f"{len(latencies) / total:,.0f} requests/s, p50 {1000 * p50:.1f} ms, "
            f"p99 {1000 * p99:.1f} ms, max {1000 * max(latencies):.1f} ms "
            f"(warm-up {len(warm)} not counted)"
        )
        result = rescreen_all(
            engine, secret=SECRET, inputs=Inputs(changed_rules(), registry, profiles)
        )
        per = result.seconds / result.examined
        print(
            f"{name}: rule change, re-screened {result.examined:,} stored screenings in "
            f"{result.seconds:.1f} s ({result.examined / result.seconds:,.0f}/s), "
            f"{result.changed:,} changed; extrapolated to {args.history:,}: "
            f"{per * args.history / 60:.1f} min"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=1_000_000, help="stored summaries")
    parser.add_argument("--screen", type=int, default=2000, help="new requests screened")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args()
    t0 = time.perf_counter()
    pools = Pools()
    requests = new_requests(args.screen + 50)
    print(
        f"keyed hashes of the pools and {len(requests)} documents: {time.perf_counter() - t0:.1f} s"
    )
    if args.only != "postgresql":
        bench("sqlite", lambda: migrated_engine("sqlite"), args, pools, requests)
    if args.only != "sqlite":
        bench("postgresql", lambda: migrated_engine("postgresql"), args, pools, requests)


if __name__ == "__main__":
    main()
