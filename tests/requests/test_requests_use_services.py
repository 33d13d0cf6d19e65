"""Use limitations, consents, onward transfers and delayed notifications on both copies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from requests_helpers import TODAY, Node, preservation_document

from comity.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    SignatureInvalid,
    ValidationFailed,
)
from comity.services import requests as service
from comity.services import use
from comity.services.authorities import signing_key
from comity.services.cases import overdue_clocks
from comity.services.messaging import USE_MESSAGE_TYPE, list_messages_of, receive_message
from comity.signed import sign_json
from comity.storage import request_store as store
from comity.storage.engine import read_transaction


def _sent(node: Node) -> str:
    ref = service.draft(node.engine, node.fra, preservation_document(), officer="t").row.reference
    for action in ("approve", "send"):
        service.act(node.engine, node.settings, node.fra, ref, action, transport=node.transport,
                    officer="t")  # fmt: skip
    return ref


def _kw(node: Node) -> dict[str, Any]:
    return {"transport": node.transport, "officer": "Ana"}


def test_consent_to_a_new_use_travels_both_ways_and_decides_the_verdict(node: Node) -> None:
    ref = _sent(node)
    stated = use.get_use(node.engine, node.fra, ref).stated_purposes
    assert stated  # the request's purpose
    assert use.use_verdict(node.engine, node.fra, ref, stated[0], exculpatory=False).allowed
    condition = "no use before a court in another State"
    limited = use.limit_use(
        node.engine, node.settings, node.prt, ref, conditions=[condition], **_kw(node)
    )
    assert limited.delivery is not None
    assert limited.delivery.status == "accepted"
    fra_state = use.get_use(node.engine, node.fra, ref)
    assert fra_state.limitation.conditions == (condition,)
    assert not use.use_verdict(node.engine, node.fra, ref, "tax audit", exculpatory=False).allowed

    events = node.count("events")
    asked = use.ask_consent(node.engine, node.settings, node.fra, ref, "tax audit",
                            reasons="same facts", **_kw(node))  # fmt: skip
    assert node.count("events") == events + 2  # one on each copy
    consent = str(asked.item)
    pending = use.get_use(node.engine, node.prt, ref).consents[consent]
    assert pending.status == "pending"
    with pytest.raises(ValidationFailed, match="needs reasons"):
        use.decide_consent(node.engine, node.settings, node.prt, ref, consent, granted=False,
                           **_kw(node))  # fmt: skip
    with pytest.raises(PermissionDenied, match="requested side"):
        use.decide_consent(node.engine, node.settings, node.fra, ref, consent, granted=True,
                           **_kw(node))  # fmt: skip
    assert node.count("events") == events + 2  # refusals left nothing
    use.decide_consent(node.engine, node.settings, node.prt, ref, consent, granted=True,
                       conditions=["only for 2026"], **_kw(node))  # fmt: skip
    verdict = use.use_verdict(node.engine, node.fra, ref, "Tax audit", exculpatory=False)
    assert verdict.allowed
    assert "consented" in verdict.reason
    with pytest.raises(InvalidTransition, match="already granted"):
        use.decide_consent(node.engine, node.settings, node.prt, ref, consent, granted=False,
                           reasons="changed our mind", **_kw(node))  # fmt: skip


def test_onward_transfer_needs_a_prior_authorisation(node: Node) -> None:
    ref = _sent(node)
    assert not use.transfer_verdict(node.engine, node.fra, ref, "BRA", TODAY).allowed
    with pytest.raises(PermissionDenied):
        use.authorise_onward_transfer(node.engine, node.settings, node.fra, ref, "BRA",
                                      recipient_kind="state", **_kw(node))  # fmt: skip
    with pytest.raises(ValidationFailed, match="recipient_kind"):
        use.authorise_onward_transfer(node.engine, node.settings, node.prt, ref, "BRA",
                                      recipient_kind="company", **_kw(node))  # fmt: skip
    use.authorise_onward_transfer(
        node.engine, node.settings, node.prt, ref, "BRA", recipient_kind="state",
        in_writing=False, **_kw(node),
    )  # fmt: skip
    assert use.transfer_verdict(node.engine, node.fra, ref, "BRA", TODAY).allowed
    yesterday = TODAY - dt.timedelta(days=1)
    assert not use.transfer_verdict(node.engine, node.fra, ref, "BRA", yesterday).allowed
    assert not use.transfer_verdict(node.engine, node.fra, ref, "BRA", TODAY,
                                    writing_required=True).allowed  # fmt: skip


def _notices(node: Node, authority: str, day: dt.date) -> list[str]:
    acting = {"fra-ca": node.fra, "prt-247": node.prt}[authority]
    return [c.request for c in overdue_clocks(node.engine, acting, day)
            if c.kind.value == "delayed_notification"]  # fmt: skip


def test_a_delayed_notification_is_due_in_the_notifying_authoritys_overdue_list(
    node: Node,
) -> None:
    ref = _sent(node)
    ends = TODAY + dt.timedelta(days=30)
    delayed = use.delay_notification(node.engine, node.settings, node.prt, ref,
                                     person="the subscriber", reason="investigation ongoing",
                                     reason_ends=ends, days=5, **_kw(node))  # fmt: skip
    notice = str(delayed.item)
    later = ends + dt.timedelta(days=6)
    assert _notices(node, "prt-247", later) == [ref]
    assert _notices(node, "prt-247", ends + dt.timedelta(days=5)) == []
    assert _notices(node, "fra-ca", later) == []  # FRA does not notify
    # The other side sees the clock on its copy, owned by the notifying authority.
    fra_clocks = service.get_request(node.engine, node.fra, ref).clocks
    assert [(c.kind.value, c.authority) for c in fra_clocks if c.kind.value.startswith("del")] == [
        ("delayed_notification", "prt-247")
    ]
    with pytest.raises(PermissionDenied, match="only prt-247"):
        use.record_person_notified(node.engine, node.settings, node.fra, ref, notice,
                                   **_kw(node))  # fmt: skip
    with pytest.raises(ValidationFailed):
        use.renew_notification_delay(node.engine, node.settings, node.prt, ref, notice,
                                     reason="still", reason_ends=ends, **_kw(node))  # fmt: skip
    renewed_end = ends + dt.timedelta(days=30)
    use.renew_notification_delay(node.engine, node.settings, node.prt, ref, notice,
                                 reason="accomplices still at large", reason_ends=renewed_end,
                                 **_kw(node))  # fmt: skip
    assert _notices(node, "prt-247", later) == []
    use.record_person_notified(node.engine, node.settings, node.prt, ref, notice, **_kw(node))
    assert _notices(node, "prt-247", renewed_end + dt.timedelta(days=60)) == []
    state = use.get_use(node.engine, node.fra, ref).notifications[notice]
    assert state.notified_on == TODAY
    assert state.renewals == (ends,)
    history = [r.record for r in use.get_use(node.engine, node.fra, ref).records]
    assert history == ["notification_delayed", "notification_renewed", "person_notified"]


def test_only_the_two_authorities_each_on_its_own_copy(node: Node) -> None:
    ref = _sent(node)
    with pytest.raises(NotFound):
        use.get_use(node.engine, node.bra, ref)
    with pytest.raises(NotFound):
        use.ask_consent(node.engine, node.settings, node.bra, ref, "x", **_kw(node))
    draft = service.draft(node.engine, node.fra, preservation_document(), officer="t").row
    with pytest.raises(InvalidTransition, match="has not been sent"):
        use.ask_consent(node.engine, node.settings, node.fra, draft.reference, "x", **_kw(node))


def test_a_use_record_of_the_wrong_side_is_rejected_on_arrival(node: Node) -> None:
    """A requesting authority that signs a consent decision itself is refused by the
    receiver: the record is checked again there, and only the rejection is stored."""
    ref = _sent(node)
    asked = use.ask_consent(node.engine, node.settings, node.fra, ref, "tax audit", **_kw(node))
    with read_transaction(node.engine) as connection:
        row = store.find_request(connection, "fra-ca", ref)
        assert row is not None
        key = signing_key(connection, node.settings, "fra-ca")
    payload = {
        "type": USE_MESSAGE_TYPE, "message_id": str(uuid.uuid4()),
        "request_message_id": row.message_id, "sender": "fra-ca", "recipient": "prt-247",
        "reference": ref, "kind": row.kind, "requesting_authority": "fra-ca",
        "requested_authority": "prt-247", "requesting_state": "FRA", "requested_state": "PRT",
        "record": {"record": "consent_decided", "item": asked.item, "side": "requested",
                   "authority": "fra-ca", "officer": "x", "at": dt.datetime.now(dt.UTC)
                   .isoformat(), "data": {"granted": True}},
    }  # fmt: skip
    before = node.count("use_records")
    with pytest.raises(SignatureInvalid, match="other side"):
        receive_message(node.engine, node.settings, sign_json(payload, key, signer="fra-ca"))
    assert node.count("use_records") == before
    assert use.get_use(node.engine, node.prt, ref).consents[str(asked.item)].status == "pending"
    rejected = list_messages_of(node.engine, "prt-247", status="rejected")
    assert "other side" in str(rejected[0]["reason"])
