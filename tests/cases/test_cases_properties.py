"""Properties of the lifecycle, checked on random sequences of actions (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from comity.cases.deadlines import request_clocks
from comity.cases.lifecycle import Actor, RequestHistory, allowed_actions, apply
from comity.cases.transitions import ACTIONS, Action, RequestState, Side
from comity.errors import Error

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
REASONS = st.one_of(st.none(), st.just(""), st.just("  "), st.text(min_size=1, max_size=20))
ACTORS = {side: Actor(side, f"{side}-authority", "officer") for side in Side}


class Lifecycle(RuleBasedStateMachine):
    """Drives one request with both legal and arbitrary actions, at advancing times."""

    def __init__(self) -> None:
        super().__init__()
        self.history = RequestHistory("preservation")
        self.now = T0
        self.refusals_tried = 0

    @initialize(kind=st.sampled_from(["preservation", "mutual_legal_assistance", "extradition"]))
    def start(self, kind: str) -> None:
        self.history = RequestHistory(kind)

    def attempt(
        self,
        action: Action,
        side: Side,
        reasons: str | None,
        until_days: int,
        linked: str | None,
    ) -> None:
        before = self.history
        until = (self.now + dt.timedelta(days=until_days)).date()
        try:
            result = apply(
                before, action, ACTORS[side], self.now, reasons, until=until, linked_request=linked
            )
        except Error:
            # A refused action commits nothing.
            assert self.history is before
            return
        assert result.history.events == (*before.events, result.event)
        assert result.event.action is action
        assert result.event.from_state is before.state
        assert result.event.to_state is result.history.state
        self.history = result.history

    @rule(
        action=st.sampled_from(list(Action)),
        side=st.sampled_from(list(Side)),
        reasons=REASONS,
        days=st.integers(0, 90),
        until_days=st.integers(40, 120),
        linked=st.one_of(st.none(), st.just("FR-2026-000200")),
    )
    def arbitrary_action(
        self,
        action: Action,
        side: Side,
        reasons: str | None,
        days: int,
        until_days: int,
        linked: str | None,
    ) -> None:
        self.now += dt.timedelta(days=days)
        self.attempt(action, side, reasons, until_days, linked)

    @rule(data=st.data(), days=st.integers(0, 90), until_days=st.integers(55, 120))
    def allowed_action(self, data: st.DataObject, days: int, until_days: int) -> None:
        self.now += dt.timedelta(days=days)
        allowed = allowed_actions(self.history)
        if not allowed:
            return
        # Prefer actions that move the request on, so that long chains are explored.
        onward = [a for a in allowed if a not in (Action.WITHDRAW, Action.CLOSE)] or allowed
        action = data.draw(st.sampled_from(onward))
        side = data.draw(st.sampled_from(sorted(ACTIONS[action].sides)))
        reasons = data.draw(st.one_of(st.just("stated reasons"), REASONS))
        self.attempt(action, side, reasons, until_days, "FR-2026-000200")

    @invariant()
    def refused_and_postponed_only_after_consultation_and_with_reasons(self) -> None:
        events = self.history.events
        for i, event in enumerate(events):
            if event.action in (Action.REFUSE, Action.POSTPONE):
                assert any(e.action is Action.CONSULT for e in events[:i])
                assert event.reasons
                assert event.reasons.strip()
        if self.history.state is RequestState.REFUSED:
            assert events[-1].action is Action.REFUSE

    @invariant()
    def never_expires_while_the_linked_request_is_pending(self) -> None:
        pending = False
        until: dt.date | None = None
        for event in self.history.events:
            if event.action is Action.HOLD:
                pending = True
            elif event.action is Action.RELEASE:
                pending = False
            elif event.action in (Action.PRESERVE, Action.EXTEND):
                until = event.preserved_until
            elif event.action is Action.EXPIRE:
                assert not pending
                assert until is not None
                assert event.at.date() > until
        if self.history.state is RequestState.HELD:
            clocks = request_clocks("R", self.history, None, requesting="FR", requested="PT")
            assert clocks
            assert all(c.due is None for c in clocks)
            far = self.now.date() + dt.timedelta(days=10_000)
            assert not any(c.is_overdue(far) for c in clocks)

    @invariant()
    def events_are_numbered_and_ordered(self) -> None:
        events = self.history.events
        assert [e.sequence for e in events] == list(range(1, len(events) + 1))
        assert all(a.at <= b.at for a, b in itertools.pairwise(events))
        if events:
            assert events[-1].to_state is self.history.state


Lifecycle.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLifecycle = Lifecycle.TestCase
