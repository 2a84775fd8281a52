"""Plain snapshots of store objects: the core's only input.

A snapshot is what the CRM needs to know about an order, a checkout or a
customer at one moment, with no reference to the store's own models. The
Saleor adapter builds them from Saleor objects; tests, the demo and the
benchmarks build them directly. Snapshots are stored as JSON on inbound
events, so they round-trip through :meth:`to_dict` / :meth:`from_dict`.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar

from django.utils.dateparse import parse_datetime

T = TypeVar("T", bound="Snapshot")


def normalize_email(email: str | None) -> str:
    """Lower-case and trim an email; the profile key. Empty when unknown."""
    return (email or "").strip().lower()


def _dump(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, (list, tuple)):
        return [_dump(item) for item in value]
    return value


@dataclass(frozen=True)
class _Reader:
    """How :meth:`Snapshot.from_dict` reads one snapshot class, worked out once."""

    defaults: dict[str, Any]  # every field with a default, and its value
    required: frozenset[str]
    convert: dict[str, Any]  # field → converter of a non-null value (None: as is)
    lists: dict[str, Any]  # list fields → their item class


@functools.cache
def _reader(cls: type) -> _Reader:
    defaults, required, convert = {}, set(), {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()  # immutable (tuples) here
        else:
            required.add(f.name)
        convert[f.name] = None
    for name in cls._decimals:
        convert[name] = Decimal
    for name in cls._datetimes:
        convert[name] = _datetime
    for name, nested in cls._nested.items():
        convert[name] = nested.from_dict
    return _Reader(defaults, frozenset(required), convert, dict(cls._nested_lists))


def _datetime(text: str | datetime) -> datetime | None:
    # fromisoformat is the fast path for what to_dict writes; Django's
    # parser accepts the few other forms older events may hold.
    if not isinstance(text, str):
        return text
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return parse_datetime(text)


class Snapshot:
    """Base for snapshots: JSON round-trip driven by field annotations."""

    _nested: ClassVar[dict[str, type]] = {}
    _nested_lists: ClassVar[dict[str, type]] = {}
    _decimals: ClassVar[tuple[str, ...]] = ()
    _datetimes: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            f.name: _dump(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The snapshot ``to_dict`` wrote. Unknown keys are ignored (fields
        added by newer adapters); a missing required field raises TypeError.

        This is on the worker's hot path (every stored event), so the
        frozen dataclass is filled in directly rather than through
        ``__init__`` (which sets each field by ``object.__setattr__``).
        """
        reader = _reader(cls)
        convert, lists = reader.convert, reader.lists
        values = dict(reader.defaults)
        for key, value in data.items():
            if key not in convert:
                continue
            if key in lists:
                item_from = lists[key].from_dict
                value = tuple(item_from(item) for item in value or ())
            elif value is not None and (converter := convert[key]) is not None:
                value = converter(value)
            values[key] = value
        if missing := reader.required - values.keys():
            raise TypeError(f"{cls.__name__} is missing {', '.join(sorted(missing))}")
        snapshot = cls.__new__(cls)
        snapshot.__dict__.update(values)
        return snapshot


@dataclass(frozen=True)
class AddressSnapshot(Snapshot):
    country: str = ""
    country_area: str = ""
    city: str = ""
    postal_code: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class OrderLineSnapshot(Snapshot):
    line_id: str
    product_name: str
    quantity: int
    unit_price_gross: Decimal
    total_price_gross: Decimal
    variant_name: str = ""
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    category_id: str | None = None
    category_name: str = ""

    _decimals: ClassVar[tuple[str, ...]] = ("unit_price_gross", "total_price_gross")


@dataclass(frozen=True)
class OrderSnapshot(Snapshot):
    """An order as the store sees it. ``updated_at`` orders the versions."""

    order_id: str
    number: str
    created_at: datetime
    updated_at: datetime
    status: str
    email: str
    currency: str
    total_gross: Decimal
    channel: str = ""
    charge_status: str = ""
    user_id: str | None = None
    # The store confirmed the account ``user_id`` owns its email (Saleor's
    # ``User.is_confirmed``): only then may the order link it to a profile.
    user_is_confirmed: bool = False
    total_net: Decimal = Decimal(0)
    total_charged: Decimal = Decimal(0)
    total_refunded: Decimal = Decimal(0)
    # The voucher code the order used (Saleor takes one per order): campaign
    # attribution matches it against the recipients' personal codes.
    voucher_code: str | None = None
    checkout_token: str | None = None
    origin: str = ""
    is_fulfilled: bool = False
    billing_address: AddressSnapshot | None = None
    shipping_address: AddressSnapshot | None = None
    lines: tuple[OrderLineSnapshot, ...] = field(default_factory=tuple)
    # The order's value of the consent metadata key: Saleor copies the
    # checkout's metadata onto its order, so this is the storefront's choice
    # at checkout even when no checkout hook saw it (marketing/consent.py).
    marketing_consent: str | None = None

    _decimals: ClassVar[tuple[str, ...]] = (
        "total_gross",
        "total_net",
        "total_charged",
        "total_refunded",
    )
    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")
    _nested: ClassVar[dict[str, type]] = {
        "billing_address": AddressSnapshot,
        "shipping_address": AddressSnapshot,
    }
    _nested_lists: ClassVar[dict[str, type]] = {"lines": OrderLineSnapshot}


@dataclass(frozen=True)
class CheckoutLineSnapshot(Snapshot):
    product_name: str
    quantity: int
    variant_name: str = ""
    product_id: str | None = None
    variant_id: str | None = None


@dataclass(frozen=True)
class CheckoutSnapshot(Snapshot):
    """A checkout (cart). ``last_change`` orders the versions."""

    token: str
    created_at: datetime
    last_change: datetime
    currency: str
    email: str = ""
    user_id: str | None = None
    channel: str = ""
    total_gross: Decimal = Decimal(0)
    country: str = ""
    lines: tuple[CheckoutLineSnapshot, ...] = field(default_factory=tuple)
    # The value of the consent metadata key (CRMConfiguration), as the
    # storefront set it; None when absent (marketing/consent.py reads it).
    marketing_consent: str | None = None

    _decimals: ClassVar[tuple[str, ...]] = ("total_gross",)
    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "last_change")
    _nested_lists: ClassVar[dict[str, type]] = {"lines": CheckoutLineSnapshot}


@dataclass(frozen=True)
class CustomerSnapshot(Snapshot):
    """A customer account. ``updated_at`` orders the versions.

    ``is_confirmed``: the account's owner proved the email is theirs (Saleor's
    ``User.is_confirmed``); only then does the account link to a profile.
    Hosts without confirmation leave it true.
    """

    user_id: str
    email: str
    updated_at: datetime
    first_name: str = ""
    last_name: str = ""
    is_active: bool = True
    is_confirmed: bool = True
    date_joined: datetime | None = None
    language_code: str = ""
    default_billing_address: AddressSnapshot | None = None
    default_shipping_address: AddressSnapshot | None = None
    # As on CheckoutSnapshot: the consent metadata value, None when absent.
    marketing_consent: str | None = None

    _datetimes: ClassVar[tuple[str, ...]] = ("updated_at", "date_joined")
    _nested: ClassVar[dict[str, type]] = {
        "default_billing_address": AddressSnapshot,
        "default_shipping_address": AddressSnapshot,
    }


SNAPSHOT_TYPES: dict[str, type[Snapshot]] = {
    "order": OrderSnapshot,
    "checkout": CheckoutSnapshot,
    "customer": CustomerSnapshot,
}
