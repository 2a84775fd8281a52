"""Personal offers: one discount, one single-use code per recipient.

A caller (a campaign, a ticket's goodwill voucher) describes the discount
with an :class:`OfferSpec` and asks :func:`issue_offer_codes` for codes under
its own ``key``. The key always names the same offer: issuing again returns
the codes already given and makes codes only for new recipients, so a send
that resumes after a crash hands nobody a second code.

Who makes the codes is a backend (:class:`OffersBackend`) chosen by the
``SALEOR_CRM_OFFERS_BACKEND`` setting. In Saleor it is the adapter's
(:mod:`saleor_crm_plugin.saleor.offers`): one Saleor ``Voucher`` per offer,
valid in the offer's channel until it expires, whose codes work in
``checkoutAddPromoCode`` once each. Outside Saleor the default is
:class:`LocalOffersBackend`: **codes are issued locally: without Saleor they
are not redeemable in a shop.**

The CRM keeps every offer and code in its own tables (:class:`~.models.Offer`,
:class:`~.models.OfferCode`) whatever the backend, which is what makes
issuing idempotent and lets the CRM show which customer got which code.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import crm_setting
from ..currency import minor_units
from ..errors import CRMError
from .error_codes import OfferErrorCode
from .models import Offer, OfferCode

MAX_VALID_DAYS = 365
# Saleor keeps discount amounts in 12 digits, 3 of them decimals.
MAX_AMOUNT = Decimal("999999999.999")
MAX_DECIMALS = 3
MAX_KEY = 255
MAX_NAME = 255
# Recipient keys looked up (and codes written) per statement.
CHUNK = 2000
# How often a batch of fresh codes may collide with codes already taken
# before issuing gives up (12 random hex digits: practically never).
MAX_CODE_ATTEMPTS = 5


class DiscountType(StrEnum):
    PERCENTAGE = "PERCENTAGE"
    FIXED = "FIXED"


class OfferError(CRMError):
    """An offer refused; ``code`` is an :class:`OfferErrorCode` value."""

    code_enum = OfferErrorCode


@dataclass(frozen=True)
class OfferSpec:
    """The terms of an offer: a percentage or a fixed amount off a whole
    order in ``channel`` (a channel slug), for ``valid_days`` from issue,
    with an optional minimum order total (in the channel's currency).
    """

    discount_type: str
    value: Decimal
    valid_days: int
    channel: str
    minimum_spent: Decimal | None = None


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class ChannelInfo:
    slug: str
    currency: str


class OffersBackend(Protocol):
    """What makes the codes of an offer. Both methods run inside the
    transaction that records the offer in the CRM's tables: what they
    write commits or rolls back with it.
    """

    # Stored on each offer (``Offer.backend``).
    name: str
    # Whether its codes work in a shop's checkout.
    redeemable: bool

    def channel(self, slug: str) -> ChannelInfo | None | bool:
        """The channel ``slug`` names (None: no such channel), or True when
        the backend cannot tell which channels exist.
        """
        ...

    def create_offer(self, offer: Offer) -> str:
        """Create the offer where the codes will work; its reference there
        (stored in ``Offer.external_id``).
        """
        ...

    def create_codes(self, offer: Offer, count: int) -> list[str]:
        """``count`` new codes of ``offer``, unique among every code the
        backend knows; written where they will work, in one batch.
        """
        ...


def generate_code() -> str:
    """A code like ``ABCD-EF12-3456``, in the format Saleor gives its own."""
    raw = secrets.token_hex(6).upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class LocalOffersBackend:
    """Codes the CRM issues itself, stored only in its own tables.

    Codes are issued locally: without Saleor they are not redeemable in a
    shop. The standalone host uses this backend to run and test everything
    around codes (campaigns, tickets) without a store.
    """

    name = "local"
    redeemable = False

    def channel(self, slug: str) -> ChannelInfo | None | bool:
        return True

    def create_offer(self, offer: Offer) -> str:
        return ""

    def create_codes(self, offer: Offer, count: int) -> list[str]:
        return fresh_codes(count, lambda codes: OfferCode.objects.filter(code__in=codes))


def fresh_codes(count: int, taken) -> list[str]:
    """``count`` distinct generated codes none of which ``taken(codes)``
    (a queryset of rows whose ``code`` is among them) finds: one query per
    round, a new round only for the codes that collided.
    """
    codes: set[str] = set()
    for _ in range(MAX_CODE_ATTEMPTS):
        candidates = {generate_code() for _ in range(count - len(codes))} - codes
        used = set(taken(list(candidates)).values_list("code", flat=True))
        codes |= candidates - used
        if len(codes) >= count:
            return sorted(codes)[:count]
    raise RuntimeError("Could not generate unique offer codes.")


@cache
def _backend_class() -> type:
    path = crm_setting("SALEOR_CRM_OFFERS_BACKEND")
    if path is None:
        from ..hosting import running_in_saleor

        path = (
            "saleor_crm_plugin.saleor.offers.SaleorOffersBackend"
            if running_in_saleor()
            else "saleor_crm_plugin.marketing.offers.LocalOffersBackend"
        )
    return import_string(path)


def offers_backend() -> OffersBackend:
    """The backend the ``SALEOR_CRM_OFFERS_BACKEND`` setting names (None:
    Saleor's in Saleor, the local one elsewhere).
    """
    return _backend_class()()


# --- validation --------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise OfferError(field, "Give a number.", OfferErrorCode.INVALID) from None
    if not amount.is_finite():
        raise OfferError(field, "Give a number.", OfferErrorCode.INVALID)
    return amount


def _check_precision(amount: Decimal, field: str, currency: str | None) -> None:
    places = minor_units(currency) if currency else MAX_DECIMALS
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        where = f"in {currency}" if currency else "here"
        raise OfferError(
            field, f"At most {places} decimal places {where}.", OfferErrorCode.INVALID_PRECISION
        )


def validate_offer(
    spec: OfferSpec, backend: OffersBackend | None = None, field_prefix: str = ""
) -> list[OfferError]:
    """Everything wrong with ``spec``, as typed errors on its fields
    (``discountType``, ``value``, ``validDays``, ``channel``,
    ``minimumSpent``, each after ``field_prefix``); an empty list when it
    can be issued.
    """
    errors: list[OfferError] = []

    def fail(field: str, message: str, code: OfferErrorCode) -> None:
        errors.append(OfferError(f"{field_prefix}{field}", message, code))

    if spec.discount_type not in DiscountType.__members__:
        fail("discountType", "PERCENTAGE or FIXED.", OfferErrorCode.INVALID)
    slug = spec.channel.strip() if isinstance(spec.channel, str) else ""
    channel = None
    if not slug:
        fail("channel", "Name the channel the offer is valid in.", OfferErrorCode.REQUIRED)
    elif len(slug) > MAX_NAME:
        fail("channel", f"At most {MAX_NAME} characters.", OfferErrorCode.INVALID)
    else:
        found = (backend or offers_backend()).channel(slug)
        if found is None:
            fail(
                "channel",
                "The store has no active channel with this slug.",
                OfferErrorCode.NOT_FOUND,
            )
        elif isinstance(found, ChannelInfo):
            channel = found
    currency = channel.currency if channel else None
    try:
        value = _decimal(spec.value, f"{field_prefix}value")
    except OfferError as error:
        errors.append(error)
    else:
        if value <= 0:
            fail("value", "Must be more than 0.", OfferErrorCode.INVALID)
        elif spec.discount_type == DiscountType.PERCENTAGE and value > 100:
            fail("value", "A percentage is at most 100.", OfferErrorCode.INVALID)
        elif value > MAX_AMOUNT:
            fail("value", f"At most {MAX_AMOUNT}.", OfferErrorCode.INVALID)
        else:
            try:
                fixed = spec.discount_type == DiscountType.FIXED
                _check_precision(value, f"{field_prefix}value", currency if fixed else None)
            except OfferError as error:
                errors.append(error)
    if isinstance(spec.valid_days, bool) or not isinstance(spec.valid_days, int):
        fail("validDays", "Give a whole number of days.", OfferErrorCode.INVALID)
    elif not 1 <= spec.valid_days <= MAX_VALID_DAYS:
        fail("validDays", f"From 1 to {MAX_VALID_DAYS} days.", OfferErrorCode.INVALID)
    if spec.minimum_spent is not None:
        try:
            minimum = _decimal(spec.minimum_spent, f"{field_prefix}minimumSpent")
            if minimum < 0 or minimum > MAX_AMOUNT:
                fail("minimumSpent", f"From 0 to {MAX_AMOUNT}.", OfferErrorCode.INVALID)
            else:
                _check_precision(minimum, f"{field_prefix}minimumSpent", currency)
        except OfferError as error:
            errors.append(error)
    return errors


def clean_offer(spec: OfferSpec, backend: OffersBackend | None = None) -> OfferSpec:
    """``spec`` with its values normalised; its first error raised."""
    if errors := validate_offer(spec, backend):
        raise errors[0]
    minimum = spec.minimum_spent
    return OfferSpec(
        discount_type=spec.discount_type,
        value=_decimal(spec.value, "value"),
        valid_days=spec.valid_days,
        channel=spec.channel.strip(),
        minimum_spent=None if minimum is None else _decimal(minimum, "minimumSpent"),
    )


# --- issuing -----------------------------------------------------------------


def _same_terms(offer: Offer, spec: OfferSpec) -> bool:
    return (
        offer.discount_type == spec.discount_type
        and offer.value == spec.value
        and offer.valid_days == spec.valid_days
        and offer.channel == spec.channel
        and offer.minimum_spent == spec.minimum_spent
    )


def _offer_for(key: str, spec: OfferSpec, name: str, backend: OffersBackend) -> Offer:
    """The offer ``key`` names, created (with the backend's) when new; locked."""
    offer = Offer.objects.select_for_update().filter(key=key).first()
    if offer is not None:
        if not _same_terms(offer, spec):
            raise OfferError(
                "key",
                "An offer with this key was already issued on other terms.",
                OfferErrorCode.CONFLICT,
            )
        return offer
    channel = backend.channel(spec.channel)
    now = timezone.now()
    offer = Offer(
        key=key,
        name=name,
        backend=backend.name,
        discount_type=spec.discount_type,
        value=spec.value,
        channel=spec.channel,
        currency=channel.currency if isinstance(channel, ChannelInfo) else "",
        minimum_spent=spec.minimum_spent,
        valid_days=spec.valid_days,
        expires_at=now + timedelta(days=spec.valid_days),
    )
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        # Another transaction created it meanwhile: wait for it and use it.
        return _offer_for(key, spec, name, backend)
    offer.external_id = backend.create_offer(offer)
    offer.save(update_fields=["external_id"])
    return offer


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def issue_offer_codes(
    key: str,
    spec: OfferSpec,
    recipient_keys: list[str],
    *,
    name: str,
    backend: OffersBackend | None = None,
) -> dict[str, IssuedCode]:
    """The code of each of ``recipient_keys`` in the offer ``key`` names:
    one offer (in Saleor, one voucher) per key, created with ``spec`` on
    the first call, one single-use code per recipient. Calling again with
    the same keys returns the same codes; new recipients get new codes.
    Issues of one key run one at a time (its row is locked); the work is a
    few statements per :data:`CHUNK` recipients, never one per code.

    :class:`OfferError` for a bad spec, or for a key already used with
    other terms.
    """
    backend = backend or offers_backend()
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise OfferError("key", f"From 1 to {MAX_KEY} characters.", OfferErrorCode.INVALID)
    name = (name or "").strip()[:MAX_NAME] or key
    spec = clean_offer(spec, backend)
    recipients = list(dict.fromkeys(str(recipient) for recipient in recipient_keys))
    if any(not recipient or len(recipient) > MAX_KEY for recipient in recipients):
        raise OfferError("recipients", f"Recipient keys have 1 to {MAX_KEY} characters.", "invalid")
    with transaction.atomic():
        offer = _offer_for(key, spec, name, backend)
        codes: dict[str, str] = {}
        for chunk in _chunks(recipients):
            codes.update(
                OfferCode.objects.filter(offer=offer, recipient_key__in=chunk).values_list(
                    "recipient_key", "code"
                )
            )
            missing = [recipient for recipient in chunk if recipient not in codes]
            if not missing:
                continue
            new = backend.create_codes(offer, len(missing))
            OfferCode.objects.bulk_create(
                OfferCode(offer=offer, recipient_key=recipient, code=code)
                for recipient, code in zip(missing, new, strict=True)
            )
            codes.update(zip(missing, new, strict=True))
    return {recipient: IssuedCode(codes[recipient], offer.expires_at) for recipient in recipients}
