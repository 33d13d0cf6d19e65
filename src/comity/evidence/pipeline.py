"""A three-stage, constant-memory pipeline that keeps both cores busy.

Sealing and opening both have the shape *produce → transform → consume*: read and hash, then
encrypt or decrypt, then hash or parse, then write. Each stage runs in its own thread; SHA-256
(hashlib), ChaCha20-Poly1305 and file I/O release the GIL, so the stages overlap on two cores
and hashing never waits for the disk.

Memory is flat whatever the size of the evidence: buffers are page-aligned anonymous
``mmap`` regions taken from two fixed pools and recycled; stages hand over whole buffers
(1 MiB by default, ``performance.md`` §5.3) through bounded queues, and nothing is ever kept
per chunk. The first error in any stage stops all three, and :meth:`Pipeline.run` re-raises it.
"""

from __future__ import annotations

import mmap
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Filled", "Pipeline"]

_T = TypeVar("_T")

_POLL_SECONDS = 0.05


class _Aborted(Exception):
    """Another stage failed; this one stops quietly."""


@dataclass(frozen=True)
class Filled:
    """A buffer handed to the next stage: its first ``length`` bytes, and whether it is last."""

    buf: mmap.mmap
    length: int
    final: bool


class _Gate(Generic[_T]):
    """A bounded queue whose waits give up as soon as the pipeline is aborted."""

    def __init__(self, abort: threading.Event) -> None:
        self._queue: queue.Queue[_T] = queue.Queue()
        self._abort = abort

    def put(self, item: _T) -> None:
        self._queue.put(item)

    def get(self) -> _T:
        while True:
            if self._abort.is_set():
                raise _Aborted
            try:
                return self._queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue


class Pipeline:
    """Two buffer pools and a chain of stages; see the module docstring.

    ``in_count`` buffers of ``in_size`` bytes flow from the source to the transform, and
    ``out_count`` buffers of ``out_size`` bytes from the transform to the sink. The pools bound
    the queues, so resident memory is ``in_count * in_size + out_count * out_size`` at most.
    """

    def __init__(
        self, *, in_size: int, out_size: int, in_count: int = 4, out_count: int = 4
    ) -> None:
        self._abort = threading.Event()
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._in_free: _Gate[mmap.mmap] = _Gate(self._abort)
        self._out_free: _Gate[mmap.mmap] = _Gate(self._abort)
        self._in_full: _Gate[Filled] = _Gate(self._abort)
        self._out_full: _Gate[Filled] = _Gate(self._abort)
        for _ in range(in_count):
            self._in_free.put(mmap.mmap(-1, in_size))
        for _ in range(out_count):
            self._out_free.put(mmap.mmap(-1, out_size))
        self.in_size = in_size

    # -- API for the source stage -----------------------------------------------------------
    def acquire(self) -> mmap.mmap:
        """A free input buffer (blocks while all are in use downstream)."""
        return self._in_free.get()

    def emit(self, buf: mmap.mmap, length: int, *, final: bool) -> None:
        """Hand the first ``length`` bytes of ``buf`` to the transform stage."""
        self._in_full.put(Filled(buf, length, final))

    # -- running ----------------------------------------------------------------------------
    def _fail(self, error: BaseException) -> None:
        with self._lock:
            if not isinstance(error, _Aborted):
                self._errors.append(error)
            self._abort.set()

    def _guard(self, work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # every error must stop the other stages
                self._fail(error)

        return run

    def run(
        self,
        source: Callable[[Pipeline], None],
        transform: Callable[[memoryview, memoryview, bool], int],
        *sinks: Callable[[memoryview, bool], None],
    ) -> None:
        """Run ``source`` and each sink in a thread and ``transform`` here; re-raise any error.

        ``source`` must :meth:`emit` buffers ending with exactly one ``final`` buffer.
        ``transform(input, output, final)`` returns how many output bytes it wrote. Each output
        buffer then visits every sink in turn, each sink in its own thread (so hashing and
        writing overlap), and returns to its pool after the last one.
        """
        if not sinks:
            raise ValueError("a pipeline needs at least one sink")
        gates = [self._out_full, *(_Gate[Filled](self._abort) for _ in sinks[1:])]

        def transform_loop() -> None:
            while True:
                item = self._in_full.get()
                out = self._out_free.get()
                with memoryview(item.buf) as src, memoryview(out) as dst:
                    n = transform(src[: item.length], dst, item.final)
                self._in_free.put(item.buf)
                self._out_full.put(Filled(out, n, item.final))
                if item.final:
                    return

        def sink_loop(index: int) -> Callable[[], None]:
            sink = sinks[index]
            inbox = gates[index]
            last = index == len(sinks) - 1

            def loop() -> None:
                while True:
                    item = inbox.get()
                    with memoryview(item.buf) as view:
                        sink(view[: item.length], item.final)
                    if last:
                        self._out_free.put(item.buf)
                    else:
                        gates[index + 1].put(item)
                    if item.final:
                        return

            return loop

        threads = [
            threading.Thread(target=self._guard(lambda: source(self)), name="evidence-source"),
            *(
                threading.Thread(target=self._guard(sink_loop(i)), name=f"evidence-sink-{i}")
                for i in range(len(sinks))
            ),
        ]
        for thread in threads:
            thread.start()
        self._guard(transform_loop)()
        for thread in threads:
            thread.join()
        if self._errors:
            raise self._errors[0]
