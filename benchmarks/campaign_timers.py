"""Phase timers inside a ``campaign_send.py`` worker: time spent claiming
(with the offer codes), issuing codes, rendering, in SMTP and confirming,
summed per process (over its SMTP threads: more than the wall time) and written to a JSON file after every task, with the
process's peak RSS.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import threading
import time
from collections import defaultdict

_totals: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)
_installed = False
_lock = threading.Lock()


def _timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            with _lock:  # the SMTP threads time themselves too
                _totals[name] += elapsed
                _counts[name] += 1

    return wrapper


def _wrap() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from django.core.mail.backends.smtp import EmailBackend

    from saleor_crm_plugin.marketing import mime, sending

    sending._claim = _timed("claim (with codes)", sending._claim)
    sending.issue_offer_codes = _timed("issue codes", sending.issue_offer_codes)
    sending.build_message = _timed("render", sending.build_message)
    sending._step = _timed("confirm (db, per window)", sending._step)
    mime.CampaignEmail.message = _timed("mime (bytes)", mime.CampaignEmail.message)
    EmailBackend.send_messages = _timed("smtp", EmailBackend.send_messages)
    EmailBackend.open = _timed("smtp connect", EmailBackend.open)


def install(directory: str) -> None:
    from celery.signals import task_postrun, task_prerun

    def before(**_):
        _wrap()

    def after(**_):
        path = os.path.join(directory, f"worker-{os.getpid()}.json")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with open(path + ".tmp", "w") as out:
            json.dump(
                {
                    "seconds": dict(_totals),
                    "calls": dict(_counts),
                    # Linux reports kilobytes.
                    "peak_rss_mb": usage.ru_maxrss / 1024,
                    "cpu_s": usage.ru_utime + usage.ru_stime,
                },
                out,
            )
        os.replace(path + ".tmp", path)

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
