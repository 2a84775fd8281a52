"""checkoutComplete with and without the CRM in a real Saleor: the plugin's
cost on the store's hot path (issue 7: at most 2%).

Not part of the tier (its name does not match ``test_*.py``): run it through
``benchmarks/checkout_complete.py``, which prints what this measures. Each
round completes two alike checkouts, one with the plugin active and one
without, in an order drawn at random, committed as in production (the CRM's
hooks run when Saleor's transaction commits, inside the request): the hook
itself only records the event and asks its background thread.

Saleor's test settings run Celery eagerly, so by default that thread
processes each event in this process, beside the requests being timed. With
``CRM_BENCH_BROKER`` (a broker URL) Celery stops being eager in this process
and a real Celery worker, started from this Python's environment with
Saleor's production settings on this test's database, processes the events
in another process, as in a store: the thread only publishes the ask. Before
the figures, the test waits until the worker has processed every event.
"""

import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from test_saleor_plugin import clone_checkout, pay_checkout, post_checkout_complete

ROUNDS = int(os.environ.get("CRM_BENCH_ROUNDS", "60"))
WARMUP = int(os.environ.get("CRM_BENCH_WARMUP", "5"))
BROKER = os.environ.get("CRM_BENCH_BROKER", "")
# The CRM's tasks go to a queue of their own, the one the worker consumes.
QUEUE = "saleor_crm_bench"


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _database_url():
    """This test's database (pytest-django's ``test_<name>``), as a URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _throwaway_rsa_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A Celery worker in another process, consuming the CRM's queue from
    ``CRM_BENCH_BROKER`` (None without a broker: Celery stays eager). It
    needs the test's data committed (``transaction=True``) and is stopped
    before the test database is flushed, failed test or not.
    """
    if not BROKER:
        yield None
        return
    from saleor.celeryconf import app

    # Saleor's Celery app keeps the conf it read from the settings once:
    # both change, or the dispatch thread would still run tasks eagerly.
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SALEOR_CRM_CELERY_QUEUE = QUEUE
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    hostname = f"crm-bench-{os.getpid()}@{socket.gethostname()}"
    url = _database_url()
    # Saleor's production settings, as a store's worker runs them: DEBUG
    # off, which needs a signing key (the worker signs nothing) and client
    # hosts (it serves none).
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.setdefault("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
    env.update(
        DATABASE_URL=url,
        DATABASE_URL_REPLICA=url,
        CELERY_BROKER_URL=BROKER,
        DEBUG="False",
        RSA_PRIVATE_KEY=_throwaway_rsa_key(),
    )
    log = tmp_path / "celery-worker.log"
    command = [
        str(Path(sys.executable).with_name("celery")),
        "--app",
        "saleor.celeryconf:app",
        "worker",
        "--pool",
        "solo",
        "--queues",
        QUEUE,
        "--hostname",
        hostname,
        # Asks left over by an earlier, interrupted run.
        "--purge",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while not app.control.ping([hostname], timeout=1.0):
            assert worker.poll() is None, log.read_text()[-5000:]
            assert time.monotonic() < deadline, log.read_text()[-5000:]
        yield app, hostname, worker, log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_checkout_complete_with_and_without_the_crm(
    crm_plugin,
    celery_worker,
    settings,
    user_api_client,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
):
    from saleor.warehouse.models import Stock

    from saleor_crm_plugin.dispatch import publisher
    from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus

    # As in production: the CRM asks from its background thread, never in
    # the request (eager Celery: the thread runs the task itself; with a
    # broker it publishes the ask for the worker).
    settings.SALEOR_CRM_DISPATCH = "background"
    Stock.objects.update(quantity=10_000_000)
    with_crm = list(settings.PLUGINS)
    without_crm = [p for p in with_crm if "saleor_crm_plugin" not in p]
    arms = {"with the CRM": with_crm, "without": without_crm}

    def complete(plugins, count_queries=False):
        settings.PLUGINS = plugins
        checkout = clone_checkout(checkout_with_item)
        payment = type(payment_dummy).objects.get(pk=payment_dummy.pk)
        payment.pk = None
        payment.save()
        pay_checkout(checkout, payment, address, set_delivery)
        if count_queries:
            with CaptureQueriesContext(connection) as queries:
                post_checkout_complete(user_api_client, checkout)
            return len(queries)
        started = time.perf_counter()
        post_checkout_complete(user_api_client, checkout)
        return time.perf_counter() - started

    for _ in range(WARMUP):
        for plugins in arms.values():
            complete(plugins)
    queries = {name: complete(plugins, count_queries=True) for name, plugins in arms.items()}
    times = {name: [] for name in arms}
    rng = random.Random(7)
    for _ in range(ROUNDS):
        order = list(arms)
        rng.shuffle(order)
        for name in order:
            times[name].append(complete(arms[name]))

    # The thread's last tasks finish (or, with a broker, are published)
    # before the test database goes away.
    assert publisher.drain(timeout=60)
    recorded = InboundEvent.objects.count()
    if celery_worker:
        app, hostname, worker, log = celery_worker
        deadline = time.monotonic() + 120
        while InboundEvent.objects.filter(status=InboundEventStatus.PENDING).exists():
            assert worker.poll() is None, log.read_text()[-5000:]
            assert time.monotonic() < deadline, "the worker left events pending"
            time.sleep(0.2)
        processed = InboundEvent.objects.filter(status=InboundEventStatus.PROCESSED).count()
        # What the worker itself counts: the tasks it ran.
        stats = app.control.inspect([hostname], timeout=5.0).stats() or {}
        tasks = stats.get(hostname, {}).get("total", {}).get("saleor_crm.process_events", 0)
    on, off = times["with the CRM"], times["without"]
    # Per round, the two completions ran side by side: their ratio cancels
    # the drift of a loaded machine better than two separate medians.
    ratios = sorted(a / b for a, b in zip(on, off, strict=True))
    if celery_worker:
        how = "real broker, Celery worker in another process"
    else:
        how = "Celery eager (the CRM processes events in its background thread, in this process)"
    lines = [
        f"checkoutComplete, {ROUNDS} rounds after {WARMUP} warm-ups, {how}",
        f"{'':<14}{'median ms':>10}{'mean ms':>10}{'p95 ms':>10}{'queries':>9}",
    ]
    for name, values in times.items():
        lines.append(
            f"{name:<14}{statistics.median(values) * 1000:>10.1f}"
            f"{statistics.fmean(values) * 1000:>10.1f}"
            f"{_percentile(values, 0.95) * 1000:>10.1f}{queries[name]:>9}"
        )
    lines.append(
        f"ratio of medians {statistics.median(on) / statistics.median(off):.3f}; "
        f"median of per-round ratios {statistics.median(ratios):.3f} "
        f"(middle half {_percentile(ratios, 0.25):.3f} to {_percentile(ratios, 0.75):.3f})"
    )
    if celery_worker:
        lines.append(
            f"CRM events recorded: {recorded}; processed by the worker: {processed} "
            f"({tasks} process_events tasks)"
        )
    else:
        lines.append(f"CRM events recorded: {recorded}")
    print("\n" + "\n".join(f"BENCH {line}" for line in lines))  # noqa: T201
    assert recorded
    if celery_worker:
        assert processed == recorded
