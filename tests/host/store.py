"""A demo store for the CRM: a speciality coffee shop, as a stream of events.

The demo command and the benchmarks replay the stream through the real
ingestion path, so what they show is what a live store would produce: loyal
regulars, one-time buyers, customers who drifted away, guests who later open
an account (one of them under another email, which merges two profiles),
cancellations, refunds and abandoned carts, in two channels and currencies.

Same ``seed`` and ``now`` give the same stream, byte for byte: ids are
``uuid5`` of the seed, times are whole seconds from ``now``, and the store's
user accounts are found again by username. That is what makes replaying the
demo twice a no-op (the event log dedupes identical snapshots).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import unicodedata
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from saleor_crm_plugin.ingestion.events import EventType
from saleor_crm_plugin.snapshots import (
    AddressSnapshot,
    CheckoutLineSnapshot,
    CheckoutSnapshot,
    CustomerSnapshot,
    OrderLineSnapshot,
    OrderSnapshot,
)

Snapshot = OrderSnapshot | CheckoutSnapshot | CustomerSnapshot
Event = tuple[str, Snapshot, datetime]

# Demo accounts are recognised by this username prefix (for --reset).
DEMO_USERNAME_PREFIX = "crm-demo-"
HISTORY_DAYS = 730
CENT = Decimal("0.01")
_NAMESPACE = uuid.UUID("5b1f0c6e-3f0a-4d8e-9a57-6f1c2d7b9e40")

# (category, [(product, price in USD)]); consumables first, as they sell most.
CATALOGUE: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Single-origin coffee",
        (
            ("Ethiopia Yirgacheffe", "14.50"),
            ("Colombia Huila", "13.00"),
            ("Kenya Nyeri AA", "16.00"),
            ("Guatemala Antigua", "13.50"),
            ("Sumatra Mandheling", "12.50"),
        ),
    ),
    (
        "Espresso blends",
        (
            ("House Espresso", "12.00"),
            ("Dark Roast Blend", "11.50"),
            ("Decaf Swiss Water", "13.00"),
            ("Morning Blend", "11.00"),
            ("Seasonal Espresso", "14.00"),
        ),
    ),
    (
        "Loose-leaf tea",
        (
            ("Darjeeling First Flush", "11.00"),
            ("Sencha Kabusecha", "12.50"),
            ("Earl Grey Supreme", "9.50"),
            ("Assam Breakfast", "8.50"),
            ("Jasmine Pearls", "15.00"),
        ),
    ),
    (
        "Filters and accessories",
        (
            ("Paper Filters 100 pcs", "7.50"),
            ("Digital Brew Scale", "45.00"),
            ("Milk Frothing Pitcher", "19.00"),
            ("Cleaning Tablets", "11.00"),
            ("Airtight Coffee Canister", "27.00"),
        ),
    ),
    (
        "Brewing equipment",
        (
            ("Pour-over Dripper", "24.00"),
            ("Glass Carafe Brewer 6-cup", "48.00"),
            ("French Press 1 l", "35.00"),
            ("Travel Press", "39.95"),
            ("Gooseneck Kettle", "65.00"),
        ),
    ),
    (
        "Cups and mugs",
        (
            ("Stoneware Mug", "18.00"),
            ("Double-wall Glass Set", "26.00"),
            ("Cortado Glass Pair", "16.00"),
            ("Insulated Tumbler", "29.00"),
            ("Porcelain Cup and Saucer", "22.00"),
        ),
    ),
    (
        "Gifts and boxes",
        (
            ("Tasting Flight Box", "34.00"),
            ("Gift Card", "50.00"),
            ("Coffee of the Month Box", "28.00"),
            ("Tea Sampler", "24.00"),
            ("Barista Starter Kit", "89.00"),
        ),
    ),
    (
        "Grinders",
        (
            ("Hand Grinder", "149.00"),
            ("Electric Burr Grinder", "249.00"),
            ("Travel Hand Grinder", "69.00"),
            ("Grinder Brush", "12.00"),
            ("Flat Burr Grinder", "399.00"),
        ),
    ),
)
# How often a category is picked when a shopper browses, in CATALOGUE order.
CATEGORY_WEIGHTS = (30, 24, 16, 12, 7, 5, 4, 2)
# (variant name, price factor) by category; absent means a single variant.
VARIANTS = {
    "Single-origin coffee": (("250 g, whole bean", "1"), ("250 g, ground", "1"), ("1 kg", "3.4")),
    "Espresso blends": (("250 g, whole bean", "1"), ("1 kg", "3.4")),
    "Loose-leaf tea": (("50 g", "1"), ("100 g", "1.8")),
    "Cups and mugs": (("Charcoal", "1"), ("Sand", "1")),
}

EUR_PER_USD = Decimal("0.93")
# The reporting rate the demo configures, so EUR spend counts in USD totals.
USD_PER_EUR = "1.08"
CHANNELS = {"USD": "default-channel", "EUR": "channel-eur"}
SHIPPING = {"USD": (Decimal("6.00"), Decimal(50)), "EUR": (Decimal("5.50"), Decimal(45))}


class Country(NamedTuple):
    weight: int
    currency: str
    vat: str
    language: str
    cities: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES = {
    "US": Country(
        35,
        "USD",
        "0.08",
        "en",
        ("New York", "Seattle", "Portland", "Austin", "Chicago", "San Francisco", "Denver"),
        ("James", "Olivia", "Michael", "Emma", "Ethan", "Ava", "Noah", "Sophia", "Liam", "Mia"),
        ("Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Wilson"),
    ),
    "GB": Country(
        15,
        "USD",
        "0.20",
        "en",
        ("London", "Manchester", "Bristol", "Edinburgh", "Leeds", "Brighton"),
        ("Oliver", "Amelia", "George", "Isla", "Harry", "Freya", "Jack", "Poppy"),
        ("Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Clarke"),
    ),
    "DE": Country(
        18,
        "EUR",
        "0.19",
        "de",
        ("Berlin", "Hamburg", "München", "Köln", "Leipzig", "Frankfurt am Main"),
        ("Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann"),
    ),
    "FR": Country(
        12,
        "EUR",
        "0.20",
        "fr",
        ("Paris", "Lyon", "Marseille", "Bordeaux", "Lille", "Nantes"),
        ("Louis", "Chloé", "Hugo", "Léa", "Arthur", "Manon", "Jules", "Camille"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"),
    ),
    "PL": Country(
        10,
        "EUR",
        "0.23",
        "pl",
        ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań", "Łódź"),
        ("Jakub", "Zuzanna", "Antoni", "Julia", "Szymon", "Maja", "Filip", "Zofia"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"),
    ),
    "NL": Country(
        10,
        "EUR",
        "0.21",
        "nl",
        ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen"),
        ("Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Finn", "Sophie"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"),
    ),
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example")
WORK_DOMAINS = ("northwind.example", "contoso.example", "initech.example")

# (segment, share of customers, chance of an account, orders range, first and
# last order in days ago). Prospects have an account and no order.
SEGMENTS = (
    ("loyal", 8, 0.9, (10, 28), (400, 720), (0.5, 20)),
    ("regular", 22, 0.7, (3, 8), (60, 700), (1, 60)),
    ("one_time", 40, 0.4, (1, 1), (1, 725), (1, 725)),
    ("lapsed", 15, 0.55, (2, 6), (420, 725), (185, 360)),
    ("prospect", 15, 1.0, (0, 0), (0, 0), (0, 0)),
)
LATE_REGISTRATION = 0.2  # of account holders with orders: ordered as guests first
EMAIL_SWITCH = 0.3  # of late registrants: their guest orders used a work email
DETAILS_CHANGE = 0.1  # of account holders: moved house or changed surname
ABANDONED_CART = 0.15
CANCELLED = 0.04
REFUNDED = 0.03
FROM_CHECKOUT = 0.85
WELCOME_VOUCHER = 0.15
GROWTH = 1.5  # above 1 skews first orders towards the recent end of their window


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category_id: str
    category_name: str
    variants: tuple[tuple[str, str, str, Decimal], ...]  # (id, name, sku, USD price)


Catalogue = tuple[tuple[Product, ...], ...]  # products by category, in CATALOGUE order


@dataclass
class Customer:
    """One shopper's plan: who they are and when they buy."""

    index: int
    first_name: str
    last_name: str
    email: str
    country: str
    city: str
    postal_code: str
    order_times: list[datetime]
    favourite_categories: tuple[int, ...]
    registered_at: datetime | None = None
    guest_email: str | None = None  # guest orders under another address
    email_switch_at: datetime | None = None  # the account takes ``guest_email``
    # (time, last name, city, postal code): later versions of the account.
    changes: list[tuple[datetime, str, str, str]] = field(default_factory=list)
    user_pk: int | None = None

    @property
    def username(self) -> str:
        return f"{DEMO_USERNAME_PREFIX}{self.index:06d}"

    @property
    def currency(self) -> str:
        return COUNTRIES[self.country].currency

    def details_at(self, at: datetime) -> tuple[str, str, str]:
        """Last name, city and postal code as they were at ``at``."""
        current = (self.last_name, self.city, self.postal_code)
        for changed_at, last_name, city, postal_code in self.changes:
            if changed_at <= at:
                current = (last_name, city, postal_code)
        return current

    def address_at(self, at: datetime) -> AddressSnapshot:
        last_name, city, postal_code = self.details_at(at)
        return AddressSnapshot(
            country=self.country,
            city=city,
            postal_code=postal_code,
            first_name=self.first_name,
            last_name=last_name,
        )

    def email_at(self, at: datetime) -> str:
        if self.guest_email and (self.registered_at is None or at < self.registered_at):
            return self.guest_email
        if self.email_switch_at and at >= self.email_switch_at:
            return self.guest_email or self.email
        return self.email

    def user_id_at(self, at: datetime) -> str | None:
        registered = self.registered_at is not None and at >= self.registered_at
        return str(self.user_pk) if registered and self.user_pk is not None else None


def _uuid(seed: int, kind: str, number: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{seed}:{kind}:{number}"))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded.encode("ascii", "ignore").decode() if c.isalnum())


def _postal_code(rng: random.Random, country: str) -> str:
    if country == "GB":
        area = rng.choice(("EC", "SW", "M", "BS", "LS"))
        return f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(('AB', 'DT', 'QX'))}"
    if country == "NL":
        return f"{rng.randint(1000, 9999)} {rng.choice(('AB', 'CD', 'KL', 'XZ'))}"
    if country == "PL":
        return f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}"
    return f"{rng.randint(10000, 99999)}"


def newsletter_choice(email: str) -> str | None:
    """What the shopper ticked at checkout, as the storefront stores it in the
    checkout's ``marketing_consent`` metadata: yes for about 55% of addresses,
    no for 10%, nothing for the rest. Decided by the address, so the store's
    random stream (and every other figure of the demo) stays as it was.
    """
    bucket = zlib.crc32(email.encode()) % 20
    if bucket < 11:
        return "true"
    return "false" if bucket < 13 else None


def build_catalogue() -> Catalogue:
    categories = []
    for category_number, (category_name, items) in enumerate(CATALOGUE, start=1):
        products = []
        for product_number, (name, price) in enumerate(items, start=1):
            product_pk = category_number * 100 + product_number
            variants = tuple(
                (
                    str(product_pk * 10 + variant_number),
                    variant_name,
                    f"{_ascii(category_name)[:3].upper()}-{product_pk}-{variant_number}",
                    (Decimal(price) * Decimal(factor)).quantize(CENT),
                )
                for variant_number, (variant_name, factor) in enumerate(
                    VARIANTS.get(category_name, (("", "1"),)), start=1
                )
            )
            products.append(
                Product(str(product_pk), name, str(category_number), category_name, variants)
            )
        categories.append(tuple(products))
    return tuple(categories)


def _person(rng: random.Random, index: int, taken: set[str]) -> Customer:
    countries = list(COUNTRIES)
    country = rng.choices(countries, weights=[COUNTRIES[c].weight for c in countries])[0]
    details = COUNTRIES[country]
    first, last = rng.choice(details.first_names), rng.choice(details.last_names)
    local = rng.choice(
        (f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)}{_ascii(last)[0]}", _ascii(first))
    ).lower()
    domain = rng.choice(EMAIL_DOMAINS)
    email = f"{local}@{domain}"
    if email in taken:
        # Names hold no digits, so the index makes the address unique at once.
        email = f"{local}{index}@{domain}"
    taken.add(email)
    categories = range(len(CATALOGUE))
    return Customer(
        index=index,
        first_name=first,
        last_name=last,
        email=email,
        country=country,
        city=rng.choice(details.cities),
        postal_code=_postal_code(rng, country),
        order_times=[],
        favourite_categories=tuple(
            rng.choices(categories, weights=CATEGORY_WEIGHTS, k=rng.randint(1, 2))
        ),
    )


def _days_ago(now: datetime, days: float) -> datetime:
    return now - timedelta(seconds=int(days * 86400))


def _plan_customer(rng: random.Random, index: int, now: datetime, taken: set[str]) -> Customer:
    customer = _person(rng, index, taken)
    segment = rng.choices(SEGMENTS, weights=[s[1] for s in SEGMENTS])[0]
    _, _, account_chance, (least, most), first_window, last_window = segment
    count = rng.randint(least, most)
    if count:
        # A growing shop: more customers made their first order recently.
        low, high = first_window
        first = low + (high - low) * rng.random() ** GROWTH
        last = min(rng.uniform(*last_window), first)
        offsets = [first, last] + [rng.uniform(last, first) for _ in range(count - 2)]
        customer.order_times = sorted(_days_ago(now, d) for d in offsets[:count])
    if rng.random() >= account_chance:
        return customer

    if not count:
        customer.registered_at = _days_ago(now, rng.uniform(1, HISTORY_DAYS))
    elif rng.random() < LATE_REGISTRATION:
        first_order = customer.order_times[0]
        customer.registered_at = min(
            first_order + timedelta(seconds=rng.randint(3600, 60 * 86400)),
            now - timedelta(hours=1),
        )
        if rng.random() < EMAIL_SWITCH:
            local = f"{_ascii(customer.first_name)}.{_ascii(customer.last_name)}".lower()
            domain = rng.choice(WORK_DOMAINS)
            if f"{local}@{domain}" in taken:
                local += str(index)
            customer.guest_email = f"{local}@{domain}"
            taken.add(customer.guest_email)
            switch = customer.registered_at + timedelta(seconds=rng.randint(86400, 30 * 86400))
            customer.email_switch_at = switch if switch < now else None
    else:
        customer.registered_at = customer.order_times[0] - timedelta(
            seconds=rng.randint(600, 30 * 86400)
        )
    if rng.random() < DETAILS_CHANGE:
        changed_at = customer.registered_at + timedelta(seconds=rng.randint(86400, 300 * 86400))
        if changed_at < now:
            details = COUNTRIES[customer.country]
            moved = rng.random() < 0.7
            customer.changes.append(
                (
                    changed_at,
                    customer.last_name if moved else rng.choice(details.last_names),
                    rng.choice(details.cities) if moved else customer.city,
                    _postal_code(rng, customer.country) if moved else customer.postal_code,
                )
            )
    return customer


def ensure_users(customers: list[Customer]) -> None:
    """Give each account holder a store user; profiles link to real users.

    A previous run's users are reused, so user ids (and so snapshots) stay
    the same between runs.
    """
    holders = [c for c in customers if c.registered_at is not None]
    user_model = get_user_model()
    existing = dict(
        user_model.objects.filter(username__in=[c.username for c in holders]).values_list(
            "username", "pk"
        )
    )
    user_model.objects.bulk_create(
        [
            user_model(
                username=c.username,
                email=c.email,
                first_name=c.first_name,
                last_name=c.last_name,
                date_joined=c.registered_at,
                password=make_password(None),
            )
            for c in holders
            if c.username not in existing
        ]
    )
    pks = dict(
        user_model.objects.filter(username__in=[c.username for c in holders]).values_list(
            "username", "pk"
        )
    )
    for customer in holders:
        customer.user_pk = pks[customer.username]


def _pick_lines(
    rng: random.Random, catalogue: Catalogue, favourites: tuple[int, ...]
) -> list[tuple[Product, tuple[str, str, str, Decimal], int]]:
    count = rng.choices((1, 2, 3, 4), weights=(50, 30, 15, 5))[0]
    picked: dict[str, tuple[Product, tuple[str, str, str, Decimal], int]] = {}
    for _ in range(count * 2):
        if len(picked) == count:
            break
        if rng.random() < 0.7:
            category = rng.choice(favourites)
        else:
            category = rng.choices(range(len(CATALOGUE)), weights=CATEGORY_WEIGHTS)[0]
        product = rng.choice(catalogue[category])
        if product.product_id not in picked:
            quantity = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
            picked[product.product_id] = (product, rng.choice(product.variants), quantity)
    return list(picked.values())


def _price(usd: Decimal, currency: str) -> Decimal:
    return usd if currency == "USD" else (usd * EUR_PER_USD).quantize(CENT)


def _order(
    rng: random.Random,
    catalogue: Catalogue,
    *,
    order_id: str,
    number: int,
    placed_at: datetime,
    email: str,
    user_id: str | None,
    country: str,
    address: AddressSnapshot,
    favourites: tuple[int, ...],
    checkout_token: str | None,
    voucher: bool = False,
) -> OrderSnapshot:
    """A just-placed, paid order; later versions are ``dataclasses.replace``."""
    currency, vat = COUNTRIES[country].currency, Decimal(COUNTRIES[country].vat)
    lines = []
    for position, (product, (variant_id, variant_name, sku, usd), quantity) in enumerate(
        _pick_lines(rng, catalogue, favourites)
    ):
        unit = _price(usd, currency)
        lines.append(
            OrderLineSnapshot(
                line_id=str(uuid.uuid5(uuid.UUID(order_id), str(position))),
                product_name=product.name,
                variant_name=variant_name,
                quantity=quantity,
                unit_price_gross=unit,
                total_price_gross=unit * quantity,
                product_id=product.product_id,
                variant_id=variant_id,
                sku=sku,
                category_id=product.category_id,
                category_name=product.category_name,
            )
        )
    subtotal = sum((line.total_price_gross for line in lines), Decimal(0))
    discount = (subtotal / 10).quantize(CENT) if voucher else Decimal(0)
    shipping_fee, free_from = SHIPPING[currency]
    gross = subtotal - discount + (shipping_fee if subtotal < free_from else 0)
    return OrderSnapshot(
        order_id=order_id,
        number=str(number),
        created_at=placed_at,
        updated_at=placed_at,
        status="unfulfilled",
        charge_status="full",
        email=email,
        user_id=user_id,
        channel=CHANNELS[currency],
        currency=currency,
        total_gross=gross,
        total_net=(gross / (1 + vat)).quantize(CENT),
        total_charged=gross,
        voucher_code="WELCOME10" if voucher else None,
        checkout_token=checkout_token,
        origin="checkout" if checkout_token else "draft",
        billing_address=address,
        shipping_address=address,
        lines=tuple(lines),
    )


def _checkout_lines(order: OrderSnapshot) -> tuple[CheckoutLineSnapshot, ...]:
    return tuple(
        CheckoutLineSnapshot(
            product_name=line.product_name,
            variant_name=line.variant_name,
            quantity=line.quantity,
            product_id=line.product_id,
            variant_id=line.variant_id,
        )
        for line in order.lines
    )


def _order_events(
    rng: random.Random, order: OrderSnapshot, now: datetime
) -> Iterator[tuple[datetime, str, Snapshot]]:
    """Everything that happens to one order, each a new version of it."""
    placed = order.created_at
    if order.checkout_token:
        started = placed - timedelta(seconds=rng.randint(180, 2700))
        cart = CheckoutSnapshot(
            token=order.checkout_token,
            created_at=started,
            last_change=started,
            currency=order.currency,
            email=order.email,
            user_id=order.user_id,
            channel=order.channel,
            total_gross=order.lines[0].total_price_gross,
            country=order.shipping_address.country if order.shipping_address else "",
            lines=_checkout_lines(order)[:1],
        )
        yield started, EventType.CHECKOUT_CREATED, cart
        ready = placed - timedelta(seconds=rng.randint(30, 120))
        yield (
            ready,
            EventType.CHECKOUT_UPDATED,
            dataclasses.replace(
                cart,
                last_change=ready,
                total_gross=order.total_gross,
                lines=_checkout_lines(order),
                marketing_consent=newsletter_choice(order.email),
            ),
        )

    if rng.random() < CANCELLED:
        # Cancelled orders here were never paid: the shopper changed their mind.
        unpaid = dataclasses.replace(order, charge_status="none", total_charged=Decimal(0))
        yield placed, EventType.ORDER_CREATED, unpaid
        cancelled = placed + timedelta(seconds=rng.randint(3600, 2 * 86400))
        if cancelled < now:
            yield (
                cancelled,
                EventType.ORDER_CANCELLED,
                dataclasses.replace(unpaid, status="canceled", updated_at=cancelled),
            )
        return

    yield placed, EventType.ORDER_CREATED, order
    paid = placed + timedelta(seconds=rng.randint(60, 900))
    if paid >= now:
        return
    yield paid, EventType.ORDER_FULLY_PAID, dataclasses.replace(order, updated_at=paid)
    fulfilled_at = placed + timedelta(seconds=rng.randint(86400, 5 * 86400))
    if fulfilled_at >= now:
        return
    fulfilled = dataclasses.replace(
        order, status="fulfilled", is_fulfilled=True, updated_at=fulfilled_at
    )
    yield fulfilled_at, EventType.ORDER_FULFILLED, fulfilled
    refunded_at = fulfilled_at + timedelta(seconds=rng.randint(3 * 86400, 20 * 86400))
    if rng.random() >= REFUNDED or refunded_at >= now:
        return
    if rng.random() < 0.5:
        largest = max(line.total_price_gross for line in order.lines)
        partial = largest if largest < order.total_gross else (order.total_gross * 3 / 10)
        yield (
            refunded_at,
            EventType.ORDER_REFUNDED,
            dataclasses.replace(
                fulfilled, total_refunded=partial.quantize(CENT), updated_at=refunded_at
            ),
        )
    else:
        yield (
            refunded_at,
            EventType.ORDER_FULLY_REFUNDED,
            dataclasses.replace(
                fulfilled,
                status="returned",
                total_refunded=order.total_gross,
                updated_at=refunded_at,
            ),
        )


def _customer_events(
    customer: Customer, joined: datetime
) -> Iterator[tuple[datetime, str, Snapshot]]:
    address = customer.address_at(joined)
    account = CustomerSnapshot(
        user_id=str(customer.user_pk),
        email=customer.email,
        updated_at=joined,
        first_name=customer.first_name,
        last_name=customer.last_name,
        date_joined=joined,
        language_code=COUNTRIES[customer.country].language,
        default_billing_address=address,
        default_shipping_address=address,
    )
    yield joined, EventType.CUSTOMER_CREATED, account
    versions = [(at, None) for at, *_ in customer.changes]
    if customer.email_switch_at:
        versions.append((customer.email_switch_at, customer.guest_email))
    for at, new_email in sorted(versions, key=lambda v: v[0]):
        last_name, *_ = customer.details_at(at)
        address = customer.address_at(at)
        account = dataclasses.replace(
            account,
            email=new_email or account.email,
            updated_at=at,
            last_name=last_name,
            default_billing_address=address,
            default_shipping_address=address,
        )
        yield at, EventType.CUSTOMER_UPDATED, account


def _abandoned_carts(
    rng: random.Random,
    catalogue: Catalogue,
    customer: Customer,
    now: datetime,
    tokens: Iterator[str],
) -> Iterator[tuple[datetime, str, Snapshot]]:
    active = [t for t in (customer.registered_at, *customer.order_times) if t]
    for _ in range(rng.choices((1, 2), weights=(80, 20))[0]):
        if rng.random() < 0.35:
            started = _days_ago(now, rng.uniform(0.05, 3))
        else:
            started = _days_ago(now, rng.uniform(1, (now - min(active)).days or 1))
        currency = customer.currency
        picked = _pick_lines(rng, catalogue, customer.favourite_categories)
        lines = tuple(
            CheckoutLineSnapshot(
                product_name=product.name,
                variant_name=variant[1],
                quantity=quantity,
                product_id=product.product_id,
                variant_id=variant[0],
            )
            for product, variant, quantity in picked
        )
        cart = CheckoutSnapshot(
            token=next(tokens),
            created_at=started,
            last_change=started,
            currency=currency,
            email=customer.email_at(started),
            user_id=customer.user_id_at(started),
            channel=CHANNELS[currency],
            total_gross=sum((_price(v[3], currency) * q for _, v, q in picked[:1]), Decimal(0)),
            country=customer.country,
            lines=lines[:1],
        )
        yield started, EventType.CHECKOUT_CREATED, cart
        if len(lines) > 1:
            changed = started + timedelta(seconds=rng.randint(60, 1800))
            total = sum((_price(v[3], currency) * q for _, v, q in picked), Decimal(0))
            yield (
                changed,
                EventType.CHECKOUT_UPDATED,
                dataclasses.replace(cart, last_change=changed, total_gross=total, lines=lines),
            )


def _whole_seconds(now: datetime | None) -> datetime:
    return (now or timezone.now()).replace(microsecond=0)


def _plan_customers(rng: random.Random, customers: int, now: datetime) -> list[Customer]:
    taken: set[str] = set()
    return [_plan_customer(rng, index, now, taken) for index in range(customers)]


def plan_customers(customers: int, seed: int = 7, now: datetime | None = None) -> list[Customer]:
    """The shoppers of :func:`generate_store` with the same arguments: names,
    emails and cities, for what else the demo adds (its help desk). Their
    ``user_pk`` is unset; :func:`ensure_users` fills it.
    """
    return _plan_customers(random.Random(seed), customers, _whole_seconds(now))


def generate_store(customers: int, seed: int = 7, now: datetime | None = None) -> Iterator[Event]:
    """The demo store's events, oldest first: ``(event type, snapshot, occurred_at)``.

    Creates the account holders' store users on first use: the snapshots
    carry their ids.
    """
    rng = random.Random(seed)
    now = _whole_seconds(now)
    catalogue = build_catalogue()
    plans = _plan_customers(rng, customers, now)
    ensure_users(plans)

    placed = sorted(
        ((at, customer.index) for customer in plans for at in customer.order_times),
    )
    events: list[tuple[datetime, int, str, Snapshot]] = []
    sequence = itertools.count()
    checkout_numbers = itertools.count()
    ordered_before: set[int] = set()
    for number, (at, index) in enumerate(placed, start=1001):
        customer = plans[index]
        order_id = _uuid(seed, "order", number)
        email = customer.email_at(at)
        if rng.random() < 0.05:
            email = email.title()  # shoppers type their address in all sorts of ways
        order = _order(
            rng,
            catalogue,
            order_id=order_id,
            number=number,
            placed_at=at,
            email=email,
            user_id=customer.user_id_at(at),
            country=customer.country,
            address=customer.address_at(at),
            favourites=customer.favourite_categories,
            checkout_token=(
                _uuid(seed, "checkout", next(checkout_numbers))
                if rng.random() < FROM_CHECKOUT
                else None
            ),
            voucher=index not in ordered_before and rng.random() < WELCOME_VOUCHER,
        )
        ordered_before.add(index)
        for occurred_at, event_type, snapshot in _order_events(rng, order, now):
            events.append((occurred_at, next(sequence), event_type, snapshot))

    tokens = (_uuid(seed, "checkout", n) for n in checkout_numbers)
    for customer in plans:
        if customer.registered_at is not None:
            for occurred_at, event_type, snapshot in _customer_events(
                customer, customer.registered_at
            ):
                events.append((occurred_at, next(sequence), event_type, snapshot))
        chance = ABANDONED_CART * (2 if not customer.order_times else 1)
        if rng.random() < chance:
            for occurred_at, event_type, snapshot in _abandoned_carts(
                rng, catalogue, customer, now, tokens
            ):
                events.append((occurred_at, next(sequence), event_type, snapshot))

    events.sort(key=lambda e: (e[0], e[1]))
    for occurred_at, _, event_type, snapshot in events:
        yield str(event_type), snapshot, occurred_at


def generate_orders(count: int, seed: int = 7, now: datetime | None = None) -> Iterator[Event]:
    """The ingestion benchmark's load: exactly ``count`` order_created events.

    About ``count / 3`` guest shoppers, oldest first, streamed so a million
    orders never sit in memory at once.
    """
    rng = random.Random(seed)
    now = _whole_seconds(now)
    catalogue = build_catalogue()
    taken: set[str] = set()
    shoppers = [_person(rng, index, taken) for index in range(max(1, count // 3))]
    offsets = sorted((rng.uniform(0, HISTORY_DAYS) for _ in range(count)), reverse=True)
    for number, days in enumerate(offsets, start=1001):
        # Squaring skews choice towards the first shoppers: a few buy often.
        shopper = shoppers[int(len(shoppers) * rng.random() ** 2)]
        placed_at = _days_ago(now, days)
        order = _order(
            rng,
            catalogue,
            order_id=_uuid(seed, "order", number),
            number=number,
            placed_at=placed_at,
            email=shopper.email,
            user_id=None,
            country=shopper.country,
            address=shopper.address_at(placed_at),
            favourites=shopper.favourite_categories,
            checkout_token=(
                _uuid(seed, "checkout", number) if rng.random() < FROM_CHECKOUT else None
            ),
        )
        yield str(EventType.ORDER_CREATED), order, placed_at
