"""National law profiles: what a reviewer needs to know about one State's law, as data.

A profile (format ``comity.law-profile/1``, docs/formats/law-profiles.md) lists, for one State:

* its offences, each with its maximum penalty (Art 2(h): a serious crime is punishable by at
  least four years), the Convention offence article it corresponds to (Arts 7-17), the conduct
  it punishes (dual criminality is judged by conduct, not labels: Art 35(3)), and the flags a
  reviewer needs (the offence punishes expression, assembly, association, religion or belief,
  or sexual orientation; it is a political offence; the death penalty applies: Art 6(2),
  Art 40(22), Art 37);
* the request kinds for which it requires dual criminality;
* the measures that need a judge's authorisation (Art 24(2));
* the persons its law protects by privilege (journalists' sources, lawyers, doctors), and
  identifiers known to belong to them;
* its conditions for transfers of personal data (Art 36): conditions, adequacy, onward transfer.

Comity ships no real profile: a node administrator imports the profiles of the States it deals
with. The loader is strict (unknown keys, duplicate keys and bad values are errors naming the
file and line). :func:`profile_to_json` exports a profile canonically; :func:`profiles_digest`
identifies a set of profiles for re-screening.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import rfc8785
from cryptography.hazmat.primitives import hashes
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from comity.cases.document import DataCategory
from comity.cases.document import Offence as DocumentOffence
from comity.cases.identifiers import Identifier
from comity.rules._load import fail, read_source, read_text, validate
from comity.rules.model import RulesDataError
from comity.treaty.kinds import RequestKind

__all__ = [
    "OFFENCE_FLAGS",
    "PRIVILEGE_CATEGORIES",
    "PROFILE_FORMAT",
    "DataProtection",
    "LawProfile",
    "ProfileOffence",
    "load_profile",
    "load_profiles",
    "parse_profile",
    "profile_to_json",
    "profiles_digest",
]

PROFILE_FORMAT = "comity.law-profile/1"

OffenceFlag = Literal[
    "expression",
    "assembly",
    "association",
    "religion_or_belief",
    "sexual_orientation",
    "political_offence",
    "death_penalty",
]
OFFENCE_FLAGS: tuple[str, ...] = OffenceFlag.__args__  # type: ignore[attr-defined]

Privilege = Literal["journalist", "lawyer", "doctor", "religious_minister"]
PRIVILEGE_CATEGORIES: tuple[str, ...] = Privilege.__args__  # type: ignore[attr-defined]

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]
StateCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Penalty(_Model):
    """A maximum penalty: a number of years of deprivation of liberty, or life."""

    years: Decimal | None = Field(default=None, gt=0, le=200)
    life: StrictBool = False

    @model_validator(mode="after")
    def _one_of(self) -> Penalty:
        if (self.years is None) == (not self.life):
            raise ValueError("maximum_penalty needs either 'years' or 'life': true, not both")
        return self

    def below(self, years: Decimal) -> bool:
        """True if the penalty is less than ``years`` (never for life)."""
        return not self.life and self.years is not None and self.years < years


class ProfileOffence(_Model):
    """An offence of the State's law, as a reviewer needs it."""

    key: Key
    name: Text
    law_reference: Text
    maximum_penalty: Penalty
    convention_article: int | None = Field(default=None, ge=7, le=17)
    conduct: Annotated[tuple[Key, ...], Field(min_length=1)]
    flags: tuple[OffenceFlag, ...] = ()


class JudicialAuthorisation(_Model):
    """The measures for which the State's law requires a judge's authorisation (Art 24(2))."""

    kinds: tuple[RequestKind, ...] = ()
    data_categories: tuple[DataCategory, ...] = ()


class ProtectedIdentifier(_Model):
    """An identifier known to belong to a privileged person (a newsroom's domain, say)."""

    category: Privilege
    identifier: Identifier


class Privileged(_Model):
    """A category of persons the State's law protects by privilege, and what is protected."""

    category: Privilege
    description: Text


class DataProtection(_Model):
    """The State's conditions for transfers of personal data (Art 36).

    ``adequate_recipients``: if set, the States to which personal data may be transferred
    without further safeguards; a transfer elsewhere cannot comply as it stands (Art 36(1)(a)).
    ``conditions``: conditions the State imposes on transfers (Art 36(1)(b)).
    ``onward_transfer``: whether onward transfer needs its prior authorisation (Art 36(3)).
    """

    adequate_recipients: tuple[StateCode, ...] | None = None
    conditions: tuple[Text, ...] = ()
    onward_transfer: Literal["requires_authorisation", "prohibited", "not_restricted"] = (
        "requires_authorisation"
    )


class LawProfile(_Model):
    """One State's law profile (docs/formats/law-profiles.md)."""

    format: Literal["comity.law-profile/1"]
    state: StateCode
    title: Text
    as_of: dt.date
    illustrative: StrictBool = False
    requires_dual_criminality: tuple[RequestKind, ...] = ()
    offences: tuple[ProfileOffence, ...] = ()
    judicial_authorisation: JudicialAuthorisation = JudicialAuthorisation()
    privileges: tuple[Privileged, ...] = ()
    protected_identifiers: tuple[ProtectedIdentifier, ...] = ()
    data_protection: DataProtection = DataProtection()

    def offence_for(self, offence: DocumentOffence | None) -> ProfileOffence | None:
        """The profile's offence a request's offence names: by law reference, else by name."""
        if offence is None:
            return None
        if offence.law_reference:
            wanted = _norm(offence.law_reference)
            for entry in self.offences:
                if _norm(entry.law_reference) == wanted:
                    return entry
        if offence.name:
            wanted = _norm(offence.name)
            for entry in self.offences:
                if _norm(entry.name) == wanted:
                    return entry
        return None

    def criminalised_conduct(self) -> frozenset[str]:
        """Every conduct key some offence of this law punishes."""
        return frozenset(c for o in self.offences for c in o.conduct)

    def protected_identifier_categories(self) -> Mapping[str, str]:
        """Normalised identifier -> privilege category."""
        return {p.identifier.normalised(): p.category for p in self.protected_identifiers}


def _check(profile: LawProfile, source: Any) -> None:
    seen: set[str] = set()
    for i, offence in enumerate(profile.offences):
        if offence.key in seen:
            raise fail(source, f"duplicate offence {offence.key!r}", ("offences", i, "key"))
        seen.add(offence.key)
    refs: set[str] = set()
    for i, offence in enumerate(profile.offences):
        ref = _norm(offence.law_reference)
        if ref in refs:
            raise fail(
                source,
                f"duplicate law_reference {offence.law_reference!r}",
                ("offences", i, "law_reference"),
            )
        refs.add(ref)
    for name in ("requires_dual_criminality",):
        values: Sequence[str] = getattr(profile, name)
        if len(set(values)) != len(values):
            raise fail(source, f"{name} lists a request kind twice", (name,))
    categories = [p.category for p in profile.privileges]
    if len(set(categories)) != len(categories):
        raise fail(source, "privileges lists a category twice", ("privileges",))
    for i, protected in enumerate(profile.protected_identifiers):
        if protected.category not in categories:
            raise fail(
                source,
                f"protected identifier of category {protected.category!r}, which privileges "
                "does not list",
                ("protected_identifiers", i, "category"),
            )


def parse_profile(text: str, name: str) -> LawProfile:
    """Parse and check one profile (YAML or JSON) given as text; ``name`` is used in errors."""
    source = read_text(text, name)
    profile = validate(LawProfile, source)
    _check(profile, source)
    return profile


def load_profile(path: Path) -> LawProfile:
    """Load one profile file strictly."""
    source = read_source(path)
    profile = validate(LawProfile, source)
    _check(profile, source)
    return profile


def load_profiles(paths: Iterable[Path]) -> dict[str, LawProfile]:
    """Load profiles from files and directories (``*.yaml``, ``*.yml``, ``*.json`` inside).

    Two profiles for the same State are an error naming the second file, and so is a directory
    with no profile in it (most likely the wrong directory).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
            if not found:
                raise RulesDataError(
                    "no profile (*.yaml, *.yml, *.json) in this directory", path=str(path)
                )
            files.extend(found)
        else:
            files.append(path)
    profiles: dict[str, LawProfile] = {}
    for file in files:
        profile = load_profile(file)
        if profile.state in profiles:
            raise RulesDataError(f"a second profile for {profile.state}", path=str(file), line=1)
        profiles[profile.state] = profile
    return profiles


def profile_to_json(profile: LawProfile) -> dict[str, Any]:
    """The profile as JSON-ready data; :func:`parse_profile` reads it back unchanged."""
    data: dict[str, Any] = profile.model_dump(mode="json", exclude_defaults=False)
    return data


def profiles_digest(profiles: Mapping[str, LawProfile]) -> str:
    """SHA-256 (hex) of the canonical JSON (RFC 8785) of the profiles, ordered by State."""
    payload = [profile_to_json(profiles[code]) for code in sorted(profiles)]
    digest = hashes.Hash(hashes.SHA256())
    digest.update(rfc8785.dumps(payload))
    return digest.finalize().hex()
