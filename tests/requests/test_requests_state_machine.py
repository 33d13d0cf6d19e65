"""A state machine over the services and the database (SQLite): random actions by either
side on a preservation and its follow-up request, with time passing.

Invariants after every step: no copy is refused without a consultation and reasons; a
preservation never expires while a linked request is pending; every committed transition
has exactly one journal event; an action that fails leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from requests_helpers import Node, follow_up_document, preservation_document

from comity.cases.transitions import Action
from comity.config import load_settings
from comity.errors import Error
from comity.services import authorities, cases
from comity.services import requests as service
from comity.storage import migrate
from comity.storage.engine import connect, read_transaction
from comity.storage.models import events, request_transitions, requests
from comity.transport.inprocess import InProcessTransport

_DIR = Path(tempfile.mkdtemp(prefix="comity-requests-machine-"))
_NODE: Node | None = None


def _node() -> Node:
    """One SQLite node for the whole run (each example drafts its own requests)."""
    global _NODE
    if _NODE is None:
        os.environ["XDG_DATA_HOME"] = str(_DIR / "xdg")
        url = f"sqlite:///{_DIR / 'machine.db'}"
        engine = connect(url)
        migrate.upgrade(engine)
        s = load_settings(database_url=url)
        hosted = [
            authorities.add_authority(engine, s, authority_id=i, state=c, role="central_authority",
                                      name=i, languages=["en"], contact_email=f"{i}@example.org")
            for i, c in (("fra-ca", "FRA"), ("prt-247", "PRT"), ("bra-ca", "BRA"))
        ]  # fmt: skip
        _NODE = Node(engine, s, InProcessTransport(engine, s), *hosted)
    return _NODE


class RequestsMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.node = _node()
        self.now = dt.datetime.now(dt.UTC)
        view = service.draft(self.node.engine, self.node.fra, preservation_document(), officer="o")
        self.preservation = view.row.reference
        self.follow_up = service.draft(
            self.node.engine, self.node.fra, follow_up_document(self.preservation), officer="o"
        ).row.reference
        self.case = cases.create_case(self.node.engine, self.node.fra, "machine")
        self.linked = False

    @rule(days=st.integers(min_value=1, max_value=40))
    def time_passes(self, days: int) -> None:
        self.now += dt.timedelta(days=days)

    @rule(
        which=st.sampled_from(["preservation", "follow_up"]),
        side=st.sampled_from(["fra", "prt"]),
        data=st.data(),
        reasons=st.sampled_from([None, "", "Reasons given in writing."]),
        until_days=st.sampled_from([None, 30, 61, 120]),
    )
    def act(self, which: str, side: str, data: st.DataObject, reasons: str | None,
            until_days: int | None) -> None:  # fmt: skip
        reference = getattr(self, which)
        authority = self.node.fra if side == "fra" else self.node.prt
        try:
            view = service.get_request(self.node.engine, authority, reference)
            allowed = list(view.to_json()["allowed_actions"])
        except Error:
            allowed = []
        # Mostly what the state allows, sometimes what it must refuse.
        action = data.draw(st.sampled_from([*allowed, *allowed, "refuse", "expire", "send"]))
        until = None if until_days is None else self.now.date() + dt.timedelta(days=until_days)
        linked = self.follow_up if action == Action.HOLD else None
        before = self.node.counts()
        try:
            service.act(
                self.node.engine, self.node.settings, authority, reference, action,
                transport=self.node.transport, officer="o", reasons=reasons, until=until,
                linked_request=linked, at=self.now,
            )  # fmt: skip
        except Error:
            assert self.node.counts() == before

    @rule()
    def link(self) -> None:
        if not self.linked:
            for authority in (self.node.fra,):
                cases.link_requests(self.node.engine, authority, self.case, self.preservation,
                                    self.follow_up)  # fmt: skip
            self.linked = True

    @invariant()
    def refusals_follow_consultation_with_reasons(self) -> None:
        with read_transaction(self.node.engine) as connection:
            refused = connection.execute(
                sa.select(request_transitions.c.request_id, request_transitions.c.reasons).where(
                    request_transitions.c.action == "refuse"
                )
            ).all()
            for request_id, reasons in refused:
                assert reasons
                consulted = connection.execute(
                    sa.select(sa.func.count())
                    .select_from(request_transitions)
                    .where(
                        request_transitions.c.request_id == request_id,
                        request_transitions.c.action == "consult",
                    )
                ).scalar_one()
                assert consulted >= 1

    @invariant()
    def no_expiry_while_linked_request_pending(self) -> None:
        with read_transaction(self.node.engine) as connection:
            states = dict(
                connection.execute(
                    sa.select(
                        requests.c.authority_id + ":" + requests.c.reference, requests.c.state
                    )
                ).all()
            )
        for owner in ("fra-ca", "prt-247"):
            if states.get(f"{owner}:{self.preservation}") == "expired":
                assert states.get(f"{owner}:{self.follow_up}") in (
                    None, "executed", "partially_executed", "refused", "withdrawn", "closed",
                )  # fmt: skip

    @invariant()
    def one_event_per_transition(self) -> None:
        with read_transaction(self.node.engine) as connection:
            subject = sa.literal("request/") + request_transitions.c.request_id
            on = events.c.seq == request_transitions.c.event_seq
            joined = connection.execute(
                sa.select(sa.func.count())
                .select_from(request_transitions.join(events, on))
                .where(events.c.subject == subject)
            ).scalar_one()
            total = connection.execute(
                sa.select(sa.func.count()).select_from(request_transitions)
            ).scalar_one()
        assert joined == total


RequestsMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestRequestsMachine = RequestsMachine.TestCase
