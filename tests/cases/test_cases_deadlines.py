from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from comity.cases.dates import days_after, earliest_preservation_end, today_utc, utc_date
from comity.cases.deadlines import (
    DEFAULT_ADDITIONAL_INFORMATION_DAYS,
    ClockKind,
    ServiceTarget,
    overdue,
    overdue_by_authority,
    preservation_clock,
    request_clocks,
    requested_deadline_clock,
    written_confirmation_clock,
)
from comity.cases.document import RequestDocument
from comity.cases.lifecycle import Actor, RequestHistory, apply
from comity.cases.transitions import Action, RequestState, Side
from comity.errors import ValidationFailed

FR = Actor(Side.REQUESTING, "FRA-CA", "o1")
PT = Actor(Side.REQUESTED, "PRT-CA", "o2")
T0 = dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)


def step(
    history: RequestHistory, action: Action, actor: Actor, days: int, **kw: object
) -> RequestHistory:
    return apply(history, action, actor, T0 + dt.timedelta(days=days), **kw).history  # type: ignore[arg-type]


def sent(kind: str) -> RequestHistory:
    history = step(RequestHistory(kind), Action.APPROVE, FR, 0)
    return step(history, Action.SEND, FR, 0)


class TestCalendar:
    @time_machine.travel(
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3))), tick=False
    )
    def test_today_is_the_utc_date(self) -> None:
        # 23:30 in UTC-3 is already 2 March in UTC.
        assert today_utc() == dt.date(2026, 3, 2)

    def test_naive_moments_are_refused(self) -> None:
        with pytest.raises(ValidationFailed, match="no time zone"):
            utc_date(dt.datetime(2026, 3, 1))  # noqa: DTZ001

    def test_days_after_counts_calendar_days_across_leap_years(self) -> None:
        assert days_after(dt.date(2028, 1, 1), 60) == dt.date(2028, 3, 1)
        assert days_after(dt.date(2027, 1, 1), 60) == dt.date(2027, 3, 2)
        assert earliest_preservation_end(dt.date(2026, 12, 1)) == dt.date(2027, 1, 30)
        with pytest.raises(ValueError, match="negative"):
            days_after(dt.date(2026, 1, 1), -1)


class TestClocks:
    def test_preservation_clock_refuses_less_than_sixty_days(self) -> None:
        with pytest.raises(ValidationFailed, match="shorter than 60 days"):
            preservation_clock("R", "FRA-CA", dt.date(2026, 3, 1), dt.date(2026, 4, 29))

    def test_held_preservation_is_suspended_forever(self) -> None:
        clock = preservation_clock(
            "R", "FRA-CA", dt.date(2026, 3, 1), dt.date(2026, 4, 30), held=True
        )
        assert clock.suspended
        assert clock.days_left(dt.date(2030, 1, 1)) is None
        assert not clock.is_overdue(dt.date(2099, 1, 1))

    def test_written_confirmation_default_and_parameter(self) -> None:
        assert written_confirmation_clock("R", "FRA-CA", T0).due == dt.date(2026, 3, 4)
        assert written_confirmation_clock("R", "FRA-CA", T0, days=1).due == dt.date(2026, 3, 2)

    def test_days_left(self) -> None:
        clock = requested_deadline_clock("R", "PRT-CA", dt.date(2026, 3, 1), dt.date(2026, 3, 20))
        assert clock.days_left(dt.date(2026, 3, 20)) == 0
        assert clock.days_left(dt.date(2026, 3, 22)) == -2


class TestRequestClocks:
    def test_preservation_clock_follows_the_history(self) -> None:
        history = step(sent("preservation"), Action.ACKNOWLEDGE, PT, 0)
        history = step(history, Action.PRESERVE, PT, 1, until=dt.date(2026, 5, 15))
        (clock,) = request_clocks("R", history, None, requesting="FRA-CA", requested="PRT-CA")
        assert (clock.kind, clock.authority, clock.due) == (
            ClockKind.PRESERVATION_EXPIRY, "FRA-CA", dt.date(2026, 5, 15),
        )  # fmt: skip
        held = step(history, Action.HOLD, PT, 2, linked_request="FR-2026-000200")
        (clock,) = request_clocks("R", held, None, requesting="FRA-CA", requested="PRT-CA")
        assert clock.suspended

    def test_requested_deadline_runs_from_sending_until_decided(self) -> None:
        document = RequestDocument.model_validate(
            {"kind": "stored_data", "deadline": {"date": "2026-03-20", "reason": "trial"}}
        )
        draft = RequestHistory("stored_data")
        assert request_clocks("R", draft, document, requesting="F", requested="P") == []
        history = sent("stored_data")
        (clock,) = request_clocks("R", history, document, requesting="F", requested="P")
        assert (clock.kind, clock.authority, clock.started) == (
            ClockKind.REQUESTED_DEADLINE, "P", dt.date(2026, 3, 1),
        )  # fmt: skip
        withdrawn = step(history, Action.WITHDRAW, FR, 1, reasons="no longer needed")
        assert request_clocks("R", withdrawn, document, requesting="F", requested="P") == []

    def test_written_confirmation_until_sent(self) -> None:
        document = RequestDocument.model_validate(
            {"kind": "assistance_24_7", "urgency": {"level": "urgent", "reason": "x",
             "oral_request_at": "2026-03-01T22:30:00Z"}}
        )  # fmt: skip
        draft = RequestHistory("assistance_24_7")
        (clock,) = request_clocks("R", draft, document, requesting="F", requested="P")
        assert (clock.kind, clock.authority, clock.due) == (
            ClockKind.WRITTEN_CONFIRMATION, "F", dt.date(2026, 3, 4),
        )  # fmt: skip
        assert (
            request_clocks("R", sent("assistance_24_7"), document, requesting="F", requested="P")
            == []
        )

    def test_additional_information_clock(self) -> None:
        history = step(sent("mutual_legal_assistance"), Action.ACKNOWLEDGE, PT, 1)
        history = step(history, Action.REQUEST_INFORMATION, PT, 2, reasons="which account?")
        (clock,) = request_clocks("R", history, None, requesting="F", requested="P")
        assert clock.due == days_after(dt.date(2026, 3, 3), DEFAULT_ADDITIONAL_INFORMATION_DAYS)
        assert clock.authority == "F"

    def test_service_targets_apply_to_the_request_authorities(self) -> None:
        targets = [
            ServiceTarget("P", RequestState.SENT, 2, "acknowledge within 2 days"),
            ServiceTarget("X", RequestState.SENT, 1, "another authority's target"),
            ServiceTarget("P", RequestState.UNDER_REVIEW, 30, "decide within 30 days"),
        ]
        history = sent("mutual_legal_assistance")
        (clock,) = request_clocks(
            "R", history, None, requesting="F", requested="P", targets=targets
        )
        assert (clock.kind, clock.due, clock.label) == (
            ClockKind.SERVICE_TARGET, dt.date(2026, 3, 3), "acknowledge within 2 days",
        )  # fmt: skip
        imported = RequestHistory("mutual_legal_assistance", RequestState.SENT)
        assert (
            request_clocks("R", imported, None, requesting="F", requested="P", targets=targets)
            == []
        )


class TestOverdue:
    @time_machine.travel(dt.datetime(2026, 5, 16, 0, 5, tzinfo=dt.UTC), tick=False)
    def test_overdue_lists_per_authority_with_frozen_time(self) -> None:
        clocks = [
            preservation_clock("A", "FRA-CA", dt.date(2026, 3, 16), dt.date(2026, 5, 15)),
            preservation_clock("B", "FRA-CA", dt.date(2026, 3, 1), dt.date(2026, 5, 1)),
            requested_deadline_clock("C", "PRT-CA", dt.date(2026, 3, 1), dt.date(2026, 5, 16)),
            requested_deadline_clock("D", "PRT-CA", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
            preservation_clock("E", "FRA-CA", dt.date(2026, 1, 1), dt.date(2026, 3, 2), held=True),
        ]
        today = today_utc()
        assert [c.request for c in overdue(clocks, today)] == ["D", "B", "A"]
        assert [c.request for c in overdue(clocks, today, "PRT-CA")] == ["D"]
        lists = overdue_by_authority(clocks, today)
        assert list(lists) == ["FRA-CA", "PRT-CA"]
        assert [c.request for c in lists["FRA-CA"]] == ["B", "A"]

    @time_machine.travel(dt.datetime(2026, 5, 15, 23, 59, tzinfo=dt.UTC), tick=False)
    def test_nothing_is_overdue_on_its_due_day(self) -> None:
        clock = preservation_clock("A", "FRA-CA", dt.date(2026, 3, 16), dt.date(2026, 5, 15))
        assert overdue([clock], today_utc()) == []
