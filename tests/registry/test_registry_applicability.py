"""applicable(): whether the Convention binds both States on a day, and why, in plain words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from comity.errors import NotFound
from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.applicability import applicable
from comity.registry.dates import DateSpan
from comity.registry.notifications import Notification, NotificationKind
from comity.registry.snapshot import Registry

FORTY = ["AGO", "ARG", "AUS", "BGR", "BRA", "CHL", "CHN", "COL", "CRI", "DZA", "ECU", "EGY",
         "GHA", "IDN", "KEN", "LKA", "MAR", "MEX", "NGA", "NOR", "PER", "PHL", "SEN", "URY",
         "VNM", "ZAF", "THA", "TUN", "TUR", "UZB", "KAZ", "JAM", "QAT", "RWA", "SAU", "MLI",
         "MUS", "NAM", "TGO", "DEU"]  # fmt: skip
GENERAL = date(2026, 5, 14)  # 40th deposit on 13 February 2026 + 90 days


def act(code: str, kind: ActionKind, day: date) -> TreatyAction:
    return TreatyAction(code, kind, DateSpan.on(day))


ACTIONS = (
    *(act(c, ActionKind.RATIFICATION, date(2026, 1, 5)) for c in FORTY[:39]),
    act("DEU", ActionKind.RATIFICATION, date(2026, 2, 13)),
    act("FRA", ActionKind.SIGNATURE, date(2025, 10, 25)),
    act("JPN", ActionKind.ACCESSION, date(2026, 9, 1)),
    act("DEU", ActionKind.DENUNCIATION, date(2030, 3, 1)),
    TreatyAction(
        "BRA",
        ActionKind.RESERVATION_WITHDRAWAL,
        DateSpan.on(date(2028, 1, 1)),
        "reservation_art_42",
    ),
)
NOTIFICATIONS = (
    Notification("BRA", NotificationKind.RESERVATION_ART_42, date(2026, 1, 5)),
    Notification("CHL", NotificationKind.RESERVATION_ART_23, date(2026, 1, 5)),
    Notification("CHL", NotificationKind.RESERVATION_ART_63, date(2026, 1, 5)),
)
REGISTRY = Registry(actions=ACTIONS, notifications=NOTIFICATIONS)


def test_applies_between_two_parties() -> None:
    answer = applicable(REGISTRY, "AGO", "ARG", GENERAL)
    assert answer.applies
    assert answer.reasons[0] == "The Convention applies between AGO and ARG on 14 May 2026."
    assert "in force for it since 14 May 2026" in answer.reasons[1]


def test_not_yet_in_force() -> None:
    answer = applicable(REGISTRY, "AGO", "ARG", GENERAL - timedelta(days=1))
    assert not answer.applies
    assert "in force for it only from 14 May 2026" in answer.reasons[1]
    thirty_nine = Registry(actions=tuple(a for a in ACTIONS if a.participant not in {"DEU", "JPN"}))
    before = applicable(thirty_nine, "AGO", "ARG", date(2026, 2, 1))
    assert "not yet in force: 39 of the 40 instruments needed" in before.reasons[1]


def test_signatory_is_not_bound() -> None:
    answer = applicable(REGISTRY, "AGO", "FRA", date(2027, 1, 1))
    assert not answer.applies
    assert "France (FRA) has signed the Convention but has not ratified" in answer.reasons[2]


def test_non_party() -> None:
    answer = applicable(REGISTRY, "USA", "AGO", date(2027, 1, 1))
    assert not answer.applies
    assert answer.reasons[1].startswith("United States (USA) is not a Party")


def test_late_joiner_bound_only_from_thirtieth_day() -> None:
    assert not applicable(REGISTRY, "AGO", "JPN", date(2026, 9, 30)).applies
    reason = applicable(REGISTRY, "AGO", "JPN", date(2026, 9, 30)).reasons[2]
    assert "only from 1 October 2026, the thirtieth day after it deposited" in reason
    assert applicable(REGISTRY, "AGO", "JPN", date(2026, 10, 1)).applies


def test_denunciation_pending_then_effective() -> None:
    pending = applicable(REGISTRY, "DEU", "AGO", date(2031, 2, 28))
    assert pending.applies
    assert "takes effect on 1 March 2031 (Art 67)" in pending.reasons[1]
    after = applicable(REGISTRY, "DEU", "AGO", date(2031, 3, 1))
    assert not after.applies
    assert "Germany (DEU) denounced the Convention" in after.reasons[1]
    assert "not been bound since 1 March 2031" in after.reasons[1]


def test_reservation_of_requested_state_limits_preservation() -> None:
    answer = applicable(REGISTRY, "AGO", "BRA", date(2027, 1, 1), "preservation")
    assert answer.applies
    assert len(answer.limits) == 1
    assert "Article 42 by the requested State Brazil (BRA)" in answer.limits[0]
    assert "may refuse this preservation request" in answer.limits[0]
    assert applicable(REGISTRY, "AGO", "BRA", date(2027, 1, 1), "stored_data").limits == ()


def test_requesting_state_reservation_applies_in_return() -> None:
    answer = applicable(REGISTRY, "BRA", "AGO", date(2027, 1, 1), "preservation")
    assert "Vienna Convention on the Law of Treaties, Art 21(1)(b)" in answer.limits[0]


def test_withdrawn_reservation_no_longer_limits() -> None:
    assert applicable(REGISTRY, "AGO", "BRA", date(2027, 12, 31), "preservation").limits
    assert not applicable(REGISTRY, "AGO", "BRA", date(2028, 1, 1), "preservation").limits


def test_art_23_reservation_bears_on_interception_and_art_63_on_no_request() -> None:
    answer = applicable(REGISTRY, "AGO", "CHL", date(2027, 1, 1), "interception")
    assert len(answer.limits) == 1
    assert "Article 23" in answer.limits[0]


def test_plain_action_sequence_with_notifications() -> None:
    answer = applicable(
        ACTIONS, "AGO", "BRA", date(2027, 1, 1), "preservation", notifications=NOTIFICATIONS
    )
    assert answer.limits


def test_unknown_kind_and_participant() -> None:
    with pytest.raises(NotFound, match="unknown request kind 'wiretap'"):
        applicable(REGISTRY, "AGO", "BRA", date(2027, 1, 1), "wiretap")
    with pytest.raises(NotFound, match="unknown participant code 'XXX'"):
        applicable(REGISTRY, "XXX", "BRA", date(2027, 1, 1))
