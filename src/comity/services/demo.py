"""The demonstration network that ``comity demo`` serves, so a newcomer sees a living node.

Everything seeded here is **demonstration data**: three authorities in different States
(France's central authority, Portugal's 24/7 point of contact, Brazil's central authority),
named "(demonstration)", with keys generated on the spot, and requests in many states of their
lifecycle, including a preservation held for the mutual legal assistance request that follows
it. The treaty data is the data shipped with Comity; since it does not show the Convention in
force, the demo requests rely on a treaty that binds these States today, the Council of
Europe Convention on Cybercrime (ETS No. 185), to which France, Portugal and Brazil are
Parties. No ratification of the UN Convention is invented.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.registry.shipped import shipped_registry
from comity.services import authorities, cases
from comity.services import requests as service
from comity.services.authorities import HostedAuthority
from comity.services.registry import import_registry
from comity.transport.inprocess import InProcessTransport

__all__ = ["DEMO_AUTHORITIES", "seed_demo"]

_TREATY = "Council of Europe Convention on Cybercrime (ETS No. 185)"

#: (id, State, role, name, languages) of the demonstration authorities.
DEMO_AUTHORITIES = (
    ("fra-ca", "FRA", "central_authority",
     "Bureau de l'entraide pénale internationale (demonstration)", ("fr", "en")),
    ("prt-247", "PRT", "contact_point_24_7",
     "Ponto de contacto 24/7 (demonstration)", ("pt", "en")),
    ("bra-ca", "BRA", "central_authority",
     "Autoridade central (demonstration)", ("pt", "en")),
)  # fmt: skip


def _document(kind: str, requested: str, state: str, language: str, today: dt.date,
              **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A complete demonstration request (fictitious facts, example.* identifiers)."""
    document: dict[str, Any] = {
        "kind": kind,
        "requested_state": state,
        "requested_authority": {"name": requested, "identifier": requested},
        "legal_basis": {"treaty": _TREATY},
        "proceeding": {"nature": "Criminal investigation into a ransomware attack on a "
                       "hospital (demonstration)", "case_number": "DEMO-2026-0417"},
        "offence": {"name": "Interference with a computer system", "maximum_penalty": {"years": 7},
                    "convention_article": 10},
        "facts": "Fictitious facts for the demonstration: a hospital's systems were encrypted "
                 "and the ransom note named an e-mail address hosted abroad.",
        "identifiers": [{"type": "email", "address": "payme@mail.example.org"}],
        "data_categories": ["subscriber", "traffic"],
        "data_relation": "The mailbox received the victims' replies.",
        "custodian": {"name": "Example Mail (demonstration)", "location": "abroad"},
        "necessity": "The mailbox is deleted after 30 days of inactivity.",
        "period": {"start": (today - dt.timedelta(days=40)).isoformat(),
                   "end": (today - dt.timedelta(days=10)).isoformat(),
                   "justification": "From the first intrusion to the ransom deadline."},
        "purpose": "Identify the authors of the attack.",
        "assistance_sought": "Disclose the subscriber and traffic data of the mailbox.",
        "confidentiality": {"confidential": True, "do_not_notify": True,
                            "reason": "Notice would let the suspects destroy evidence."},
        "urgency": {"level": "urgent", "reason": "Risk of deletion."},
        "language": language,
        "deadline": {"date": (today + dt.timedelta(days=20)).isoformat(),
                     "reason": "The mailbox may be purged after that date."},
    }  # fmt: skip
    if kind == "preservation":
        document["follow_up_intent"] = {
            "intended": True, "kind": "mutual_legal_assistance",
            "expected_by": (today + dt.timedelta(days=30)).isoformat(),
        }  # fmt: skip
    document.update(copy.deepcopy(extra))
    return document


def seed_demo(engine: Engine, settings: Settings) -> list[str]:
    """Fill a freshly migrated database with the demo network.

    Returns the lines the demo prints for the newcomer (what exists and how to act as it).
    """
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    transport = InProcessTransport(engine, settings)
    import_registry(engine, shipped_registry(), sources=["shipped with Comity"], at=now)
    hosted: dict[str, HostedAuthority] = {}
    for key, state, role, name, languages in DEMO_AUTHORITIES:
        hosted[key] = authorities.add_authority(
            engine, settings, authority_id=key, state=state, role=role, name=name,
            languages=languages, contact_email=f"{key}@demo.example.org", at=now,
        )  # fmt: skip
    fra, prt, bra = hosted["fra-ca"], hosted["prt-247"], hosted["bra-ca"]

    def run(authority: HostedAuthority, reference: str, *actions: str, **params: Any) -> None:
        for action in actions:
            service.act(engine, settings, authority, reference, action, transport=transport,
                        officer="demo officer", **params)  # fmt: skip

    def new(authority: HostedAuthority, document: dict[str, Any]) -> str:
        return service.draft(engine, authority, document, officer="demo officer").row.reference

    # A preservation, held for the MLA request that follows it; the MLA request executed.
    preservation = new(fra, _document("preservation", "prt-247", "PRT", "pt", today))
    run(fra, preservation, "approve", "send")
    run(prt, preservation, "acknowledge")
    run(prt, preservation, "preserve", until=today + dt.timedelta(days=90))
    mla = new(fra, _document("mutual_legal_assistance", "prt-247", "PRT", "pt", today,
                             linked_request=preservation))  # fmt: skip
    run(fra, mla, "approve", "send")
    run(prt, preservation, "hold", linked_request=mla)
    run(prt, mla, "acknowledge", "start_review")
    run(prt, mla, "execute", documents=["demo-evidence-package-1"])
    case = cases.create_case(engine, fra, "Hospital ransomware (demonstration)", [preservation])
    cases.link_requests(engine, fra, case, preservation, mla)
    cases.add_case_evidence(engine, fra, case, "demo-evidence-package-1", mla, today)
    # Stored data from Brazil, in consultation before a possible refusal.
    stored = new(fra, _document("stored_data", "bra-ca", "BRA", "pt", today))
    run(fra, stored, "approve", "send")
    run(bra, stored, "acknowledge", "start_review")
    run(bra, stored, "consult", reasons="The dual criminality of the conduct needs discussion.")
    # Brazil asks France; France asks for more information.
    inbound = new(bra, _document("mutual_legal_assistance", "fra-ca", "FRA", "fr", today))
    run(bra, inbound, "approve", "send")
    run(fra, inbound, "acknowledge")
    run(fra, inbound, "request_information", reasons="Please state the penalty's legal basis.")
    # A refusal, after consultation and with reasons.
    refused = new(bra, _document("stored_data", "prt-247", "PRT", "pt", today))
    run(bra, refused, "approve", "send")
    run(prt, refused, "acknowledge", "start_review")
    run(prt, refused, "consult", reasons="The data is held by a provider outside Portugal.")
    run(prt, refused, "refuse", reasons="The data is not within Portugal's jurisdiction.")
    # An approved request not yet sent, and a draft.
    approved = new(prt, _document("assistance_24_7", "fra-ca", "FRA", "fr", today))
    run(prt, approved, "approve")
    new(fra, _document("extradition", "bra-ca", "BRA", "pt", today))

    base = f"http://{settings.host}:{settings.port}"
    lines = ["  Demonstration authorities (demonstration data; API tokens shown once):"]
    for key, authority in hosted.items():
        token = authorities.issue_token(engine, key, at=now)
        lines.append(f"    {key:8} {authority.participant}  {authority.name}")
        lines.append(f"             curl -H 'Authorization: Bearer {token}' {base}/api/v1/requests")
    lines.append(f"  A case with the whole chain: GET {base}/api/v1/cases/{case} (as fra-ca)")
    return lines
