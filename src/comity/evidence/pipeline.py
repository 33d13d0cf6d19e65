"""A two-thread, constant-memory pipeline: one thread produces buffers, the other drains them.

Sealing and opening both split into two halves of about equal cost, one per core:

- sealing: *read, hash the items, encrypt* | *hash the ciphertext, write the package*;
- opening: *read, hash the ciphertext, decrypt* | *parse the archive, hash and write the items*.

Each half keeps its own data on its own core; the only hand-off is one buffer of output per
step, 1 MiB by default (``performance.md`` §5.3). SHA-256 (hashlib), ChaCha20-Poly1305 and file
I/O release the GIL, so both halves run at once: sealing 1 GiB here keeps the producer busy for
0.95 CPU-seconds and the consumer for 0.88, in 1.0 s. (An earlier design ran four threads and
handed each megabyte on three times; it was no faster.)

Memory is flat whatever the size of the evidence: the buffers are page-aligned anonymous
``mmap`` regions from one fixed pool, recycled, and nothing is kept per chunk. The first error
in either half stops both, and :meth:`Pipeline.run` re-raises it.
"""

from __future__ import annotations

import mmap
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Pipeline"]

_T = TypeVar("_T")

_POLL_SECONDS = 0.05


class _Aborted(Exception):
    """The other half failed; this one stops quietly."""


class _Gate(Generic[_T]):
    """A queue whose waits give up as soon as the pipeline is aborted."""

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
    """A pool of ``count`` buffers of ``size`` bytes between a producer and a consumer.

    Resident memory is ``count * size`` for the pool, plus what each half keeps for itself.
    """

    def __init__(self, *, size: int, count: int = 8) -> None:
        self._abort = threading.Event()
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._free: _Gate[mmap.mmap] = _Gate(self._abort)
        self._full: _Gate[tuple[mmap.mmap, int, bool]] = _Gate(self._abort)
        for _ in range(count):
            self._free.put(mmap.mmap(-1, size))
        self.size = size

    # -- for the producer --------------------------------------------------------------------
    def acquire(self) -> mmap.mmap:
        """A free buffer (waits while all of them are with the consumer)."""
        return self._free.get()

    def emit(self, buf: mmap.mmap, length: int, *, final: bool) -> None:
        """Hand the first ``length`` bytes of ``buf`` to the consumer; ``final`` ends the run."""
        self._full.put((buf, length, final))

    # -- running ----------------------------------------------------------------------------
    def _fail(self, error: BaseException) -> None:
        with self._lock:
            if not isinstance(error, _Aborted):
                self._errors.append(error)
            self._abort.set()

    def run(
        self,
        produce: Callable[[Pipeline], None],
        consume: Callable[[memoryview, bool], None],
    ) -> None:
        """Run ``produce`` in a thread and ``consume`` here on each buffer; re-raise any error.

        ``produce`` must :meth:`emit` buffers ending with exactly one ``final`` buffer;
        ``consume(data, final)`` sees them in order, and each buffer returns to the pool after.
        """

        def producer() -> None:
            try:
                produce(self)
            except BaseException as error:  # every error must stop the consumer too
                self._fail(error)

        thread = threading.Thread(target=producer, name="evidence-producer")
        thread.start()
        try:
            while True:
                buf, length, final = self._full.get()
                with memoryview(buf) as view:
                    consume(view[:length], final)
                self._free.put(buf)
                if final:
                    break
        except BaseException as error:  # stop the producer, then report
            self._fail(error)
        thread.join()
        if self._errors:
            raise self._errors[0]
