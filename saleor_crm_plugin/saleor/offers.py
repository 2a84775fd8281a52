"""Saleor adapter: offers as Saleor vouchers.

An offer is one ``Voucher`` for the whole order (``ENTIRE_ORDER``), with
``single_use`` set, so each of its codes is accepted by
``checkoutAddPromoCode`` for one order only; it is valid from its creation
until the offer expires, in one channel (a ``VoucherChannelListing`` with the
discount and the minimum order total in the channel's currency). Its codes
are ``VoucherCode`` rows, generated the way Saleor generates promo codes and
unique among vouchers and gift cards. Everything is written through Saleor's
models in the CRM's transaction, and Saleor's ``voucher_created`` /
``voucher_codes_created`` events are announced after commit, as Saleor's own
``voucherCreate`` does.
"""

from __future__ import annotations

import logging

from django.db import transaction
from saleor.channel.models import Channel
from saleor.core.utils.promo_code import generate_random_code
from saleor.discount import DiscountValueType, VoucherType
from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode
from saleor.giftcard.models import GiftCard

from ..marketing.models import Offer
from ..marketing.offers import MAX_CODE_ATTEMPTS, ChannelInfo, DiscountType

logger = logging.getLogger(__name__)

VALUE_TYPES = {
    DiscountType.PERCENTAGE: DiscountValueType.PERCENTAGE,
    DiscountType.FIXED: DiscountValueType.FIXED,
}


def _announce(event: str, *args) -> None:
    def send() -> None:
        try:
            from saleor.plugins.manager import get_plugins_manager

            getattr(get_plugins_manager(allow_replica=False), event)(*args)
        except Exception:  # noqa: BLE001 - the voucher is made; webhooks are extra
            logger.exception("CRM could not announce %s", event)

    transaction.on_commit(send)


class SaleorOffersBackend:
    name = "saleor"
    redeemable = True

    def channel(self, slug: str) -> ChannelInfo | None | bool:
        channel = Channel.objects.filter(slug=slug, is_active=True).only("currency_code").first()
        return ChannelInfo(slug, channel.currency_code) if channel else None

    def create_offer(self, offer: Offer) -> str:
        channel = Channel.objects.get(slug=offer.channel)
        voucher = Voucher.objects.create(
            type=VoucherType.ENTIRE_ORDER,
            name=offer.name,
            single_use=True,
            discount_value_type=VALUE_TYPES[DiscountType(offer.discount_type)],
            start_date=offer.created_at,
            end_date=offer.expires_at,
            metadata={"saleor_crm_offer": str(offer.pk)},
        )
        VoucherChannelListing.objects.create(
            voucher=voucher,
            channel=channel,
            discount_value=offer.value,
            currency=channel.currency_code,
            min_spent_amount=offer.minimum_spent,
        )
        _announce("voucher_created", voucher, None)
        return str(voucher.pk)

    def create_codes(self, offer: Offer, count: int) -> list[str]:
        codes: set[str] = set()
        for _ in range(MAX_CODE_ATTEMPTS):
            candidates = {generate_random_code() for _ in range(count - len(codes))} - codes
            # Saleor's is_available_promo_code, for a batch: neither a voucher
            # code nor a gift card code.
            taken = set(
                VoucherCode.objects.filter(code__in=candidates).values_list("code", flat=True)
            ) | set(GiftCard.objects.filter(code__in=candidates).values_list("code", flat=True))
            codes |= candidates - taken
            if len(codes) >= count:
                break
        else:
            raise RuntimeError("Could not generate unique voucher codes.")
        new = sorted(codes)[:count]
        created = VoucherCode.objects.bulk_create(
            VoucherCode(voucher_id=int(offer.external_id), code=code) for code in new
        )
        _announce("voucher_codes_created", created)
        return new
