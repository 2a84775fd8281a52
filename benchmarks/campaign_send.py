"""Campaign sending: personalised emails per second through real Celery
workers to a local SMTP sink.

    .venv/bin/python benchmarks/campaign_send.py                      # 100,000 recipients, 2 workers
    .venv/bin/python benchmarks/campaign_send.py --recipients 10000   # a quick check
    .venv/bin/python benchmarks/campaign_send.py --broker redis://127.0.0.1:6380/7
    .venv/bin/python benchmarks/campaign_send.py --window 1 --connections 1   # one commit per message

A scratch database (``crm_bench_campaign`` beside the host's, dropped at
the end) gets ``--recipients`` profiles, each SUBSCRIBED, written
set-based in SQL, and a segment of them. A campaign with a personal offer
(the local offers backend: one code per recipient) and personalised
subject and body (first name, offer code and expiry, unsubscribe link,
tracked links, open pixel, CSS inlined) is started by this process, as
``campaignSend`` and the tick do: ``start_campaign`` materialises the
audience in one statement and asks for ``SALEOR_CRM_CAMPAIGN_SEND_WORKERS``
send tasks on the broker. ``--workers`` Celery worker processes (``celery
worker --pool solo``, one task at a time each, ``--connections`` SMTP
connections per task, confirming ``--window`` messages per statement) mail
the batches over SMTP to an aiosmtpd sink.

The sink stands for the mail server, not for what is measured: it runs as
``--sink-processes`` aiosmtpd processes sharing one port (SO_REUSEPORT, the
kernel spreading connections over them, as a mail server's processes
would), each keeping every Message-ID and recipient it received; the
duplicates are counted over all of them at the end. It shares the
machine's CPUs with the workers and PostgreSQL, and its CPU time is
reported so that what it costs per message can be told apart.

Prints: recipients, messages the sink received, duplicates (must be 0),
wall time from the start to the last message, emails/s, the phases
(materialise in this process; claim with the offer codes, issue codes,
render, MIME bytes, SMTP and the confirmation per window, summed over the
workers' threads), each worker's peak RSS, and CPU seconds per message of
the workers, the sink, this database's PostgreSQL backends and the whole
machine (everyone's).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from scratch import database_url, drop_database, server_url  # noqa: E402

BODY = (
    "<style>p { color: #333; font-family: Georgia, serif; } .cta { font-weight: bold; }"
    " .code { font-size: 20px; letter-spacing: 2px; }</style>"
    "<p>Hi {{customer.first_name}} {{customer.last_name}},</p>"
    "<p>Spring is here, and so is your own code:</p>"
    '<p class="code">{{offer.code}}</p>'
    "<p>It takes 10% off your next order until {{date offer.expires_at}}.</p>"
    '<table width="600" cellpadding="8"><tr>'
    '<td><a href="https://shop.example.com/coffee?utm_campaign=spring">Coffee</a></td>'
    '<td><a href="https://shop.example.com/tea?utm_campaign=spring">Tea</a></td>'
    '<td><a href="https://shop.example.com/sale?utm_campaign=spring">Sale</a></td>'
    "</tr></table>"
    '<p class="cta"><a href="https://shop.example.com/?utm_campaign=spring">Shop now</a></p>'
    '<p><a href="{{unsubscribe_url}}">Unsubscribe</a> · {{shop.name}}</p>'
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (2)")
    parser.add_argument("--batch-size", type=int, default=200, help="recipients per batch (200)")
    parser.add_argument(
        "--window", type=int, default=20, help="SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW (20)"
    )
    parser.add_argument(
        "--connections", type=int, default=4, help="SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS (4)"
    )
    parser.add_argument(
        "--sink-processes", type=int, default=2, help="aiosmtpd processes on the port (2)"
    )
    parser.add_argument("--broker", default="redis://127.0.0.1:6380/7", help="Celery broker URL")
    parser.add_argument("--database", default="crm_bench_campaign")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the mail")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    args = parser.parse_args()
    if not 1 <= args.recipients <= 1_000_000:
        parser.error("--recipients must be from 1 to 1,000,000")
    if args.workers < 1:
        parser.error("--workers must be positive")
    return args


# --- the SMTP sink, in processes of its own ---------------------------------------


def _sink(port: int, ready, counts, stop, results) -> None:
    """One sink process: an aiosmtpd server on ``port`` (SO_REUSEPORT, so
    that several processes share it as a mail server's would), counting
    messages and keeping every Message-ID and recipient for the duplicate
    count; sent to ``results`` with the process's CPU time when stopped.
    """
    import resource

    from aiosmtpd.controller import Controller

    ids: list[bytes] = []
    tos: list[str] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            head = content[: content.find(b"\r\n\r\n")]
            message_id = b""
            for line in head.split(b"\r\n"):
                if line[:11].lower() == b"message-id:":
                    message_id = line[11:].strip()
                    break
            ids.append(message_id)
            tos.extend(envelope.rcpt_tos)
            with counts.get_lock():
                counts[0] += 1
            return "250 OK"

    class SharedPort(Controller):
        def _create_server(self):
            return self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=self.port, reuse_port=True
            )

        def _trigger_server(self):
            # The check connection may land on another process of the port.
            self.smtpd = self.factory()
            self._factory_invoked.set()

    controller = SharedPort(Handler(), hostname="127.0.0.1", port=port, ready_timeout=60)
    controller.start()
    ready.release()
    stop.wait()
    controller.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((ids, tos, usage.ru_utime + usage.ru_stime))


def start_sink(context, port: int, processes: int):
    """``processes`` sink processes on ``port``; (counts, stop, results, processes)."""
    counts = context.Array("q", 1)  # messages received
    ready, stop, results = context.Semaphore(0), context.Event(), context.Queue()
    sinks = [
        context.Process(target=_sink, args=(port, ready, counts, stop, results), daemon=True)
        for _ in range(processes)
    ]
    for sink in sinks:
        sink.start()
    for _ in sinks:
        if not ready.acquire(timeout=30):
            sys.exit("The SMTP sink did not start.")
    return counts, stop, results, sinks


def stop_sink(stop, results, sinks) -> dict[str, float]:
    """Stop the sink; its duplicates (Message-ID, recipient) and CPU seconds."""
    stop.set()
    ids: list[bytes] = []
    tos: list[str] = []
    cpu = 0.0
    for _ in sinks:
        got_ids, got_tos, seconds = results.get(timeout=60)
        ids += got_ids
        tos += got_tos
        cpu += seconds
    for sink in sinks:
        sink.join(10)
    return {
        "duplicate_ids": len(ids) - len(set(ids)),
        "duplicate_to": len(tos) - len(set(tos)),
        "cpu_s": cpu,
    }


def cpu_now(database: str) -> dict[str, float]:
    """CPU seconds so far: the PostgreSQL backends serving ``database``
    (the workers' and this process's) and the machine's busy and total time.
    """
    tick = os.sysconf("SC_CLK_TCK")
    postgres = 0.0
    marker = f" {database} ".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read()
            if not title.startswith(b"postgres: ") or marker not in title:
                continue
            with open(f"/proc/{pid}/stat") as stat:
                values = stat.read().rsplit(")", 1)[1].split()
            postgres += (int(values[11]) + int(values[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return {
        "postgres": postgres,
        "machine_busy": (sum(ticks) - idle) / tick,
        "machine_total": sum(ticks) / tick,
    }


def cpu_since(start: dict[str, float], database: str) -> dict[str, float]:
    """CPU seconds since ``start`` (backends that ended in between are missed)."""
    now = cpu_now(database)
    return {name: now[name] - start[name] for name in now}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the store -----------------------------------------------------------------


def fill(recipients: int) -> dict[str, float]:
    """Profiles, their SUBSCRIBED consent and a segment, set-based."""
    from django.db import connection, transaction
    from django.utils import timezone

    from saleor_crm_plugin.marketing.services import create_segment

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO saleor_crm_customerprofile (
                id, email, first_name, last_name, language_code, country, city,
                first_seen_at, orders_count, total_spent, average_order_value,
                reporting_currency, spend_by_currency, channels, favourite_products,
                favourite_categories, lifecycle_stage, rfm_segment, tags, note,
                satisfaction_count, search_document, created_at, updated_at
            )
            SELECT md5('bench-campaign-' || i)::uuid, 'shopper' || i || '@example.com',
                   (ARRAY['Ann', 'Björn', 'Chloé', 'Dmitri', 'Eve', 'Farah'])[1 + i %% 6],
                   'Family' || i, 'en', '', '', %(now)s, 0, 0, 0, '', '{}', '{}', '[]', '[]',
                   'prospect', '', ARRAY['newsletter']::varchar[], '', 0,
                   'shopper' || i || '@example.com', %(now)s, %(now)s
            FROM generate_series(1, %(n)s) i
            """,
            {"n": recipients, "now": now},
        )
        cursor.execute(
            """
            INSERT INTO saleor_crm_marketingconsent (
                email, email_hash, channel, status, source, occurred_at,
                suppression_reason, suppression_source, created_at, updated_at
            )
            SELECT email, encode(sha256(convert_to(email, 'UTF8')), 'hex'), 'email',
                   'subscribed', 'benchmark', %(now)s, '', '', %(now)s, %(now)s
            FROM saleor_crm_customerprofile
            """,
            {"now": now},
        )
    segment = create_segment(
        "Newsletter",
        {"conditions": [{"field": "TAG", "operator": "EQ", "value": "newsletter"}]},
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"fill_s": time.perf_counter() - started, "segment": segment}


def start_workers(args, env: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    workers = []
    for i in range(args.workers):
        log = open(logs / f"worker-{i}.log", "w")  # noqa: SIM115 - closed with the process
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app",
                    "tests.host.celery:app",
                    "worker",
                    "--pool",
                    "solo",
                    "--concurrency",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"crm-bench-{i}@%h",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def wait_for_workers(app, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    sys.exit(f"Only {len(replies)} of {count} Celery workers answered.")


def run(args: argparse.Namespace) -> None:
    base_url = server_url()
    scratch_url = database_url(base_url, args.database)
    timings = Path(tempfile.mkdtemp(prefix="crm-bench-campaign-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url,
        "DJANGO_SETTINGS_MODULE": "campaign_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(REPO), str(REPO / "benchmarks"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "DEBUG": "0",
        "CRM_BENCH_BROKER": args.broker,
        "CRM_BENCH_SMTP_PORT": str(port),
        "CRM_BENCH_BATCH_SIZE": str(args.batch_size),
        "CRM_BENCH_WORKERS": str(args.workers),
        "CRM_BENCH_WINDOW": str(args.window),
        "CRM_BENCH_CONNECTIONS": str(args.connections),
        "CRM_BENCH_TIMINGS": str(timings),
    }
    os.environ.update({k: env[k] for k in env if k.startswith(("CRM_BENCH", "DATABASE", "DJ"))})
    os.environ["DEBUG"] = "0"
    os.environ.pop("CRM_BENCH_TIMINGS")  # this process times its own phase

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count
    from django.utils import timezone

    from saleor_crm_plugin.marketing import sending
    from saleor_crm_plugin.marketing.campaigns import create_campaign
    from saleor_crm_plugin.marketing.models import (
        Campaign,
        CampaignRecipient,
        CampaignStatus,
    )
    from tests.host.celery import app

    context = multiprocessing.get_context("spawn")
    sink = None
    workers: list[subprocess.Popen] = []
    try:
        call_command("migrate", verbosity=0, interactive=False)
        print(f"Filling {args.recipients:,} profiles ...", file=sys.stderr, flush=True)
        filled = fill(args.recipients)
        sink = start_sink(context, port, args.sink_processes)
        counts = sink[0]
        app.control.purge()
        workers = start_workers(args, env, timings)
        wait_for_workers(app, args.workers)
        campaign = create_campaign(
            {
                "name": "Spring",
                "segment": filled["segment"],
                "subject": "{{customer.first_name}}, your spring code {{offer.code}}",
                "body": BODY,
                "offer": {
                    "discount_type": "PERCENTAGE",
                    "value": "10",
                    "valid_days": 14,
                    "channel": "default-channel",
                },
            }
        )
        now = timezone.now()
        # Scheduled for now, as campaignSend does, but started by this
        # process (not the start task) so that the materialisation is timed.
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.SCHEDULED, scheduled_at=now
        )
        print("Sending ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        cpu_start = cpu_now(args.database)
        # start_campaign as the start task does, with the materialisation timed.
        materialise = sending.materialise
        phase: dict[str, float] = {}

        def timed_materialise(*a, **kw):
            t0 = time.perf_counter()
            try:
                return materialise(*a, **kw)
            finally:
                phase["materialise"] = time.perf_counter() - t0

        sending.materialise = timed_materialise
        try:
            sending.start_campaign(campaign.pk, now)
        finally:
            sending.materialise = materialise
        expected = CampaignRecipient.objects.filter(campaign=campaign).count()
        deadline = time.monotonic() + args.timeout
        last, last_change = -1, time.monotonic()
        while counts[0] < expected and time.monotonic() < deadline:
            if counts[0] != last:
                last, last_change = counts[0], time.monotonic()
            elif time.monotonic() - last_change > 60:
                print("No mail for 60 s; stopping.", file=sys.stderr)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        time.sleep(1.5)  # the workers' last confirmation and timing files
        statuses = dict(
            CampaignRecipient.objects.filter(campaign=campaign)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        received = counts[0]
        checked = stop_sink(*sink[1:])
        sink = None
        cpu = cpu_since(cpu_start, args.database)
        report(args, filled, phase, expected, received, checked, cpu, wall, statuses, timings)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        if sink is not None:
            sink[1].set()
        connections.close_all()
        if not args.keep:
            drop_database(base_url, args.database)


def report(args, filled, phase, expected, received, checked, cpu, wall, statuses, timings):
    from saleor_crm_plugin.marketing.models import RecipientStatus

    workers = []
    for path in sorted(timings.glob("worker-*.json")):
        workers.append(json.loads(path.read_text()))
    dup_ids, dup_to = checked["duplicate_ids"], checked["duplicate_to"]
    load = os.getloadavg()
    print()
    print(f"Recipients (materialised)      {expected:>12,}")
    print(f"Messages received by the sink  {received:>12,}")
    print(f"Duplicates (Message-ID / To)   {dup_ids:>6,} / {dup_to:,}")
    print(f"Recipients SENT in the database {statuses.get(RecipientStatus.SENT, 0):>11,}")
    other = {k: v for k, v in statuses.items() if k != RecipientStatus.SENT}
    print(f"Other statuses                 {other or '-'}")
    print(f"Wall time (start to last mail) {wall:>11.1f} s")
    print(f"Emails per second              {received / wall:>12,.0f}")
    print(f"Fill (profiles, consent)       {filled['fill_s']:>11.1f} s")
    print(f"Phase: materialise (1 stmt)    {phase.get('materialise', 0):>11.2f} s")
    names = sorted({name for w in workers for name in w["seconds"]})
    for name in names:
        total = sum(w["seconds"].get(name, 0) for w in workers)
        calls = sum(w["calls"].get(name, 0) for w in workers)
        per = total / calls * 1000 if calls else 0
        print(
            f"Phase: {name:<23} {total:>11.2f} s  (workers' sum; {calls:,} calls,"
            f" {per:.3f} ms each)"
        )
    for i, w in enumerate(workers):
        print(f"Worker {i} peak RSS              {w['peak_rss_mb']:>11.0f} MB")
    worker_cpu = sum(w.get("cpu_s", 0) for w in workers)
    per = 1000 / max(1, received)
    print(
        f"CPU, workers (all threads)     {worker_cpu:>11.1f} s  ({worker_cpu * per:.2f} ms/message)"
    )
    print(
        f"CPU, sink ({args.sink_processes} processes)        {checked['cpu_s']:>11.1f} s"
        f"  ({checked['cpu_s'] * per:.2f} ms/message)"
    )
    print(
        f"CPU, PostgreSQL backends      {cpu['postgres']:>11.1f} s"
        f"  ({cpu['postgres'] * per:.2f} ms/message; the backends of this database)"
    )
    print(
        f"CPU, whole machine             {cpu['machine_busy']:>11.1f} s of {cpu['machine_total']:.1f}"
        f" ({cpu['machine_busy'] * per:.2f} ms/message, everyone's)"
    )
    print(
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        f" at the end; batch size {args.batch_size}, {args.workers} workers, window"
        f" {args.window}, {args.connections} SMTP connections per worker,"
        f" {args.sink_processes} sink processes"
    )


if __name__ == "__main__":
    run(parse_args())
