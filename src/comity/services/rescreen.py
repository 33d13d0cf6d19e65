"""Re-screening every stored request after the rules, the registry or a law profile changed.

:func:`rescreen_all` opens each stored screening subject (:mod:`comity.services.screening`),
screens it again with the node's current inputs, as of the same day as before, and compares the
findings with its current report. Where they differ it stores a new report and records a
``screening.rescreened`` event with the differences (:func:`comity.rules.diff_reports`); where
they do not, nothing is written for that request. A last ``screening.rescreen_completed``
event records the run: how many were examined and changed, and the inputs' digests.

Pattern findings are kept from the current report: they describe the history as it stood when
the request was received, and change only when the request itself is screened again
(:func:`~comity.services.screening.screen_and_store`). The work is done in batches, one write
transaction each, so a long run holds the write lock only briefly at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from comity.rules import Inputs, RuleSet, diff_reports, screen
from comity.services.journal import record_event
from comity.services.screening import node_inputs, redact, unseal_subject
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.screening_store import insert_report, latest_reports, subjects_after

__all__ = ["RescreenResult", "rescreen_all"]


@dataclass(frozen=True)
class RescreenResult:
    """What a re-screening run did."""

    examined: int
    changed: int
    seconds: float
    changed_requests: tuple[str, ...]


def rescreen_all(
    engine: Engine,
    *,
    secret: bytes,
    rules: RuleSet | None = None,
    inputs: Inputs | None = None,
    at: dt.datetime | None = None,
    batch: int = 500,
    keep_changed: int = 1000,
) -> RescreenResult:
    """Re-screen every stored request (both sides) with the current inputs.

    ``inputs`` defaults to the node's (:func:`~comity.services.screening.node_inputs`, with
    ``rules`` or the shipped rules). ``changed_requests`` lists the first ``keep_changed``
    requests whose report changed.
    """
    started = time.perf_counter()
    at = at or dt.datetime.now(dt.UTC)
    if inputs is None:
        with read_transaction(engine) as connection:
            inputs = node_inputs(connection, rules)
    examined = changed = 0
    changed_requests: list[str] = []
    after: tuple[str, str] | None = None
    while True:
        with write_transaction(engine) as connection:
            subjects = subjects_after(connection, after, batch)
            if not subjects:
                break
            after = subjects[-1][0], subjects[-1][1]
            current = {
                side: latest_reports(connection, [r for r, s, _ in subjects if s == side], side)
                for side in {s for _, s, _ in subjects}
            }
            for request_id, side, sealed in subjects:
                examined += 1
                previous = current[side].get(request_id)
                if previous is None:
                    continue
                subject = unseal_subject(secret, request_id, side, sealed)
                fresh = screen(
                    inputs,
                    subject.document,
                    side=side,
                    on_date=subject.on_date,
                    screened_at=at,
                    annotations=subject.annotations,
                )
                patterns = tuple(
                    f for f in previous.report.findings if f.rule_id.startswith("pattern.")
                )
                report = dataclasses.replace(
                    fresh, findings=redact(fresh.findings, subject.document) + patterns
                )
                diff = diff_reports(previous.report, report)
                if diff.empty:
                    continue
                seq = insert_report(connection, request_id, side, report)
                record_event(
                    connection,
                    tag="screening.rescreened",
                    authority=None,
                    subject=f"screening/{request_id}",
                    payload={
                        "request": request_id,
                        "side": side,
                        "report": seq,
                        "previous_report": previous.seq,
                        "changes": diff.lines(),
                    },
                    header_values={},
                    at=at,
                )
                changed += 1
                if len(changed_requests) < keep_changed:
                    changed_requests.append(request_id)
    with write_transaction(engine) as connection:
        record_event(
            connection,
            tag="screening.rescreen_completed",
            authority=None,
            subject="screening",
            payload={
                "examined": examined,
                "changed": changed,
                "rules_version": inputs.rules.version,
                "rules_digest": inputs.rules.digest,
                "registry_digest": inputs.registry_digest,
                "profiles_digest": inputs.profiles_digest,
            },
            header_values={},
            at=at,
        )
    return RescreenResult(examined, changed, time.perf_counter() - started, tuple(changed_requests))
