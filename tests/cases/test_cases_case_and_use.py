from __future__ import annotations

import datetime as dt
import doctest
import importlib

import pytest

from comity.cases.case import (
    Case,
    CaseRequest,
    EvidenceRef,
    LinkKind,
    add_evidence,
    add_request,
    case_view,
    link,
)
from comity.cases.deadlines import ClockKind, ServiceTarget
from comity.cases.lifecycle import Actor, RequestHistory, apply
from comity.cases.transitions import Action, RequestState, Side
from comity.cases.use import (
    ConsentRequest,
    ConsentStatus,
    DelayedNotification,
    OnwardTransferAuthorisation,
    UseLimitation,
    decide_consent,
    may_transfer_onward,
    may_use,
)
from comity.errors import InvalidTransition, NotFound, ValidationFailed

FR = Actor(Side.REQUESTING, "FRA-CA", "o1")
PT = Actor(Side.REQUESTED, "PRT-CA", "o2")
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def go(history: RequestHistory, *steps: tuple[Action, Actor], **kw: object) -> RequestHistory:
    for action, actor in steps:
        moment = T0 if not history.events else history.events[-1].at + dt.timedelta(days=1)
        reasons = "stated reasons"
        history = apply(history, action, actor, moment, reasons, **kw).history  # type: ignore[arg-type]
    return history


SENT = ((Action.APPROVE, FR), (Action.SEND, FR), (Action.ACKNOWLEDGE, PT))


def build() -> Case:
    preservation = go(RequestHistory("preservation"), *SENT)
    preservation = go(preservation, (Action.PRESERVE, PT), until=dt.date(2026, 5, 15))
    preservation = go(preservation, (Action.HOLD, PT), linked_request="FR-2026-000002")
    follow_up = go(RequestHistory("stored_data"), *SENT)
    extradition = RequestHistory("extradition")
    case = Case("CASE-1", "Hospital ransomware")
    for ref, history in (("FR-2026-000001", preservation), ("FR-2026-000002", follow_up),
                         ("FR-2026-000003", extradition)):  # fmt: skip
        case = add_request(case, CaseRequest(ref, history, "FRA-CA", "PRT-CA"))
    case = link(case, "FR-2026-000001", "FR-2026-000002", LinkKind.FOLLOW_UP)
    return link(case, "FR-2026-000002", "FR-2026-000003", LinkKind.EXTRADITION)


class TestCase:
    def test_the_view_shows_the_chain_in_order_with_clocks(self) -> None:
        case = add_evidence(build(), EvidenceRef("pkg-1", "FR-2026-000002", dt.date(2026, 4, 1)))
        targets = [ServiceTarget("PRT-CA", RequestState.ACKNOWLEDGED, 5, "start review in 5 days")]
        view = case_view(case, dt.date(2026, 3, 20), targets)
        assert [(e.reference, e.depth) for e in view.chain] == [
            ("FR-2026-000001", 0), ("FR-2026-000002", 1), ("FR-2026-000003", 2),
        ]  # fmt: skip
        assert view.chain[1].linked_from == ("FR-2026-000001",)
        assert view.chain[1].evidence == ("pkg-1",)
        assert [c.kind for c in view.clocks] == [
            ClockKind.SERVICE_TARGET,
            ClockKind.PRESERVATION_EXPIRY,
        ]
        assert view.clocks[-1].suspended
        assert [c.request for c in view.overdue] == ["FR-2026-000002"]
        assert view.warnings == ()

    def test_a_hold_outliving_its_request_is_flagged(self) -> None:
        case = build()
        follow_up = go(case.request("FR-2026-000002").history, (Action.WITHDRAW, FR))
        case = add_request(case, CaseRequest("FR-2026-000002", follow_up, "FRA-CA", "PRT-CA"))
        assert [r.reference for r in case.requests][1] == "FR-2026-000002"
        (warning,) = case_view(case, dt.date(2026, 3, 20)).warnings
        assert "still held although FR-2026-000002 is withdrawn" in warning

    def test_a_hold_for_an_unknown_request_is_flagged(self) -> None:
        case = build()
        lone = Case("CASE-2", "x", requests=(case.request("FR-2026-000001"),))
        (warning,) = case_view(lone, dt.date(2026, 3, 20)).warnings
        assert "not in this case" in warning

    @pytest.mark.parametrize(
        ("source", "target", "kind", "message"),
        [
            ("FR-2026-000002", "FR-2026-000001", LinkKind.FOLLOW_UP, "follow-up link"),
            ("FR-2026-000001", "FR-2026-000002", LinkKind.EXTRADITION, "extradition request"),
            ("FR-2026-000001", "FR-2026-000001", LinkKind.RELATED, "itself"),
            ("FR-2026-000001", "FR-2026-000002", LinkKind.RELATED, "already linked"),
            ("FR-2026-000003", "FR-2026-000001", LinkKind.RELATED, "cycle"),
        ],
    )
    def test_bad_links_are_refused(
        self, source: str, target: str, kind: LinkKind, message: str
    ) -> None:
        with pytest.raises(ValidationFailed, match=message):
            link(build(), source, target, kind)

    def test_unknown_requests_and_duplicate_evidence(self) -> None:
        with pytest.raises(NotFound, match="FR-2026-000009 is not in case CASE-1"):
            link(build(), "FR-2026-000009", "FR-2026-000001", LinkKind.RELATED)
        evidence = EvidenceRef("pkg-1", "FR-2026-000002", dt.date(2026, 4, 1))
        with pytest.raises(ValidationFailed, match="already in the case"):
            add_evidence(add_evidence(build(), evidence), evidence)


class TestUse:
    LIMIT = UseLimitation("FR-2026-000001", ("Investigation PNC-2026-0417",))

    def test_stated_purpose_is_allowed(self) -> None:
        verdict = may_use(self.LIMIT, " investigation pnc-2026-0417 ")
        assert verdict.allowed
        assert str(verdict.cites[0]) == "UNCC Art 40(19)"

    def test_new_use_needs_granted_consent(self) -> None:
        asked = ConsentRequest("FR-2026-000001", "Tax case 12", dt.date(2026, 4, 1))
        assert may_use(self.LIMIT, "Tax case 12").reason.endswith("ask for consent")
        assert (
            may_use(self.LIMIT, "Tax case 12", [asked]).reason
            == "consent for this purpose is pending"
        )
        refused = decide_consent(asked, False, dt.date(2026, 4, 2), "not covered")
        assert not may_use(self.LIMIT, "Tax case 12", [refused]).allowed
        granted = decide_consent(asked, True, dt.date(2026, 4, 2), conditions=["no publication"])
        assert granted.status is ConsentStatus.GRANTED
        assert granted.conditions == ("no publication",)
        assert may_use(self.LIMIT, "Tax case 12", [granted]).allowed

    def test_consent_decisions(self) -> None:
        asked = ConsentRequest("R", "p", dt.date(2026, 4, 1))
        with pytest.raises(ValidationFailed, match="needs reasons"):
            decide_consent(asked, False, dt.date(2026, 4, 2))
        with pytest.raises(ValidationFailed, match="before it was asked"):
            decide_consent(asked, True, dt.date(2026, 3, 2))
        with pytest.raises(InvalidTransition, match="already granted"):
            decide_consent(
                decide_consent(asked, True, dt.date(2026, 4, 2)), True, dt.date(2026, 4, 3)
            )

    def test_exculpatory_use_needs_notice(self) -> None:
        verdict = may_use(self.LIMIT, "defence of a co-accused", exculpatory=True)
        assert verdict.allowed
        assert verdict.notice_required

    def test_onward_transfer_needs_prior_authorisation(self) -> None:
        auth = OnwardTransferAuthorisation(
            "R",
            "Europol",
            "international_organisation",
            "PRT",
            dt.date(2026, 5, 1),
            in_writing=False,
        )
        assert not may_transfer_onward("R", "Europol", dt.date(2026, 4, 30), [auth]).allowed
        assert may_transfer_onward("R", "europol", dt.date(2026, 5, 1), [auth]).allowed
        strict = may_transfer_onward(
            "R", "Europol", dt.date(2026, 5, 2), [auth], writing_required=True
        )
        assert not strict.allowed
        assert "written" in strict.reason
        assert str(strict.cites[0]) == "UNCC Art 36(3)"
        with pytest.raises(ValidationFailed, match="recipient_kind"):
            OnwardTransferAuthorisation("R", "X", "company", "PRT", dt.date(2026, 5, 1), True)

    def test_delayed_notification(self) -> None:
        notice = DelayedNotification(
            "R", "person-1", "ongoing investigation", dt.date(2026, 6, 30), "FRA-CA"
        )
        assert notice.status(dt.date(2026, 6, 30)) == "delayed"
        assert notice.status(dt.date(2026, 7, 1)) == "due"
        clock = notice.clock()
        assert clock is not None
        assert clock.due == dt.date(2026, 7, 7)
        renewed = notice.renew(dt.date(2026, 9, 30), "suspect still at large")
        assert renewed.renewals == (dt.date(2026, 6, 30),)
        with pytest.raises(ValidationFailed, match="renewal"):
            renewed.renew(dt.date(2026, 9, 1), "x")
        done = renewed.notify(dt.date(2026, 10, 2))
        assert done.status(dt.date(2027, 1, 1)) == "notified"
        assert done.clock() is None
        with pytest.raises(InvalidTransition):
            done.notify(dt.date(2026, 10, 3))
        with pytest.raises(InvalidTransition):
            done.renew(dt.date(2027, 1, 1), "x")

    def test_notification_clocks_appear_in_the_case_view(self) -> None:
        notice = DelayedNotification("FR-2026-000001", "p", "r", dt.date(2026, 3, 5), "FRA-CA")
        case = Case("C", "t", notifications=(notice,))
        view = case_view(case, dt.date(2026, 3, 20))
        assert [c.kind for c in view.overdue] == [ClockKind.DELAYED_NOTIFICATION]


@pytest.mark.parametrize(
    "module",
    ["_cite", "case", "completeness", "dates", "deadlines", "document", "identifiers",
     "lifecycle", "transitions", "use"],
)  # fmt: skip
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"comity.cases.{module}"))
    assert result.failed == 0
