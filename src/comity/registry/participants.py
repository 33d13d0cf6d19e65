"""Participants in the Convention: States and regional economic integration organisations.

A State is named by its ISO 3166-1 alpha-3 code (the list in pycountry). A regional economic
integration organisation (REIO, Art 2(n)) is not an ISO 3166 country; Comity knows one, the
European Union, under the code ``EU`` (the CLDR territory code), with its member States as data.

Names are localised through Babel's CLDR territory names; pycountry's English name is the
fallback where CLDR has none.

>>> participant("FRA").kind
'state'
>>> participant("EU").is_organisation
True
>>> "FRA" in participant("EU").members
True
>>> display_name("DEU", "fr")
'Allemagne'
>>> display_name("EU", "en")
'European Union'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pycountry
from babel import Locale, UnknownLocaleError

from comity.errors import NotFound

__all__ = [
    "EU_MEMBER_STATES",
    "ORGANISATIONS",
    "Participant",
    "display_name",
    "is_known",
    "participant",
]

#: The 27 member States of the European Union (since 1 February 2020), ISO 3166-1 alpha-3.
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE",
    }
)  # fmt: skip

#: Regional economic integration organisations known to Comity: code -> member States.
ORGANISATIONS: dict[str, frozenset[str]] = {"EU": EU_MEMBER_STATES}

_ORGANISATION_NAMES: dict[str, str] = {"EU": "European Union"}


@dataclass(frozen=True)
class Participant:
    """A State (ISO 3166-1 alpha-3) or a regional economic integration organisation (Art 2(n)).

    ``members`` is empty for a State; for an organisation it holds its member States' codes.
    """

    code: str
    kind: Literal["state", "organisation"]
    members: frozenset[str] = frozenset()

    @property
    def is_organisation(self) -> bool:
        """True for a regional economic integration organisation."""
        return self.kind == "organisation"


def is_known(code: str) -> bool:
    """True if ``code`` is an ISO 3166-1 alpha-3 code or a known organisation code."""
    return code in ORGANISATIONS or _alpha2(code) is not None


def participant(code: str) -> Participant:
    """The participant with this code.

    Raises :class:`comity.errors.NotFound` naming the code if it is neither an upper-case ISO
    3166-1 alpha-3 code nor a known organisation.
    """
    if code in ORGANISATIONS:
        return Participant(code=code, kind="organisation", members=ORGANISATIONS[code])
    if _alpha2(code) is None:
        hint = " (codes are upper case)" if _alpha2(code.upper()) is not None else ""
        known = ", ".join(sorted(ORGANISATIONS))
        raise NotFound(
            f"unknown participant code {code!r}{hint}: expected an ISO 3166-1 alpha-3 code "
            f"or an organisation code ({known})"
        )
    return Participant(code=code, kind="state")


def display_name(code: str, locale: str = "en") -> str:
    """The name of the participant in ``locale`` (a Babel/CLDR locale such as ``zh_Hans``).

    Raises :class:`comity.errors.NotFound` for an unknown participant code or locale.
    """
    p = participant(code)
    territory = p.code if p.is_organisation else _alpha2(p.code)
    names = _territory_names(locale)
    if territory is not None and territory in names:
        return names[territory]
    if p.is_organisation:
        return _ORGANISATION_NAMES[p.code]
    country = pycountry.countries.get(alpha_3=p.code)
    return p.code if country is None else str(country.name)


@lru_cache(maxsize=512)
def _alpha2(code: str) -> str | None:
    if len(code) != 3 or not code.isascii() or not code.isupper():
        return None
    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.alpha_2)


@lru_cache(maxsize=16)
def _territory_names(locale: str) -> dict[str, str]:
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError) as error:
        raise NotFound(f"unknown locale {locale!r}: {error}") from None
    return dict(parsed.territories)
