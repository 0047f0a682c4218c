"""Follow a stream (stdin JSONL or a growing file), ingest it in small batches, fire alerts live.

A reader thread turns lines (``heard.connectors.follow``) into raw rows and puts them on a queue;
the main loop takes what is
there, and when ``batch_size`` rows are waiting or ``max_wait`` seconds have passed since the first
of them, runs them through the pipeline into the store (the topics stage assigns each post) and
feeds the new topic assignments to the ``AlertEngine``. Stored history is scanned first, so a
burst that began before the watch started is caught too (alerted once, as always).

Stops at end of input for stdin or with ``once`` for a file, when ``stop`` is set (the CLI sets it
on
SIGTERM and on a first Ctrl-C: the lines already read are stored first, so nothing read from stdin
is dropped), and on KeyboardInterrupt (the batch in hand is committed). Topic labels are then
refreshed, and the checkpoint lets a restarted watch on the same file resume after the last
committed line.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from heard.listen.hotspots.alerts import AlertEngine, new_assignments
from heard.connectors.follow import Line, NewFile
from heard.connectors.jsonl import parse_line

_EOF = object()


@dataclass
class WatchSummary:
    rows: int = 0
    stored: int = 0
    quarantined: int = 0
    batches: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    stopped_by: str = "end of input"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "stored": self.stored,
            "quarantined": self.quarantined,
            "batches": self.batches,
            "alerts": len(self.alerts),
            "stopped_by": self.stopped_by,
        }


def watch(
    lines: Iterator[tuple[int, bytes] | Line | NewFile],
    file: str,
    *,
    ingest_batch: Callable[..., tuple[int, int]],
    on_new_file: Callable[[NewFile], Callable[..., tuple[int, int]]] | None = None,
    engine: AlertEngine,
    on_alert: Callable[[dict[str, Any]], None],
    refresh: Callable[[bool], None],
    batch_size: int = 64,
    max_wait: float = 1.0,
    refresh_every: float = 120.0,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
    patient: Callable[[Callable[[], Any]], Any] = lambda read: read(),
) -> WatchSummary:
    """The loop (see the module docstring). ``ingest_batch(rows, more_waiting)`` stores rows and
    returns how many
    posts were new and how many rows were quarantined (``heard.pipeline.runner.batch_ingester``).
    ``refresh(final)`` runs the end-of-run work (topic labels, search index): every
    ``refresh_every`` seconds with ``final=False`` when new posts were stored since the last
    refresh (on a 1M-post store the search index alone takes about 8 s), and once more with
    ``final=True`` at the end.

    ``lines`` from ``follow_file`` carry the fingerprint of the file read up to them, passed on as
    ``ingest_batch(rows, more_waiting, read=MARK)`` for the batch's checkpoint; at a ``NewFile``
    (the followed file was rotated) the rows read before it are stored first, then
    ``on_new_file`` gives the ingester for the new file (its own checkpoint). ``patient(read)``
    runs the read of a committed batch's topic moves for the alerts (``heard watch`` passes one
    that waits for a PostgreSQL database that went away just after the commit)."""
    summary = WatchSummary()
    summary.alerts.extend(engine.scan())
    for alert in summary.alerts:
        on_alert(alert)
    _, mark = new_assignments(engine.store, None)
    inbox: queue.Queue = queue.Queue(maxsize=10 * batch_size)
    stop = stop or threading.Event()

    failed: list[Exception] = []  # what stopped the reader, if anything did

    def reader() -> None:
        try:
            for got in lines:
                if stop.is_set():
                    break
                if isinstance(got, NewFile):
                    inbox.put(got)
                    continue
                number, line, mark = got if isinstance(got, Line) else (got[0], got[1], None)
                item = parse_line(file, number, line)
                if item is not None:
                    inbox.put((item, mark))
        except Exception as exc:  # noqa: BLE001 - raised again by the main loop, after a flush
            failed.append(exc)
        finally:
            inbox.put(_EOF)

    reading = threading.Thread(target=reader, name="heard-watch-reader", daemon=True)
    reading.start()
    pending: list = []
    read: list[str | None] = [None]  # the fingerprint after the last pending row
    first_at = last_refresh = clock()
    stored_at_refresh = 0
    done = False

    def flush() -> None:
        nonlocal mark
        if not pending:
            return
        summary.rows += len(pending)
        more_waiting = len(pending) >= batch_size and not done and not inbox.empty()
        at = {"read": read[0]} if read[0] is not None else {}
        stored, quarantined = ingest_batch(list(pending), more_waiting, **at)
        summary.stored += stored
        summary.quarantined += quarantined
        summary.batches += 1
        pending.clear()
        since = mark
        events, mark = patient(lambda: new_assignments(engine.store, since))
        for alert in engine.feed(events):
            summary.alerts.append(alert)
            on_alert(alert)

    def drain() -> None:
        while True:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, NewFile):
                new_file(item)
            elif item is not _EOF:
                pending.append(item[0])
                read[0] = item[1]

    def new_file(event: NewFile) -> None:
        nonlocal ingest_batch
        flush()  # the old file's rows go under its own checkpoint
        read[0] = None
        if on_new_file is not None:
            ingest_batch = on_new_file(event)

    try:
        while not done:
            if (
                stop.is_set()
            ):  # asked to stop (SIGTERM, a first Ctrl-C): store what was read, then end
                summary.stopped_by = "stop requested"
                drain()
                reading.join(timeout=1.0)  # a reader blocked on a full queue puts its last line
                drain()
                flush()
                break
            try:
                item = inbox.get(timeout=max_wait)
            except queue.Empty:
                item = None
            if item is _EOF:
                done = True
                if stop.is_set():  # the reader ended because a stop was asked, not at the end
                    summary.stopped_by = "stop requested"
            elif isinstance(item, NewFile):
                new_file(item)
            elif item is not None:
                if not pending:
                    first_at = clock()
                pending.append(item[0])
                read[0] = item[1]
            if done or len(pending) >= batch_size or (pending and clock() - first_at >= max_wait):
                flush()
            if clock() - last_refresh >= refresh_every:
                if summary.stored > stored_at_refresh:  # a quiet stream: nothing to refresh
                    refresh(False)
                    stored_at_refresh = summary.stored
                last_refresh = clock()
    except KeyboardInterrupt:
        summary.stopped_by = "interrupt"
        stop.set()
        flush()
    refresh(True)
    if failed:  # not the end of the input: what was read is stored, the error is not hidden
        raise failed[0]
    return summary
