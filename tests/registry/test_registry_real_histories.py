"""Real treaty histories with the same entry-into-force clause as Art 65.

Only dates published by public sources are fixed here; each carries its source. Where a source
gives the order of the instruments but not every date, the other dates are drawn by hypothesis
from the window the sources allow: the result must hold whatever those dates were.
"""

from __future__ import annotations

from datetime import date, timedelta

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.dates import DateSpan
from comity.registry.entry_into_force import (
    UNCAC_ART_68,
    UNTOC_ART_38,
    general_entry_into_force,
    memberships,
)
from comity.registry.status import status


def act(code: str, kind: ActionKind, day: date) -> TreatyAction:
    return TreatyAction(code, kind, DateSpan.on(day))


# UN Convention against Corruption (UNCAC), Art 68: thirtieth instrument, ninetieth day.
# - Kenya signed and ratified on 9 December 2003, the first to ratify (UNODC at the Merida
#   signing conference; roggkenya.org).
# - Sri Lanka ratified on 31 March 2004, the second (Daily FT, 24 October 2011).
# - Algeria ratified on 25 August 2004 (ITC LegaCarta, UNCAC ratification table).
# - Ecuador deposited the thirtieth instrument on 15 September 2005; "at the end of 90 days
#   (14 December 2005) the treaty enters into force" (UN press release L/T/4389, 15 Sep 2005).
# - Ireland: UNCAC "entered into force on 9 December 2011" for Ireland (In-House Lawyer, country
#   answers); its instrument was deposited on 9 November 2011 (UN Treaty Collection XVIII-14).
UNCAC_FIRST = date(2003, 12, 9)
UNCAC_THIRTIETH = date(2005, 9, 15)
UNCAC_ANCHORS = [
    act("KEN", ActionKind.SIGNATURE, UNCAC_FIRST),
    act("KEN", ActionKind.RATIFICATION, UNCAC_FIRST),
    act("LKA", ActionKind.RATIFICATION, date(2004, 3, 31)),
    act("DZA", ActionKind.RATIFICATION, date(2004, 8, 25)),
    act("ECU", ActionKind.RATIFICATION, UNCAC_THIRTIETH),
]
# Placeholder codes for the other instruments, whose States and dates these tests do not rely on.
OTHERS = [
    c.alpha_3 for c in pycountry.countries if c.alpha_3 not in {"KEN", "LKA", "DZA", "ECU", "IRL"}
][:40]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.dates(date(2004, 3, 31), UNCAC_THIRTIETH),
        min_size=26,
        max_size=26,
    )
)
def test_uncac_entered_into_force_on_14_december_2005(days: list[date]) -> None:
    history = [
        *UNCAC_ANCHORS,
        *(act(code, ActionKind.RATIFICATION, day) for code, day in zip(OTHERS, days, strict=False)),
    ]
    assert general_entry_into_force(history, UNCAC_ART_68) == date(2005, 12, 14)
    assert {m.party_from for m in memberships(history, UNCAC_ART_68)} == {date(2005, 12, 14)}
    assert not status(history, date(2005, 12, 13), UNCAC_ART_68).in_force
    assert status(history, date(2005, 12, 14), UNCAC_ART_68).in_force
    assert (
        status(history, UNCAC_THIRTIETH - timedelta(days=1), UNCAC_ART_68).entry_into_force is None
    )
    assert status(history, UNCAC_THIRTIETH, UNCAC_ART_68).entry_into_force == date(2005, 12, 14)

    ireland = [*history, act("IRL", ActionKind.RATIFICATION, date(2011, 11, 9))]
    irl = next(m for m in memberships(ireland, UNCAC_ART_68) if m.participant == "IRL")
    assert irl.party_from == date(2011, 12, 9)


# UN Convention against Transnational Organized Crime (UNTOC), Art 38: the same clause as
# Art 65 (fortieth instrument, ninetieth day, thirtieth day). "The fortieth instrument of
# ratification ... was deposited with the Secretary-General on 1 July [2003]. In accordance with
# Article 38 of the Convention, it will enter into force on 29 September 2003" (UN Information
# Service Vienna, press release CP/439, 7 July 2003). The signing conference opened in Palermo on
# 12 December 2000 (same release), so the 39 earlier instruments lie in that window.
UNTOC_FORTIETH = date(2003, 7, 1)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.dates(date(2000, 12, 12), UNTOC_FORTIETH), min_size=39, max_size=39))
def test_untoc_entered_into_force_on_29_september_2003(days: list[date]) -> None:
    history = [
        act(code, ActionKind.RATIFICATION, day) for code, day in zip(OTHERS, days, strict=False)
    ]
    # the fortieth: which State deposited it does not matter here, only the day
    history.append(act(OTHERS[39], ActionKind.RATIFICATION, UNTOC_FORTIETH))
    assert general_entry_into_force(history, UNTOC_ART_38) == date(2003, 9, 29)
    assert not status(history, date(2003, 9, 28), UNTOC_ART_38).in_force
    assert status(history, date(2003, 9, 29), UNTOC_ART_38).in_force
