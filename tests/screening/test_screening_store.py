"""Screening on a node: reports stored with events, decisions, grants, no identifier in clear."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from screening_helpers import DAY, SECRET, document, store, unknown_offence
from sqlalchemy.engine import Engine

from comity.errors import NotFound, SafeguardViolation, StorageError, ValidationFailed
from comity.services import screening as service
from comity.storage.engine import read_transaction, write_transaction
from comity.storage.models import events, finding_decisions, metadata, screening_reports


def _tags(engine: Engine) -> list[str]:
    with read_transaction(engine) as connection:
        return list(connection.execute(sa.select(events.c.tag).order_by(events.c.seq)).scalars())


def _count(engine: Engine, table: sa.Table) -> int:
    with read_transaction(engine) as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _view(engine: Engine, request_id: str) -> service.ScreeningView:
    with read_transaction(engine) as connection:
        return service.screening_view(connection, request_id)


def _decide(engine: Engine, request_id: str, finding: str, verdict: str, reasons: str = ""):
    with write_transaction(engine) as connection:
        return service.record_decision(
            connection,
            request_id,
            finding,
            verdict,
            reviewer="R. Reviewer",
            reasons=reasons,
            at=DAY + dt.timedelta(days=1),
        )


def test_a_screening_is_stored_with_its_event_and_shown(engine: Engine) -> None:
    stored = store(engine, "REQ-1", unknown_offence())
    assert [f.id for f in stored.report.findings] == ["dual_criminality.cannot_assess"]
    view = _view(engine, "REQ-1")
    assert view.current.seq == stored.seq
    assert view.unresolved == ("dual_criminality.cannot_assess",)
    body = view.as_dict()
    assert body["grantable"] is False
    assert body["report"]["findings"][0]["citations"]
    assert _tags(engine) == ["screening.screened"]


def test_screening_again_adds_a_report_and_records_the_differences(engine: Engine) -> None:
    store(engine, "REQ-1", unknown_offence())
    store(engine, "REQ-1", document(), hours=1)
    assert _count(engine, screening_reports) == 2
    with read_transaction(engine) as connection:
        history = service.report_history(connection, "REQ-1")
        payload = connection.execute(
            sa.select(events.c.payload).order_by(events.c.seq.desc()).limit(1)
        ).scalar_one()
    assert history[0]["changes"] is None
    assert history[1]["changes"] == [
        "- dual_criminality.cannot_assess (needs_review): Dual criminality cannot be assessed"
    ]
    assert payload["changes"] == history[1]["changes"]
    assert payload["previous_report"] == history[0]["seq"]


def test_a_grant_is_refused_while_a_needs_review_finding_is_unresolved(engine: Engine) -> None:
    store(engine, "REQ-1", unknown_offence())
    with read_transaction(engine) as connection, pytest.raises(SafeguardViolation) as raised:
        service.require_grantable(connection, "REQ-1")
    assert "dual_criminality.cannot_assess" in str(raised.value)
    _decide(engine, "REQ-1", "dual_criminality.cannot_assess", "accepted")
    with read_transaction(engine) as connection:
        service.require_grantable(connection, "REQ-1")
    assert _tags(engine)[-1] == "screening.finding_accepted"


def test_a_request_never_screened_cannot_be_granted(engine: Engine) -> None:
    with read_transaction(engine) as connection, pytest.raises(SafeguardViolation, match="never"):
        service.require_grantable(connection, "REQ-404")
    with read_transaction(engine) as connection, pytest.raises(NotFound):
        service.screening_view(connection, "REQ-404")


@pytest.mark.parametrize("reasons", ["", "   "])
def test_an_override_without_reasons_is_refused_and_nothing_written(
    engine: Engine, reasons: str
) -> None:
    store(engine, "REQ-1", unknown_offence())
    with pytest.raises(ValidationFailed, match="needs reasons"):
        _decide(engine, "REQ-1", "dual_criminality.cannot_assess", "overridden", reasons)
    assert _count(engine, finding_decisions) == 0
    assert _tags(engine) == ["screening.screened"]


def test_an_override_with_reasons_is_an_event_naming_the_reviewer(engine: Engine) -> None:
    store(engine, "REQ-1", unknown_offence())
    _decide(
        engine,
        "REQ-1",
        "dual_criminality.cannot_assess",
        "overridden",
        "The conduct is punished as fraud in BVT.",
    )
    with read_transaction(engine) as connection:
        row = connection.execute(
            sa.select(events.c.tag, events.c.payload).order_by(events.c.seq.desc()).limit(1)
        ).one()
        service.require_grantable(connection, "REQ-1")
    assert row.tag == "screening.finding_overridden"
    assert row.payload["by"] == "R. Reviewer"
    assert row.payload["reasons"] == "The conduct is punished as fraud in BVT."
    assert row.payload["request"] == "REQ-1"


def test_a_decision_on_an_unknown_finding_is_refused(engine: Engine) -> None:
    store(engine, "REQ-1", unknown_offence())
    with pytest.raises(ValidationFailed, match="no finding"):
        _decide(engine, "REQ-1", "scope.nothing", "accepted")


def test_a_decision_survives_a_rescreening_that_leaves_its_finding_unchanged(
    engine: Engine,
) -> None:
    store(engine, "REQ-1", unknown_offence())
    _decide(engine, "REQ-1", "dual_criminality.cannot_assess", "accepted")
    # The amended request adds a newsroom's domain: a new finding; the first is unchanged.
    newsroom = [{"type": "domain", "name": "newsroom.example"}]
    store(engine, "REQ-1", unknown_offence(identifiers=newsroom), hours=2)
    view = _view(engine, "REQ-1")
    ids = [f.id for f in view.current.report.findings]
    assert ids == ["dual_criminality.cannot_assess", "privilege.protected_person"]
    assert [d.finding_id for d in view.decisions] == ["dual_criminality.cannot_assess"]
    assert view.unresolved == ("privilege.protected_person",)


SECRETS = {
    "identifier": "payme@mail.example",
    "address": "198.51.100.23",
    "newsroom": "newsroom.example",
    "person": "Jane Quietwater",
    "case": "CASE-4711-ZX",
}


def test_no_identifier_person_or_case_number_is_stored_in_clear(engine: Engine) -> None:
    doc = document(
        identifiers=[
            {"type": "email", "address": SECRETS["identifier"]},
            {"type": "ip", "address": SECRETS["address"], "observed_at": "2027-01-03T03:14:07Z"},
            {"type": "domain", "name": SECRETS["newsroom"]},
        ],
        persons=[{"name": SECRETS["person"], "role": "suspect"}],
        proceeding={"nature": "Ransomware", "case_number": SECRETS["case"]},
    )
    stored = store(engine, "REQ-1", doc)
    # The newsroom's domain is protected in BVT's profile: the finding names it by place.
    (privilege,) = [f for f in stored.report.findings if f.id == "privilege.protected_person"]
    assert ("identifiers[2]", "journalist") in privilege.rests_on
    _decide(engine, "REQ-1", "privilege.protected_person", "overridden", "Not a source.")
    found = []
    with read_transaction(engine) as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                text = repr(tuple(row)).casefold()
                found += [(table.name, k) for k, v in SECRETS.items() if v.casefold() in text]
    assert found == []


def test_the_sealed_subject_opens_only_with_the_node_secret() -> None:
    doc = document()
    sealed = service.seal_subject(
        SECRET, "REQ-1", "requested", service.Subject(doc, DAY.date(), service.Annotations())
    )
    assert service.unseal_subject(SECRET, "REQ-1", "requested", sealed).document == doc
    with pytest.raises(StorageError, match="does not open"):
        service.unseal_subject(b"o" * 32, "REQ-1", "requested", sealed)
    with pytest.raises(StorageError, match="does not open"):
        service.unseal_subject(SECRET, "REQ-2", "requested", sealed)
