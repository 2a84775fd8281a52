#!/usr/bin/env python
"""Time a campaign's attribution and lift (``campaign { stats { … } }``) on a large audience.

    DATABASE_URL=postgres://…/a_throwaway_db python benchmarks/campaign_attribution.py \
        [--recipients 100000] [--runs 3]

Adds to the database it is given (use a throwaway one, migrated): that
many profiles, one sent campaign to all of them with a 10% holdout, 5%
of the mailed clicking, and about 0.3 order facts per profile over the two
months before and the eight days after the send, a fifth of the mailed
buyers' with their code. Prints the time of each ``campaign_revenue`` call.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from saleor_crm_plugin.commerce.models import OrderFact
    from saleor_crm_plugin.marketing.attribution import campaign_revenue
    from saleor_crm_plugin.marketing.models import Campaign, CampaignRecipient
    from saleor_crm_plugin.profiles.models import CustomerProfile

    rng = random.Random(1)
    now = timezone.now()
    start = now - timedelta(days=10)
    run = f"{int(time.time())}"
    profiles = CustomerProfile.objects.bulk_create(
        (
            CustomerProfile(email=f"bench{run}-{i}@example.com", first_seen_at=now)
            for i in range(args.recipients)
        ),
        batch_size=5000,
    )
    campaign = Campaign.objects.create(
        name=f"Bench {run}", subject="s", body="b", status="sent", started_at=start
    )
    recipients, orders = [], []
    for i, profile in enumerate(profiles):
        held = i % 10 == 0
        clicked = not held and rng.random() < 0.05
        recipients.append(
            CampaignRecipient(
                campaign=campaign,
                profile=profile,
                email=profile.email,
                bucket=i % 10_000,
                group="holdout" if held else "main",
                position=None if held else 0,
                status="skipped" if held else "sent",
                sent_at=None if held else start,
                clicked_at=start + timedelta(hours=rng.random() * 48) if clicked else None,
                offer_code="" if held else f"B{run}-{i}",
            )
        )
        for k in range(3):
            if rng.random() < 0.1:
                at = start + timedelta(hours=rng.uniform(-24 * 60, 24 * 8))
                total = Decimal(rng.randint(10, 200))
                orders.append(
                    OrderFact(
                        order_id=f"bench-{run}-{i}-{k}",
                        profile=profile,
                        currency="USD",
                        status="unfulfilled",
                        total_gross=total,
                        net_amount=total,
                        is_sale=True,
                        placed_at=at,
                        source_updated_at=at,
                        voucher_code=f"B{run}-{i}" if not held and rng.random() < 0.2 else None,
                    )
                )
    CampaignRecipient.objects.bulk_create(recipients, batch_size=5000)
    OrderFact.objects.bulk_create(orders, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE saleor_crm_orderfact")
        cursor.execute("ANALYZE saleor_crm_campaignrecipient")
    print(f"{args.recipients} recipients, {len(orders)} order facts")
    for _ in range(args.runs):
        started = time.perf_counter()
        result = campaign_revenue(campaign)
        print(
            f"campaign_revenue {time.perf_counter() - started:.3f} s: {result.orders} orders, "
            f"{result.revenue} {result.currency}, lift {result.lift:.3f}, "
            f"interval {result.lift_interval}"
        )


if __name__ == "__main__":
    main()
