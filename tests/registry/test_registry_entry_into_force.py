"""Art 65 (entry into force) and Art 67 (denunciation): boundary days, organisations, late
joiners, and properties that must hold for every history."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.dates import DateSpan
from comity.registry.entry_into_force import (
    UNCC_ART_65,
    EntryIntoForceRule,
    counted_instruments,
    general_entry_into_force,
    is_party,
    memberships,
)
from comity.registry.participants import EU_MEMBER_STATES
from comity.registry.status import status

STATES = sorted(c.alpha_3 for c in pycountry.countries)
NON_EU = [c for c in STATES if c not in EU_MEMBER_STATES]
BOUNDED = settings(max_examples=40, deadline=None)


def act(code: str, kind: ActionKind, day: date) -> TreatyAction:
    return TreatyAction(code, kind, DateSpan.on(day))


def forty(start: date, codes: list[str] | None = None) -> list[TreatyAction]:
    """Forty States ratifying on consecutive days from ``start``."""
    return [
        act(code, ActionKind.RATIFICATION, start + timedelta(days=i))
        for i, code in enumerate((codes or NON_EU)[:40])
    ]


FORTIETH = date(2026, 2, 13)  # the fortieth deposit in HISTORY
HISTORY = forty(FORTIETH - timedelta(days=39))
GENERAL = date(2026, 5, 14)  # 13 Feb 2026 + 90 days, counted by hand


def test_ninetieth_day_after_the_fortieth_deposit() -> None:
    assert general_entry_into_force(HISTORY) == GENERAL
    assert (GENERAL - FORTIETH).days == 90


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (FORTIETH + timedelta(days=89), False),
        (GENERAL, True),
        (FORTIETH + timedelta(days=91), True),
    ],
)
def test_boundary_days_89_90_91(day: date, in_force: bool) -> None:
    report = status(HISTORY, day)
    assert report.in_force is in_force
    assert report.entry_into_force == GENERAL
    first = HISTORY[0].participant
    assert is_party(HISTORY, first, day) is in_force


def test_thirty_nine_instruments_do_not_bring_it_into_force() -> None:
    assert general_entry_into_force(HISTORY[:39]) is None
    assert all(m.party_from is None for m in memberships(HISTORY[:39]))
    assert status(HISTORY, FORTIETH - timedelta(days=1)).entry_into_force is None
    assert status(HISTORY, FORTIETH).entry_into_force == GENERAL


def test_organisation_instrument_is_not_counted_but_it_becomes_a_party() -> None:
    history = [*forty(date(2026, 1, 1))[:39], act("EU", ActionKind.APPROVAL, date(2026, 1, 20))]
    assert general_entry_into_force(history) is None
    assert len(counted_instruments(history)) == 39
    history.append(act("JPN", ActionKind.RATIFICATION, date(2026, 3, 1)))
    assert general_entry_into_force(history) == date(2026, 5, 30)
    eu = next(m for m in memberships(history) if m.participant == "EU")
    assert not eu.counted
    assert eu.party_from == date(2026, 5, 30)
    assert is_party(history, "EU", date(2026, 5, 30))
    assert not is_party(history, "EU", date(2026, 5, 29))


def test_organisation_joining_late_gets_thirty_days() -> None:
    history = [*HISTORY, act("EU", ActionKind.FORMAL_CONFIRMATION, date(2026, 9, 1))]
    eu = next(m for m in memberships(history) if m.participant == "EU")
    assert eu.party_from == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("deposit", "party_from"),
    [
        (GENERAL - timedelta(days=31), GENERAL),  # +30 falls before the general date
        (GENERAL - timedelta(days=30), GENERAL),  # +30 is the general date
        (GENERAL - timedelta(days=29), GENERAL + timedelta(days=1)),  # +30 is later
        (date(2026, 9, 1), date(2026, 10, 1)),
    ],
)
def test_late_joiner_thirtieth_day_or_general_date_whichever_later(
    deposit: date, party_from: date
) -> None:
    history = [*HISTORY, act("USA", ActionKind.ACCESSION, deposit)]
    usa = next(m for m in memberships(history) if m.participant == "USA")
    assert usa.party_from == party_from
    assert not is_party(history, "USA", party_from - timedelta(days=1))
    assert is_party(history, "USA", party_from)


def test_denunciation_takes_effect_one_year_after_receipt() -> None:
    received = date(2027, 3, 1)
    code = HISTORY[0].participant
    history = [*HISTORY, act(code, ActionKind.DENUNCIATION, received)]
    assert is_party(history, code, date(2028, 2, 29))
    assert not is_party(history, code, date(2028, 3, 1))
    # the denunciation does not undo the count nor the general date
    assert general_entry_into_force(history) == GENERAL
    report = status(history, date(2028, 3, 1))
    assert code not in {m.participant for m in report.parties}
    assert report.to_json()["denunciations"] == [
        {"participant": code, "received": "2027-03-01", "effective": "2028-03-01"}
    ]


def test_denunciation_received_on_29_february() -> None:
    code = HISTORY[0].participant
    history = [*HISTORY, act(code, ActionKind.DENUNCIATION, date(2028, 2, 29))]
    assert is_party(history, code, date(2029, 2, 28))
    assert not is_party(history, code, date(2029, 3, 1))


def test_rejoining_after_denunciation() -> None:
    code = HISTORY[0].participant
    history = [
        *HISTORY,
        act(code, ActionKind.DENUNCIATION, date(2027, 1, 10)),
        act(code, ActionKind.ACCESSION, date(2029, 1, 10)),
    ]
    assert not is_party(history, code, date(2028, 6, 1))
    assert not is_party(history, code, date(2029, 2, 8))
    assert is_party(history, code, date(2029, 2, 9))
    assert len(counted_instruments(history)) == 40  # counted once


def test_organisation_ceases_when_all_member_states_have_denounced() -> None:
    members = sorted(EU_MEMBER_STATES)
    history = [
        *forty(date(2026, 1, 1), [*members, *NON_EU]),
        act("EU", ActionKind.APPROVAL, date(2026, 1, 2)),
    ]
    general = general_entry_into_force(history)
    assert general is not None
    denunciations = [
        act(code, ActionKind.DENUNCIATION, date(2030, 1, 1) + timedelta(days=i))
        for i, code in enumerate(members)
    ]
    last_effect = date(2031, 1, 1) + timedelta(days=len(members) - 1)
    assert is_party([*history, *denunciations[:-1]], "EU", date(2035, 1, 1))
    everything = [*history, *denunciations]
    assert is_party(everything, "EU", last_effect - timedelta(days=1))
    assert not is_party(everything, "EU", last_effect)


def test_parameters_allow_other_treaties() -> None:
    rule = EntryIntoForceRule(threshold=2, general_days=10, later_days=5)
    history = forty(date(2026, 1, 1))[:3]
    assert general_entry_into_force(history, rule) == date(2026, 1, 12)
    assert [m.party_from for m in memberships(history, rule)][-1] == date(2026, 1, 12)
    with pytest.raises(ValueError, match="threshold"):
        EntryIntoForceRule(threshold=0)


# ---- properties -------------------------------------------------------------------------

deposits = st.lists(
    st.tuples(st.sampled_from(STATES), st.dates(date(2025, 10, 25), date(2031, 12, 31))),
    min_size=0,
    max_size=60,
    unique_by=lambda t: t[0],
)


def as_history(pairs: list[tuple[str, date]]) -> list[TreatyAction]:
    return [act(code, ActionKind.RATIFICATION, day) for code, day in pairs]


@BOUNDED
@given(deposits)
def test_property_the_fortieth_instrument_rule(pairs: list[tuple[str, date]]) -> None:
    history = as_history(pairs)
    days = sorted(day for _, day in pairs)
    expected = days[39] + timedelta(days=90) if len(days) >= 40 else None
    assert general_entry_into_force(history) == expected
    for m in memberships(history):
        if expected is None:
            assert m.party_from is None
        else:
            assert m.party_from == max(m.deposited + timedelta(days=30), expected)


@BOUNDED
@given(deposits, st.randoms(use_true_random=False))
def test_property_order_of_rows_does_not_matter(
    pairs: list[tuple[str, date]], rnd: random.Random
) -> None:
    history = as_history(pairs)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    assert memberships(shuffled) == memberships(history)
    assert general_entry_into_force(shuffled) == general_entry_into_force(history)


@BOUNDED
@given(deposits, st.sampled_from(STATES), st.dates(date(2025, 10, 25), date(2031, 12, 31)))
def test_property_another_instrument_never_delays_entry_into_force(
    pairs: list[tuple[str, date]], code: str, day: date
) -> None:
    if code in {c for c, _ in pairs}:
        return
    before = general_entry_into_force(as_history(pairs))
    after = general_entry_into_force([*as_history(pairs), act(code, ActionKind.ACCESSION, day)])
    if before is not None:
        assert after is not None
        assert after <= before


@BOUNDED
@given(deposits, st.dates(date(2025, 10, 25), date(2031, 12, 31)))
def test_property_organisation_instrument_changes_no_count(
    pairs: list[tuple[str, date]], day: date
) -> None:
    history = as_history(pairs)
    with_eu = [*history, act("EU", ActionKind.APPROVAL, day)]
    assert general_entry_into_force(with_eu) == general_entry_into_force(history)
    assert counted_instruments(with_eu) == counted_instruments(history)


@BOUNDED
@given(deposits, st.lists(st.dates(date(2025, 10, 1), date(2032, 12, 31)), min_size=2, max_size=6))
def test_property_status_is_monotone_in_time_and_matches_art_65(
    pairs: list[tuple[str, date]], days: list[date]
) -> None:
    history = as_history(pairs)
    previous = None
    for day in sorted(days):
        report = status(history, day, UNCC_ART_65)
        assert report.instruments_counted == sum(1 for _, d in pairs if d <= day)
        if previous is not None:
            assert report.instruments_counted >= previous.instruments_counted
            assert report.in_force or not previous.in_force
            if previous.entry_into_force is not None:
                assert report.entry_into_force == previous.entry_into_force
        for m in report.parties:
            assert (m.party_from is not None and m.party_from <= day) == is_party(
                history, m.participant, day
            )
        previous = report
