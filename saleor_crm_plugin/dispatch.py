"""Hand work to Celery without ever making the caller wait on the broker.

Store requests (plugin hooks) and API mutations only *ask* for work: the
work itself is already durable in the database (a pending event, a queued
message), and the periodic sweeper finds it if the ask is lost. So a send
never blocks: messages go through one background thread per process, which
publishes with no retry. A broker that is down or hangs stalls that thread,
not the store; its queue is bounded and drops asks when full.

When Celery runs eagerly (Saleor without ``CELERY_BROKER_URL``), publishing
would run the task inside the caller, which for a hook means inside the
checkout request: the thread runs the task itself instead.

``SALEOR_CRM_DISPATCH = "inline"`` sends in the caller (tests that count on
the task having run when the call returns).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from django.db import close_old_connections

from .conf import crm_setting

logger = logging.getLogger(__name__)

QUEUE_SIZE = 1000


def _send_now(name: str, args: tuple[Any, ...]) -> bool:
    from . import tasks

    options: dict[str, Any] = {"retry": False}
    if queue_name := crm_setting("SALEOR_CRM_CELERY_QUEUE"):
        options["queue"] = queue_name
    try:
        tasks.TASKS[name].apply_async(args, **options)
    except Exception:  # noqa: BLE001 - the work is durable; the sweeper sends it
        logger.warning("CRM task %s%r not sent to Celery.", name, args, exc_info=True)
        return False
    return True


class _Publisher:
    """One daemon thread that publishes (or, eagerly, runs) queued tasks."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, tuple[Any, ...]]] = queue.Queue(QUEUE_SIZE)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # Asks for argument-less tasks already waiting: one is enough.
        self._waiting: set[str] = set()

    def submit(self, name: str, args: tuple[Any, ...]) -> bool:
        with self._lock:
            if not args and name in self._waiting:
                return True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="saleor-crm-dispatch", daemon=True
                )
                self._thread.start()
            try:
                self._queue.put_nowait((name, args))
            except queue.Full:
                logger.warning("CRM dispatch queue full; %s left to the sweeper.", name)
                return False
            if not args:
                self._waiting.add(name)
        return True

    def _run(self) -> None:
        while True:
            name, args = self._queue.get()
            with self._lock:
                self._waiting.discard(name)
            try:
                _send_now(name, args)
            except Exception:  # noqa: BLE001 - eager task errors must not kill the thread
                logger.exception("CRM task %s failed in the dispatch thread.", name)
            finally:
                # An eager task used this thread's own connection.
                close_old_connections()
                self._queue.task_done()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far was sent (tests, shutdown)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)


publisher = _Publisher()


def send_task(name: str, *args: Any) -> bool:
    """Ask Celery to run a CRM task; never raises and never waits on the broker."""
    if crm_setting("SALEOR_CRM_DISPATCH") == "inline":
        return _send_now(name, args)
    return publisher.submit(name, args)


def request_event_processing() -> bool:
    """Ask a worker to process pending events (one ask covers them all)."""
    return send_task("saleor_crm.process_events")
