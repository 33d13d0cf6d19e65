"""The predicates of the condition language: named, pure tests over a :class:`ScreeningContext`.

Each predicate is registered under the name a rule file uses (``{field_missing: period}``) with
a *parameter check* run once when the rules are loaded, which returns the compiled test: a
closure from a context to the data the test rests on (an :data:`Evidence` tuple, possibly
empty) when it holds, or None when it does not. Nothing is evaluated from text: a rule file can
only combine the predicates below (docs/formats/rules.md lists them with their meaning).

Predicates that need data Comity may lack (a profile, a stated penalty) do not hold when it is
missing; each such gap has its own predicate (``profile_missing``, ``field_missing: penalty``)
so that a rule set can say so instead of passing in silence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from comity.cases.completeness import language_accepted
from comity.cases.document import FIELD_KEYS, REQUEST_KINDS
from comity.rules.context import ScreeningContext
from comity.rules.model import Evidence
from comity.rules.profiles import OFFENCE_FLAGS, PRIVILEGE_CATEGORIES
from comity.treaty import Instrument

__all__ = ["PREDICATES", "Check", "ParamError", "Predicate"]

#: A compiled test: the evidence when it holds, None when it does not.
Check = Callable[[ScreeningContext], Evidence | None]

_NONE: Evidence = ()


class ParamError(ValueError):
    """A predicate's parameter is wrong; the loader adds the file and line."""


@dataclass(frozen=True)
class Predicate:
    """A named predicate: its parameter description and its compiler."""

    name: str
    param: str
    summary: str
    compile: Callable[[Any, Instrument], Check]


PREDICATES: dict[str, Predicate] = {}


def _register(name: str, param: str, summary: str) -> Callable[[Any], Any]:
    def wrap(fn: Callable[[Any, Instrument], Check]) -> Callable[[Any, Instrument], Check]:
        PREDICATES[name] = Predicate(name, param, summary, fn)
        return fn

    return wrap


def _flag(
    name: str, summary: str
) -> Callable[[Callable[[ScreeningContext], Evidence | None]], Any]:
    """Register a yes/no predicate: ``{name: true}`` holds when the test does, ``false`` not."""

    def wrap(test: Callable[[ScreeningContext], Evidence | None]) -> Any:
        def compile_(param: Any, _: Instrument) -> Check:
            if not isinstance(param, bool):
                raise ParamError(f"{name} takes true or false, not {param!r}")
            if param:
                return test

            def negated(ctx: ScreeningContext) -> Evidence | None:
                return _NONE if test(ctx) is None else None

            return negated

        PREDICATES[name] = Predicate(name, "true | false", summary, compile_)
        return test

    return wrap


def _choice(param: Any, allowed: tuple[str, ...], name: str) -> str:
    if not isinstance(param, str) or param not in allowed:
        raise ParamError(f"{name} takes one of {', '.join(allowed)}, not {param!r}")
    return param


def _number(param: Any, name: str) -> Decimal:
    if isinstance(param, bool) or not isinstance(param, int | float | str):
        raise ParamError(f"{name} takes a positive number, not {param!r}")
    try:
        value = Decimal(str(param))
    except InvalidOperation:
        raise ParamError(f"{name} takes a positive number, not {param!r}") from None
    if not value.is_finite() or value <= 0:
        raise ParamError(f"{name} takes a positive number, not {param!r}")
    return value


def _list(param: Any, allowed: tuple[str, ...], name: str) -> frozenset[str]:
    if not isinstance(param, list) or not param:
        raise ParamError(f"{name} takes a non-empty list")
    for item in param:
        _choice(item, allowed, name)
    return frozenset(param)


# -- the request itself -------------------------------------------------------------------


@_register("kind_in", "[request kinds]", "the request is of one of these kinds")
def _kind_in(param: Any, _: Instrument) -> Check:
    kinds = _list(param, REQUEST_KINDS, "kind_in")
    return lambda ctx: (("kind", ctx.document.kind),) if ctx.document.kind in kinds else None


@_register("field_missing", "field key", "the request leaves this content field empty")
def _field_missing(param: Any, _: Instrument) -> Check:
    key = _choice(param, FIELD_KEYS, "field_missing")
    return lambda ctx: ((key, "missing"),) if key not in ctx.filled else None


@_register("field_present", "field key", "the request fills this content field")
def _field_present(param: Any, _: Instrument) -> Check:
    key = _choice(param, FIELD_KEYS, "field_present")
    return lambda ctx: _NONE if key in ctx.filled else None


@_register("required_item_missing", "any | {except: [item keys]}", "a required item is missing")
def _required_item_missing(param: Any, instrument: Instrument) -> Check:
    skip: frozenset[str] = frozenset()
    if isinstance(param, dict) and set(param) == {"except"}:
        items = {i.key for k in instrument.kinds for i in k.required}
        skip = _list(param["except"], tuple(sorted(items)), "required_item_missing.except")
    elif param != "any":
        raise ParamError("required_item_missing takes 'any' or {except: [item keys]}")
    required = {k.key: tuple(i for i in k.required if i.key not in skip) for k in instrument.kinds}

    def check(ctx: ScreeningContext) -> Evidence | None:
        found = []
        for item in required[ctx.document.kind]:
            missing = [f for f in item.fields if f not in ctx.filled]
            if missing:
                cites = ", ".join(str(c) for c in item.cites)
                found.append((item.key, f"{item.label}: {', '.join(missing)} missing ({cites})"))
        return tuple(found) or None

    return check


@_register("data_category", "subscriber | traffic | content", "the request asks for this data")
def _data_category(param: Any, _: Instrument) -> Check:
    category = _choice(param, ("subscriber", "traffic", "content"), "data_category")
    return lambda ctx: (
        (("data_categories", category),) if category in ctx.document.data_categories else None
    )


@_register("urgency", "routine | urgent | emergency", "the request's urgency level")
def _urgency(param: Any, _: Instrument) -> Check:
    level = _choice(param, ("routine", "urgent", "emergency"), "urgency")

    def check(ctx: ScreeningContext) -> Evidence | None:
        u = ctx.document.urgency
        return (("urgency.level", level),) if u is not None and u.level == level else None

    return check


@_register("penalty_below_years", "number", "the stated maximum penalty is below N years")
def _penalty_below(param: Any, _: Instrument) -> Check:
    years = _number(param, "penalty_below_years")

    def check(ctx: ScreeningContext) -> Evidence | None:
        offence = ctx.document.offence
        penalty = None if offence is None else offence.maximum_penalty
        if penalty is None or penalty.life or penalty.years is None or penalty.years >= years:
            return None
        return (("offence.maximum_penalty.years", str(penalty.years)),)

    return check


@_register("identifier_count_above", "number", "the request names more than N identifiers")
def _identifier_count(param: Any, _: Instrument) -> Check:
    limit = _number(param, "identifier_count_above")
    return lambda ctx: (
        (("identifiers", str(len(ctx.document.identifiers))),)
        if len(ctx.document.identifiers) > limit
        else None
    )


@_register("period_longer_than_days", "number", "the period covers more than N days")
def _period_longer(param: Any, _: Instrument) -> Check:
    limit = _number(param, "period_longer_than_days")

    def check(ctx: ScreeningContext) -> Evidence | None:
        p = ctx.document.period
        if p is None or p.start is None or p.end is None:
            return None
        days = (p.end - p.start).days + 1
        return (("period", f"{p.start} to {p.end}: {days} days"),) if days > limit else None

    return check


@_flag("convention_offence", "the offence is one the Convention establishes (Arts 7-17)")
def _convention_offence(ctx: ScreeningContext) -> Evidence | None:
    offence = ctx.document.offence
    if offence is not None and offence.convention_article is not None:
        return (("offence.convention_article", str(offence.convention_article)),)
    found = ctx.requesting_offence
    if found is not None and found.convention_article is not None:
        return (("profile offence", f"{found.key}: Art {found.convention_article}"),)
    return None


@_flag("states_missing", "the request does not name both States")
def _states_missing(ctx: ScreeningContext) -> Evidence | None:
    d = ctx.document
    missing = [n for n in ("requesting_state", "requested_state") if getattr(d, n) is None]
    return tuple((n, "missing") for n in missing) or None


@_flag("language_not_accepted", "the language is not one the requested State notified")
def _language_not_accepted(ctx: ScreeningContext) -> Evidence | None:
    accepted = ctx.accepted_languages
    tag = ctx.document.language
    if accepted is None or tag is None or language_accepted(tag, accepted):
        return None
    return (("language", tag), ("accepted_languages", ", ".join(accepted)))


# -- the registry -------------------------------------------------------------------------


@_flag("legal_basis_is_other_treaty", "the request relies on another treaty, not the Convention")
def _other_treaty(ctx: ScreeningContext) -> Evidence | None:
    basis = ctx.document.legal_basis
    if basis is None or basis.treaty is None:
        return None
    return (("legal_basis", basis.treaty),)


@_flag("not_applicable_between_states", "the Convention does not bind both States on the day")
def _not_applicable(ctx: ScreeningContext) -> Evidence | None:
    found = ctx.applicability
    if found is None or found.applies:
        return None
    return tuple(("registry", reason) for reason in found.reasons)


@_register("reservation_in_effect", "reservation key", "the requested State has this reservation")
def _reservation(param: Any, instrument: Instrument) -> Check:
    keys = tuple(n.key for n in instrument.notifications if n.category == "reservation")
    key = _choice(param, keys, "reservation_in_effect")
    return lambda ctx: (
        (("reservation", f"{ctx.document.requested_state}: {key}"),)
        if key in ctx.requested_reservations
        else None
    )


# -- the law profiles ---------------------------------------------------------------------


@_register("profile_missing", "requesting | requested", "no law profile for that State")
def _profile_missing(param: Any, _: Instrument) -> Check:
    side = _choice(param, ("requesting", "requested"), "profile_missing")

    def check(ctx: ScreeningContext) -> Evidence | None:
        code = getattr(ctx.document, f"{side}_state")
        if code is None or code in ctx.profiles:
            return None
        return ((f"{side} State's profile", f"{code}: not loaded"),)

    return check


@_flag("offence_not_in_profile", "the requesting State's profile does not list the offence")
def _offence_not_in_profile(ctx: ScreeningContext) -> Evidence | None:
    offence = ctx.document.offence
    if ctx.requesting_profile is None or offence is None or ctx.requesting_offence is not None:
        return None
    return (("offence", offence.law_reference or offence.name or "unnamed"),)


@_register("offence_flag", "flag", "the offence, in the requesting State's law, has this flag")
def _offence_flag(param: Any, _: Instrument) -> Check:
    flag = _choice(param, OFFENCE_FLAGS, "offence_flag")

    def check(ctx: ScreeningContext) -> Evidence | None:
        found = ctx.requesting_offence
        if found is None or flag not in found.flags:
            return None
        return (("offence", f"{found.law_reference} ({found.name})"), ("flag", flag))

    return check


@_flag("requested_state_requires_dual_criminality", "the requested State requires it")
def _requires_dc(ctx: ScreeningContext) -> Evidence | None:
    profile = ctx.requested_profile
    if profile is None or ctx.document.kind not in profile.requires_dual_criminality:
        return None
    return (("dual criminality required by", profile.state),)


@_flag("dual_criminality_not_met", "some conduct of the offence is no offence where requested")
def _dc_not_met(ctx: ScreeningContext) -> Evidence | None:
    found, profile = ctx.requesting_offence, ctx.requested_profile
    if found is None or profile is None:
        return None
    missing = sorted(set(found.conduct) - profile.criminalised_conduct())
    if not missing:
        return None
    return (("conduct not criminalised in " + profile.state, ", ".join(missing)),)


@_flag("judicial_authorisation_needed", "the requested State's law needs a judge for this")
def _judge(ctx: ScreeningContext) -> Evidence | None:
    profile = ctx.requested_profile
    if profile is None:
        return None
    rule = profile.judicial_authorisation
    hits: list[tuple[str, str]] = []
    if ctx.document.kind in rule.kinds:
        hits.append(("kind", ctx.document.kind))
    hits.extend(
        ("data_categories", c) for c in ctx.document.data_categories if c in rule.data_categories
    )
    return tuple(hits) or None


@_register("protected_person", "category | any", "a person or identifier is privileged")
def _protected(param: Any, _: Instrument) -> Check:
    wanted = _choice(param, ("any", *PRIVILEGE_CATEGORIES), "protected_person")

    def check(ctx: ScreeningContext) -> Evidence | None:
        hits: list[tuple[str, str]] = []
        for index, categories in sorted(ctx.annotations.person_categories.items()):
            for category in sorted(categories):
                if wanted in ("any", category):
                    hits.append((f"persons[{index}]", category))
        profile = ctx.requested_profile
        if profile is not None and profile.protected_identifiers:
            protected = profile.protected_identifier_categories()
            for identifier in ctx.document.identifiers:
                found = protected.get(identifier.normalised())
                if found is not None and wanted in ("any", found):
                    hits.append((identifier.normalised(), found))
        return tuple(hits) or None

    return check


@_flag("transfer_not_adequate", "the requested State's law does not allow this transfer as is")
def _not_adequate(ctx: ScreeningContext) -> Evidence | None:
    profile, to = ctx.requested_profile, ctx.document.requesting_state
    if profile is None or to is None:
        return None
    adequate = profile.data_protection.adequate_recipients
    if adequate is None or to in adequate:
        return None
    return (("transfer to", to), ("adequate recipients", ", ".join(adequate) or "none"))


@_flag("transfer_conditions", "the requested State imposes conditions on transfers")
def _conditions(ctx: ScreeningContext) -> Evidence | None:
    profile = ctx.requested_profile
    if profile is None or not profile.data_protection.conditions:
        return None
    return tuple(("condition", c) for c in profile.data_protection.conditions)


@_register("onward_transfer", "requires_authorisation | prohibited | not_restricted", "policy")
def _onward(param: Any, _: Instrument) -> Check:
    allowed = ("requires_authorisation", "prohibited", "not_restricted")
    policy = _choice(param, allowed, "onward_transfer")

    def check(ctx: ScreeningContext) -> Evidence | None:
        profile = ctx.requested_profile
        if profile is None or profile.data_protection.onward_transfer != policy:
            return None
        return (("onward transfer", policy),)

    return check


# -- a proposed refusal -------------------------------------------------------------------


@_flag("refusal_proposed", "the reviewer proposes to refuse")
def _refusal(ctx: ScreeningContext) -> Evidence | None:
    r = ctx.proposed_refusal
    return None if r is None else (("proposed grounds", ", ".join(r.grounds) or "none"),)


@_register("refusal_rests_only_on", "[ground keys]", "every proposed ground is one of these")
def _rests_only_on(param: Any, instrument: Instrument) -> Check:
    keys = (*(g.key for g in instrument.grounds), *(g.key for g in instrument.never_grounds))
    allowed = _list(param, keys, "refusal_rests_only_on")

    def check(ctx: ScreeningContext) -> Evidence | None:
        r = ctx.proposed_refusal
        if r is None or not r.grounds or not set(r.grounds) <= allowed:
            return None
        return (("proposed grounds", ", ".join(r.grounds)),)

    return check


@_flag("refusal_without_consultation", "the proposed refusal was not preceded by consultation")
def _no_consultation(ctx: ScreeningContext) -> Evidence | None:
    r = ctx.proposed_refusal
    return None if r is None or r.consulted else (("consulted", "no"),)


@_flag("refusal_without_reasons", "the proposed refusal states no reasons")
def _no_reasons(ctx: ScreeningContext) -> Evidence | None:
    r = ctx.proposed_refusal
    return None if r is None or r.reasons.strip() else (("reasons", "none"),)


def _ground_index(instrument: Instrument) -> Mapping[str, tuple[frozenset[str], str | None]]:
    return {g.key: (frozenset(g.applies_to), g.requires_notification) for g in instrument.grounds}


@_register("refusal_ground_not_available", "true", "a proposed ground is not open to this request")
def _ground_not_available(param: Any, instrument: Instrument) -> Check:
    if param is not True:
        raise ParamError("refusal_ground_not_available takes true")
    index = _ground_index(instrument)

    def check(ctx: ScreeningContext) -> Evidence | None:
        r = ctx.proposed_refusal
        if r is None:
            return None
        hits: list[tuple[str, str]] = []
        for ground in r.grounds:
            if ground not in index:
                hits.append((ground, "not a ground for refusal"))
                continue
            kinds, needs = index[ground]
            if ctx.document.kind not in kinds:
                hits.append((ground, f"not open to a {ctx.document.kind} request"))
            elif needs is not None and needs not in ctx.requested_reservations:
                hits.append((ground, f"needs {needs}, not in effect on {ctx.on_date}"))
        return tuple(hits) or None

    return check
