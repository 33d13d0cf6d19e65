"""The lifecycle of a request as an explicit transition table: data, not code paths.

One table covers both sides: each action is performed by the *requesting* side (the State that
drafts and sends) or the *requested* side (the State that receives and executes), and the
state is the one both sides see. Three tracks share the table:

* ``request``: mutual legal assistance (Art 40(3)) and the kinds that follow its procedure
  (stored data Art 44, real-time traffic data Art 45, interception Art 46), 24/7 assistance
  (Art 41(3)) and extradition (Art 37);
* ``preservation`` (Art 42): instead of being *executed*, the data is *preserved* until a date,
  *extended*, *held* while the linked request is pending, then *released* or *expired*;
* ``information``: one-way messages (spontaneous information, Art 40(4); disclosure of
  preserved traffic data, Art 43, which the State executing a preservation sends): drafted,
  approved, sent, acknowledged, closed.

Articles and their confidence (from the brief on the Convention): Art 40 is [UNVERIFIED] and
its paragraph numbers beyond 40(7) are uncertain [¶?]: consultation before refusal or
postponement ~40(28), reasons for refusal ~40(25), postponement ~40(27), additional
information ~40(16), withdrawal "no longer needed" ~40(26). Art 42 is [UNVERIFIED, ¶?]:
preservation "not less than 60 days", kept pending the decision on the follow-up request.
Extradition follows the ``request`` track; Art 37 has its own consult-before-refusing rule
"where appropriate" [UNVERIFIED, ¶?], which the same guard enforces.

:func:`render_tables` renders the table for ``docs/formats/request-lifecycle.md``; a test
checks that the document matches this data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from comity.cases._cite import Cite

__all__ = [
    "ACTIONS",
    "TRACK_OF_KIND",
    "Action",
    "ActionSpec",
    "RequestState",
    "Side",
    "Track",
    "final_states",
    "render_tables",
    "transition_table",
]


class RequestState(StrEnum):
    """Where a request stands, as both sides see it."""

    DRAFTED = "drafted"
    APPROVED = "approved"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    INFORMATION_REQUESTED = "information_requested"
    UNDER_REVIEW = "under_review"
    IN_CONSULTATION = "in_consultation"
    POSTPONED = "postponed"
    EXECUTED = "executed"
    PARTIALLY_EXECUTED = "partially_executed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    PRESERVED = "preserved"
    EXTENDED = "extended"
    HELD = "held"
    RELEASED = "released"
    EXPIRED = "expired"
    CLOSED = "closed"


class Action(StrEnum):
    """What a side does to a request; each successful action is one event."""

    APPROVE = "approve"
    RETURN_TO_DRAFT = "return_to_draft"
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    START_REVIEW = "start_review"
    REQUEST_INFORMATION = "request_information"
    PROVIDE_INFORMATION = "provide_information"
    CONSULT = "consult"
    ACCEPT_CONDITIONS = "accept_conditions"
    END_CONSULTATION = "end_consultation"
    POSTPONE = "postpone"
    RESUME = "resume"
    REFUSE = "refuse"
    EXECUTE = "execute"
    EXECUTE_PARTIALLY = "execute_partially"
    PRESERVE = "preserve"
    EXTEND = "extend"
    HOLD = "hold"
    RELEASE = "release"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    CLOSE = "close"


class Side(StrEnum):
    """The side of a request: the State that asks, or the State that is asked."""

    REQUESTING = "requesting"
    REQUESTED = "requested"


class Track(StrEnum):
    """Which rows of the table a kind of request follows."""

    REQUEST = "request"
    PRESERVATION = "preservation"
    INFORMATION = "information"


TRACK_OF_KIND: Mapping[str, Track] = MappingProxyType(
    {
        "preservation": Track.PRESERVATION,
        "traffic_data_disclosure": Track.INFORMATION,
        "spontaneous_information": Track.INFORMATION,
        "stored_data": Track.REQUEST,
        "realtime_traffic_data": Track.REQUEST,
        "interception": Track.REQUEST,
        "mutual_legal_assistance": Track.REQUEST,
        "assistance_24_7": Track.REQUEST,
        "extradition": Track.REQUEST,
    }
)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """Who performs an action, whether it needs reasons, and the provisions behind it.

    ``needs_consultation``: allowed only once the requested side has consulted the requesting
    side in this request's history (Art 40(28) [UNVERIFIED, ¶?]).
    """

    action: Action
    sides: frozenset[Side]
    meaning: str
    reasons_required: bool = False
    needs_consultation: bool = False
    cites: tuple[Cite, ...] = ()


_ING = frozenset({Side.REQUESTING})
_ED = frozenset({Side.REQUESTED})
_BOTH = frozenset(Side)
_40_13 = Cite("UNCC Art 40(13)", "paragraph_uncertain")
_40_16 = Cite("UNCC Art 40(16)", "paragraph_uncertain")
_40_28 = Cite("UNCC Art 40(28)", "paragraph_uncertain")
_42 = Cite("UNCC Art 42", "unverified")

ACTIONS: Mapping[Action, ActionSpec] = MappingProxyType(
    {
        spec.action: spec
        for spec in (
            ActionSpec(
                Action.APPROVE, _ING, "the central authority approves the draft", cites=(_40_13,)
            ),
            ActionSpec(
                Action.RETURN_TO_DRAFT,
                _ING,
                "the central authority sends it back for changes",
                reasons_required=True,
                cites=(_40_13,),
            ),
            ActionSpec(
                Action.SEND,
                _ING,
                "sent to the requested State's authority",
                cites=(_40_13, Cite("UNCC Art 40(14)", "paragraph_uncertain")),
            ),
            ActionSpec(Action.ACKNOWLEDGE, _ED, "received and acknowledged"),
            ActionSpec(Action.START_REVIEW, _ED, "the requested State examines the request"),
            ActionSpec(
                Action.REQUEST_INFORMATION,
                _ED,
                "additional information is requested",
                reasons_required=True,
                cites=(_40_16,),
            ),
            ActionSpec(
                Action.PROVIDE_INFORMATION,
                _ING,
                "the additional information is provided",
                cites=(_40_16,),
            ),
            ActionSpec(
                Action.CONSULT,
                _ED,
                "consultation on terms and conditions before refusing or postponing",
                reasons_required=True,
                cites=(_40_28, Cite("UNCC Art 37", "unverified")),
            ),
            ActionSpec(
                Action.ACCEPT_CONDITIONS,
                _ING,
                "the requesting State accepts the conditions",
                cites=(_40_28,),
            ),
            ActionSpec(
                Action.END_CONSULTATION,
                _ED,
                "the consultation ends; the review continues",
                cites=(_40_28,),
            ),
            ActionSpec(
                Action.POSTPONE,
                _ED,
                "postponed: execution would interfere with a proceeding",
                reasons_required=True,
                needs_consultation=True,
                cites=(Cite("UNCC Art 40(27)", "paragraph_uncertain"), _40_28),
            ),
            ActionSpec(Action.RESUME, _ED, "the postponement ends; the review continues"),
            ActionSpec(
                Action.REFUSE,
                _ED,
                "refused, with reasons, after consultation",
                reasons_required=True,
                needs_consultation=True,
                cites=(
                    Cite("UNCC Art 40(21)", "paragraph_uncertain"),
                    Cite("UNCC Art 40(22)", "paragraph_uncertain"),
                    Cite("UNCC Art 40(25)", "paragraph_uncertain"),
                    _40_28,
                ),
            ),
            ActionSpec(
                Action.EXECUTE,
                _ED,
                "executed in full",
                cites=(Cite("UNCC Art 40(17)", "paragraph_uncertain"),),
            ),
            ActionSpec(
                Action.EXECUTE_PARTIALLY,
                _ED,
                "executed in part; the reasons say what was not done",
                reasons_required=True,
                cites=(Cite("UNCC Art 40(17)", "paragraph_uncertain"),),
            ),
            ActionSpec(
                Action.PRESERVE,
                _ED,
                "data preserved until a date at least 60 days on",
                cites=(_42,),
            ),
            ActionSpec(Action.EXTEND, _ED, "preservation extended to a later date", cites=(_42,)),
            ActionSpec(
                Action.HOLD, _ED, "held while the linked follow-up request is pending", cites=(_42,)
            ),
            ActionSpec(
                Action.RELEASE,
                _ED,
                "released once the linked request is decided",
                reasons_required=True,
                cites=(_42,),
            ),
            ActionSpec(Action.EXPIRE, _ED, "the preservation period ran out", cites=(_42,)),
            ActionSpec(
                Action.WITHDRAW,
                _ING,
                "withdrawn by the requester: no longer needed",
                reasons_required=True,
                cites=(Cite("UNCC Art 40(26)", "paragraph_uncertain"),),
            ),
            ActionSpec(Action.CLOSE, _BOTH, "the file is closed"),
        )
    }
)

S = RequestState
_DRAFTING: tuple[tuple[S, Action, S], ...] = (
    (S.DRAFTED, Action.APPROVE, S.APPROVED),
    (S.APPROVED, Action.RETURN_TO_DRAFT, S.DRAFTED),
    (S.APPROVED, Action.SEND, S.SENT),
    (S.SENT, Action.ACKNOWLEDGE, S.ACKNOWLEDGED),
)
_REVIEW: tuple[tuple[S, Action, S], ...] = (
    (S.ACKNOWLEDGED, Action.START_REVIEW, S.UNDER_REVIEW),
    (S.ACKNOWLEDGED, Action.REQUEST_INFORMATION, S.INFORMATION_REQUESTED),
    (S.UNDER_REVIEW, Action.REQUEST_INFORMATION, S.INFORMATION_REQUESTED),
    (S.INFORMATION_REQUESTED, Action.PROVIDE_INFORMATION, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, Action.CONSULT, S.IN_CONSULTATION),
    (S.IN_CONSULTATION, Action.ACCEPT_CONDITIONS, S.UNDER_REVIEW),
    (S.IN_CONSULTATION, Action.END_CONSULTATION, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, Action.POSTPONE, S.POSTPONED),
    (S.IN_CONSULTATION, Action.POSTPONE, S.POSTPONED),
    (S.POSTPONED, Action.RESUME, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, Action.REFUSE, S.REFUSED),
    (S.IN_CONSULTATION, Action.REFUSE, S.REFUSED),
)
_OPEN = (
    S.DRAFTED, S.APPROVED, S.SENT, S.ACKNOWLEDGED, S.INFORMATION_REQUESTED, S.UNDER_REVIEW,
    S.IN_CONSULTATION, S.POSTPONED,
)  # fmt: skip
_EXECUTION: tuple[tuple[S, Action, S], ...] = (
    (S.UNDER_REVIEW, Action.EXECUTE, S.EXECUTED),
    (S.UNDER_REVIEW, Action.EXECUTE_PARTIALLY, S.PARTIALLY_EXECUTED),
    *((state, Action.WITHDRAW, S.WITHDRAWN) for state in _OPEN),
    *((state, Action.CLOSE, S.CLOSED) for state in (S.EXECUTED, S.PARTIALLY_EXECUTED)),
    (S.REFUSED, Action.CLOSE, S.CLOSED),
    (S.WITHDRAWN, Action.CLOSE, S.CLOSED),
)
_PRESERVATION: tuple[tuple[S, Action, S], ...] = (
    (S.ACKNOWLEDGED, Action.PRESERVE, S.PRESERVED),
    (S.UNDER_REVIEW, Action.PRESERVE, S.PRESERVED),
    (S.PRESERVED, Action.EXTEND, S.EXTENDED),
    (S.EXTENDED, Action.EXTEND, S.EXTENDED),
    (S.PRESERVED, Action.HOLD, S.HELD),
    (S.EXTENDED, Action.HOLD, S.HELD),
    (S.HELD, Action.RELEASE, S.RELEASED),
    (S.PRESERVED, Action.EXPIRE, S.EXPIRED),
    (S.EXTENDED, Action.EXPIRE, S.EXPIRED),
    *((state, Action.WITHDRAW, S.WITHDRAWN) for state in (*_OPEN, S.PRESERVED, S.EXTENDED, S.HELD)),
    *((state, Action.CLOSE, S.CLOSED) for state in (S.REFUSED, S.WITHDRAWN, S.RELEASED, S.EXPIRED)),
)
_INFORMATION: tuple[tuple[S, Action, S], ...] = (
    *_DRAFTING,
    (S.DRAFTED, Action.WITHDRAW, S.WITHDRAWN),
    (S.APPROVED, Action.WITHDRAW, S.WITHDRAWN),
    (S.ACKNOWLEDGED, Action.CLOSE, S.CLOSED),
    (S.WITHDRAWN, Action.CLOSE, S.CLOSED),
)

_TABLES: Mapping[Track, Mapping[tuple[RequestState, Action], RequestState]] = MappingProxyType(
    {
        Track.REQUEST: MappingProxyType(
            {(a, b): c for a, b, c in (*_DRAFTING, *_REVIEW, *_EXECUTION)}
        ),
        Track.PRESERVATION: MappingProxyType(
            {(a, b): c for a, b, c in (*_DRAFTING, *_REVIEW, *_PRESERVATION)}
        ),
        Track.INFORMATION: MappingProxyType({(a, b): c for a, b, c in _INFORMATION}),
    }
)


def transition_table(track: Track) -> Mapping[tuple[RequestState, Action], RequestState]:
    """The table of a track: ``(state, action) -> new state``. Read-only.

    >>> transition_table(Track.REQUEST)[RequestState.IN_CONSULTATION, Action.REFUSE]
    <RequestState.REFUSED: 'refused'>
    """
    return _TABLES[track]


def final_states(track: Track) -> frozenset[RequestState]:
    """The states of a track from which no action leads anywhere (only ``closed``)."""
    table = _TABLES[track]
    reached = set(table.values()) | {RequestState.DRAFTED}
    return frozenset(s for s in reached if not any(src == s for src, _ in table))


def render_tables() -> str:
    """The transition tables as Markdown, one per track, in the table's own order."""
    out: list[str] = []
    for track in Track:
        out += [f"### Track `{track}`", ""]
        out += ["| from | action | to | side | reasons | citations |", "|---|---|---|---|---|---|"]
        for (source, action), target in _TABLES[track].items():
            spec = ACTIONS[action]
            side = " or ".join(s.value for s in Side if s in spec.sides)
            reasons = "required" if spec.reasons_required else ""
            if spec.needs_consultation:
                reasons += ", after consultation"
            cites = "; ".join(c.tagged() for c in spec.cites) or "—"
            out.append(f"| {source} | {action} | {target} | {side} | {reasons} | {cites} |")
        out.append("")
    out += ["### Actions", "", "| action | meaning |", "|---|---|"]
    out += [f"| {spec.action} | {spec.meaning} |" for spec in ACTIONS.values()]
    return "\n".join(out) + "\n"
