"""The journal event and the event file against tests/vectors/ledger-event/event.json,
recomputed with the standard library (json, hashlib) where possible."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from comity.errors import ValidationFailed
from comity.ledger.audit import EventFile
from comity.ledger.entry import LedgerEntry, canonical_event
from comity.ledger.journal import journal_event, parse_time

VECTOR = json.loads(
    (Path(__file__).parents[1] / "vectors" / "ledger-event" / "event.json").read_text("utf-8")
)
INPUT = VECTOR["input"]


def the_event() -> dict:
    return journal_event(
        event_id=INPUT["event_id"],
        at=dt.datetime.fromisoformat(INPUT["at"]),
        tag=INPUT["tag"],
        authority=INPUT["authority"],
        subject=INPUT["subject"],
        payload=INPUT["payload"],
    )


def test_the_journal_event_and_its_commitment():
    event = the_event()
    jcs = canonical_event(event)
    assert jcs.decode() == VECTOR["journal_event_jcs"]
    plain = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert jcs == plain.encode()  # no numbers here, so sorted compact JSON is RFC 8785
    salt = bytes.fromhex(INPUT["salt_hex"])
    digest = hashlib.sha256(b"comity/ledger/commitment/v1\x00" + salt + jcs).hexdigest()
    assert digest == VECTOR["commitment_hex"]
    entry = LedgerEntry(INPUT["header"], bytes.fromhex(digest)).encode()
    assert entry.decode() == VECTOR["entry"]


def test_a_naive_time_is_utc_and_an_aware_one_is_converted():
    aware = dt.datetime.fromisoformat(INPUT["at"])
    paris = aware.astimezone(dt.timezone(dt.timedelta(hours=1)))
    for at in (aware, paris, aware.replace(tzinfo=None)):
        event = journal_event(
            event_id="x", at=at, tag="t", authority=None, subject=None, payload={}
        )
        assert event["at"] == "2026-11-26T09:30:15.250000Z"
        assert parse_time(event["at"]) == aware


def test_the_event_file_round_trips():
    data = VECTOR["event_file"].encode()
    parsed = EventFile.decode(data)
    assert parsed.event == the_event()
    assert parsed.salt.hex() == INPUT["salt_hex"]
    assert (parsed.log, parsed.seq, parsed.leaf_index) == (INPUT["log"], 1, 0)
    assert parsed.encode() == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o: o.update(format="other"), "is not comity-ledger-event/v1"),
        (lambda o: o["event"].pop("tag"), "lacks the journal event keys"),
        (lambda o: o.update(salt="00"), "salt is not 64 hex digits"),
        (lambda o: o.update(salt="zz" * 32), "salt is not hex"),
        (lambda o: o.update(leaf_index=-1), "is not a leaf index"),
        (lambda o: o.pop("log"), "lacks its log origin"),
    ],
)
def test_a_malformed_event_file_is_refused(change, message):
    obj = json.loads(VECTOR["event_file"])
    change(obj)
    with pytest.raises(ValidationFailed, match=message):
        EventFile.decode(json.dumps(obj).encode())
