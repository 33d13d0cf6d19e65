from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from comity.cases.lifecycle import Actor, RequestHistory, allowed_actions, apply, replay
from comity.cases.transitions import (
    ACTIONS,
    TRACK_OF_KIND,
    Action,
    RequestState,
    Side,
    Track,
    final_states,
    render_tables,
    transition_table,
)
from comity.errors import InvalidTransition, PermissionDenied, ValidationFailed

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "request-lifecycle.md"
FR = Actor(Side.REQUESTING, "FRA-CA", "officer-1")
PT = Actor(Side.REQUESTED, "PRT-CA", "officer-2")
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
S = RequestState
A = Action


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def run(kind: str, steps: list[tuple[Action, Actor, str | None]]) -> RequestHistory:
    history = RequestHistory(kind)
    for i, (action, actor, reasons) in enumerate(steps):
        history = apply(history, action, actor, at(i), reasons).history
    return history


UNDER_REVIEW = [(A.APPROVE, FR, None), (A.SEND, FR, None), (A.ACKNOWLEDGE, PT, None),
                (A.START_REVIEW, PT, None)]  # fmt: skip


class TestTable:
    def test_every_kind_has_a_track_and_every_row_action_a_spec(self) -> None:
        assert len(TRACK_OF_KIND) == 9
        for track in Track:
            for (_, action), _target in transition_table(track).items():
                assert action in ACTIONS

    def test_closed_is_the_only_final_state(self) -> None:
        for track in Track:
            assert final_states(track) == {S.CLOSED}

    def test_every_state_of_a_track_is_reachable_and_can_reach_closed(self) -> None:
        for track in Track:
            table = transition_table(track)
            edges: dict[RequestState, set[RequestState]] = {}
            for (source, _), target in table.items():
                edges.setdefault(source, set()).add(target)
            reached, stack = {S.DRAFTED}, [S.DRAFTED]
            while stack:
                for nxt in edges.get(stack.pop(), ()):
                    if nxt not in reached:
                        reached.add(nxt)
                        stack.append(nxt)
            states = {s for pair in table for s in (pair[0], table[pair])}
            assert reached == states
            for state in states - {S.CLOSED}:
                seen, stack = {state}, [state]
                while stack:
                    for nxt in edges.get(stack.pop(), ()):
                        if nxt not in seen:
                            seen.add(nxt)
                            stack.append(nxt)
                assert S.CLOSED in seen, (track, state)

    def test_preservation_has_no_execute_and_requests_no_preserve(self) -> None:
        actions = {a: {act for _, act in transition_table(a)} for a in Track}
        assert A.EXECUTE not in actions[Track.PRESERVATION]
        assert A.PRESERVE not in actions[Track.REQUEST]
        assert A.REFUSE not in actions[Track.INFORMATION]

    def test_refusing_actions_need_reasons(self) -> None:
        for action in (A.REFUSE, A.POSTPONE, A.WITHDRAW, A.RELEASE, A.EXECUTE_PARTIALLY):
            assert ACTIONS[action].reasons_required
        assert {a for a, s in ACTIONS.items() if s.needs_consultation} == {A.REFUSE, A.POSTPONE}

    def test_the_lifecycle_document_matches_the_table(self) -> None:
        text = DOC.read_text(encoding="utf-8")
        start = text.index("-->\n\n", text.index("<!-- generated")) + len("-->\n\n")
        end = text.index("<!-- end of generated tables -->")
        assert text[start:end] == render_tables(), (
            "regenerate the tables in docs/formats/request-lifecycle.md from render_tables()"
        )
        for kind, track in TRACK_OF_KIND.items():
            assert f"| `{kind}` | `{track}` |" in text


class TestApply:
    def test_happy_path_yields_one_event_per_action(self) -> None:
        history = run(
            "mutual_legal_assistance", [*UNDER_REVIEW, (A.EXECUTE, PT, None), (A.CLOSE, FR, None)]
        )
        assert history.state is S.CLOSED
        assert [e.sequence for e in history.events] == [1, 2, 3, 4, 5, 6]
        assert [e.to_state for e in history.events][-2:] == [S.EXECUTED, S.CLOSED]
        assert history.events[0].from_state is S.DRAFTED

    def test_event_records_who_when_why_and_documents(self) -> None:
        local = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        result = apply(
            RequestHistory("stored_data"), A.WITHDRAW, FR, local, "  no longer needed ", ["note-1"]
        )
        event = result.event
        assert (event.actor, event.reasons, event.documents) == (
            FR,
            "no longer needed",
            ("note-1",),
        )
        assert event.at == T0
        assert event.at.tzinfo == dt.UTC
        assert result.history.events == (event,)

    def test_invalid_action_lists_allowed_ones(self) -> None:
        with pytest.raises(InvalidTransition) as info:
            apply(RequestHistory("stored_data"), A.SEND, FR, T0)
        assert str(info.value) == "cannot send a request that is drafted"
        assert info.value.allowed == ["approve", "withdraw"]
        assert "allowed from here: approve, withdraw" in info.value.diagnostics()

    def test_refusal_needs_a_prior_consultation(self) -> None:
        history = run("mutual_legal_assistance", UNDER_REVIEW)
        with pytest.raises(InvalidTransition, match="before consulting") as info:
            apply(history, A.REFUSE, PT, at(9), "Art 40(21)(b)")
        assert "refuse" not in info.value.allowed
        assert "consult" in info.value.allowed
        history = apply(history, A.CONSULT, PT, at(9), "conditions?").history
        history = apply(history, A.END_CONSULTATION, PT, at(10)).history
        assert history.state is S.UNDER_REVIEW
        assert history.consulted
        refused = apply(history, A.REFUSE, PT, at(11), "essential interests").history
        assert refused.state is S.REFUSED

    def test_refusal_needs_reasons(self) -> None:
        history = run("extradition", [*UNDER_REVIEW, (A.CONSULT, PT, "terms")])
        with pytest.raises(ValidationFailed, match="refuse needs reasons"):
            apply(history, A.REFUSE, PT, at(9), "   ")

    def test_a_state_alone_proves_only_an_ongoing_consultation(self) -> None:
        ongoing = RequestHistory("mutual_legal_assistance", S.IN_CONSULTATION)
        assert A.REFUSE in allowed_actions(ongoing)
        imported = RequestHistory("mutual_legal_assistance", S.UNDER_REVIEW)
        assert A.REFUSE not in allowed_actions(imported)

    def test_wrong_side_is_denied(self) -> None:
        with pytest.raises(PermissionDenied, match="requested side may not approve"):
            apply(RequestHistory("preservation"), A.APPROVE, PT, T0)

    def test_allowed_actions_per_side(self) -> None:
        history = run("mutual_legal_assistance", UNDER_REVIEW[:3])
        assert allowed_actions(history, Side.REQUESTING) == [A.WITHDRAW]
        assert allowed_actions(history, Side.REQUESTED) == [A.START_REVIEW, A.REQUEST_INFORMATION]

    def test_time_must_be_aware_and_monotonic(self) -> None:
        with pytest.raises(ValidationFailed, match="no time zone"):
            apply(RequestHistory("preservation"), A.APPROVE, FR, dt.datetime(2026, 3, 1))  # noqa: DTZ001
        history = apply(RequestHistory("preservation"), A.APPROVE, FR, at(1)).history
        with pytest.raises(ValidationFailed, match="before the last event"):
            apply(history, A.SEND, FR, at(0))

    def test_unknown_kind(self) -> None:
        with pytest.raises(ValidationFailed, match="unknown request kind"):
            RequestHistory("letter")

    def test_information_track(self) -> None:
        history = run("spontaneous_information", [*UNDER_REVIEW[:3], (A.CLOSE, PT, None)])
        assert history.state is S.CLOSED


class TestPreservation:
    def preserved(self) -> RequestHistory:
        history = run("preservation", UNDER_REVIEW[:3])
        return apply(history, A.PRESERVE, PT, at(3), until=dt.date(2026, 5, 3)).history

    def test_preserve_needs_sixty_days(self) -> None:
        history = run("preservation", UNDER_REVIEW[:3])
        with pytest.raises(ValidationFailed, match="on or after 2026-05-03"):
            apply(history, A.PRESERVE, PT, at(3), until=dt.date(2026, 5, 2))
        with pytest.raises(ValidationFailed, match="preserve needs 'until'"):
            apply(history, A.PRESERVE, PT, at(3))
        preserved = self.preserved()
        assert (preserved.preserved_since, preserved.preserved_until) == (
            dt.date(2026, 3, 4), dt.date(2026, 5, 3),
        )  # fmt: skip
        assert preserved.events[-1].preserved_until == dt.date(2026, 5, 3)

    def test_extend_must_move_the_end_later(self) -> None:
        history = self.preserved()
        with pytest.raises(ValidationFailed, match="later than the current end"):
            apply(history, A.EXTEND, PT, at(4), until=dt.date(2026, 5, 3))
        extended = apply(history, A.EXTEND, PT, at(4), until=dt.date(2026, 6, 1)).history
        assert (extended.state, extended.preserved_until) == (S.EXTENDED, dt.date(2026, 6, 1))

    def test_expiry_only_after_the_last_day(self) -> None:
        history = self.preserved()
        last_day = dt.datetime(2026, 5, 3, 23, 59, tzinfo=dt.UTC)
        with pytest.raises(InvalidTransition, match="preserved until 2026-05-03 inclusive") as info:
            apply(history, A.EXPIRE, PT, last_day)
        assert "expire" not in info.value.allowed
        assert (
            apply(history, A.EXPIRE, PT, last_day + dt.timedelta(minutes=1)).history.state
            is S.EXPIRED
        )

    def test_a_held_preservation_cannot_expire(self) -> None:
        history = self.preserved()
        with pytest.raises(ValidationFailed, match="linked pending request"):
            apply(history, A.HOLD, PT, at(5), linked_request=" ")
        held = apply(history, A.HOLD, PT, at(5), linked_request="FR-2026-000200").history
        assert held.linked_request == "FR-2026-000200"
        assert held.events[-1].linked_request == "FR-2026-000200"
        with pytest.raises(InvalidTransition, match="cannot expire a request that is held"):
            apply(held, A.EXPIRE, PT, at(400))
        released = apply(held, A.RELEASE, PT, at(400), "MLA request executed").history
        assert released.state is S.RELEASED

    def test_expire_without_an_end_date_is_refused(self) -> None:
        imported = RequestHistory("preservation", S.PRESERVED)
        assert A.EXPIRE not in allowed_actions(imported)
        with pytest.raises(InvalidTransition, match="no end date"):
            apply(imported, A.EXPIRE, PT, T0)


class TestReplay:
    def test_replay_rebuilds_the_same_history(self) -> None:
        history = run("preservation", UNDER_REVIEW[:3])
        history = apply(history, A.PRESERVE, PT, at(3), until=dt.date(2026, 6, 1)).history
        history = apply(history, A.HOLD, PT, at(4), linked_request="FR-2026-000200").history
        assert replay("preservation", history.events) == history

    def test_replay_refuses_a_tampered_log(self) -> None:
        history = run("mutual_legal_assistance", UNDER_REVIEW)
        events = list(history.events)
        events[1] = events[1].__class__(**{**_fields(events[1]), "sequence": 7})
        with pytest.raises(ValidationFailed, match="stored event 7 does not match"):
            replay("mutual_legal_assistance", events)
        with pytest.raises(InvalidTransition):
            replay("mutual_legal_assistance", history.events[1:])


def _fields(event: object) -> dict[str, object]:
    return {name: getattr(event, name) for name in event.__slots__}  # type: ignore[attr-defined]
