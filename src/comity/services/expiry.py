"""Preservations expire without a person: a background thread runs the expiry tick.

:class:`BackgroundExpiry` calls :func:`comity.services.cases.expire_due` once at start-up and
then every ``interval`` seconds (a minute by default): every hosted preservation past its last
day is expired, one transaction and one event each, unless it is held for a pending linked
request (UNCC Art 42 [UNVERIFIED, paragraph uncertain]). ``comity request expire-due`` runs the
same tick by hand.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import structlog
from sqlalchemy.engine import Engine

from comity.config import Settings
from comity.services.cases import expire_due
from comity.transport.inprocess import InProcessTransport

__all__ = ["DEFAULT_EXPIRY_INTERVAL", "BackgroundExpiry"]

DEFAULT_EXPIRY_INTERVAL = 60.0
_log = structlog.get_logger("comity.expiry")


class BackgroundExpiry:
    """Runs the expiry tick in a daemon thread until :meth:`stop`.

    ``today`` gives the UTC date of each tick (the real one unless told otherwise).
    """

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        interval: float = DEFAULT_EXPIRY_INTERVAL,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.interval = interval
        self.today = today or (lambda: dt.datetime.now(dt.UTC).date())
        self.ticks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="comity-expiry", daemon=True)

    def start(self) -> None:
        """Start the thread (it ticks at once)."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the running tick, then stop the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def tick(self) -> list[str]:
        """One expiry pass; the lines of :func:`expire_due`."""
        transport = InProcessTransport(self.engine, self.settings)
        lines = expire_due(self.engine, self.settings, transport, self.today())
        for line in lines:
            _log.info("preservation expiry", result=line)
        self.ticks += 1
        return lines

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # the thread must outlive a bad moment of the database
                _log.error("expiry failed", error=f"{type(exc).__name__}: {exc}")
            self._stop.wait(self.interval)
