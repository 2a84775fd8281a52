"""Segment rules: a tree of conditions over customer profiles, checked and
compiled into one SQL filter.

A tree is ``{"match": "ALL" | "ANY", "conditions": [...], "groups": [...]}``
where each condition is ``{"field", "operator", "value"?, "values"?}`` and
each group is a tree again. :data:`FIELDS` is the one table of what each
field is, which operators it takes and what its values are: validation and
compilation both read it. Values always reach the database as query
parameters (Django lookups), never as SQL text.

The clock is read once per evaluation: "within the last 30 days" means 30
days before ``now`` passed to :func:`compile_rules` (default: the time of
the call).
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from graphql_relay import from_global_id

from ..conf import crm_setting
from ..profiles.models import CustomerProfile, CustomerPurchases, LifecycleStage, RFMSegment
from ..storable import find_unstorable
from ..tickets.models import ACTIVE_STATUSES, Ticket
from .error_codes import SegmentErrorCode

MAX_DEPTH = 4  # groups inside groups below the top level
MAX_CONDITIONS = 50  # in the whole tree
MAX_GROUPS = 20  # in the whole tree
MAX_VALUES = 100  # in one condition's ``values``
MAX_TEXT = 255
MAX_DAYS = 36_500
# Dates a condition may name; a day's end must still be a date.
EARLIEST, LATEST = date(1900, 1, 1), date(9999, 1, 1)


class Match(StrEnum):
    ALL = "ALL"
    ANY = "ANY"


class Operator(StrEnum):
    EQ = "EQ"
    NEQ = "NEQ"
    IN = "IN"
    NOT_IN = "NOT_IN"
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"
    BETWEEN = "BETWEEN"
    CONTAINS = "CONTAINS"
    IS_SET = "IS_SET"
    IS_NOT_SET = "IS_NOT_SET"
    WITHIN_LAST_DAYS = "WITHIN_LAST_DAYS"
    BEFORE_LAST_DAYS = "BEFORE_LAST_DAYS"


# How many values each operator takes: one (``value``), a list (``values``),
# exactly two (``values``: low, high; both included) or none.
ONE, LIST, PAIR, NONE = "one", "list", "pair", "none"
ARITY = {
    Operator.EQ: ONE,
    Operator.NEQ: ONE,
    Operator.GT: ONE,
    Operator.GTE: ONE,
    Operator.LT: ONE,
    Operator.LTE: ONE,
    Operator.CONTAINS: ONE,
    Operator.WITHIN_LAST_DAYS: ONE,
    Operator.BEFORE_LAST_DAYS: ONE,
    Operator.IN: LIST,
    Operator.NOT_IN: LIST,
    Operator.BETWEEN: PAIR,
    Operator.IS_SET: NONE,
    Operator.IS_NOT_SET: NONE,
}


class Field(StrEnum):
    TAG = "TAG"
    LIFECYCLE_STAGE = "LIFECYCLE_STAGE"
    RFM_SEGMENT = "RFM_SEGMENT"
    RFM_RECENCY = "RFM_RECENCY"
    RFM_FREQUENCY = "RFM_FREQUENCY"
    RFM_MONETARY = "RFM_MONETARY"
    ORDERS_COUNT = "ORDERS_COUNT"
    TOTAL_SPENT = "TOTAL_SPENT"
    AVERAGE_ORDER_VALUE = "AVERAGE_ORDER_VALUE"
    FIRST_ORDER_AT = "FIRST_ORDER_AT"
    LAST_ORDER_AT = "LAST_ORDER_AT"
    COUNTRY = "COUNTRY"
    CITY = "CITY"
    LANGUAGE = "LANGUAGE"
    CHANNEL = "CHANNEL"
    BOUGHT_PRODUCT = "BOUGHT_PRODUCT"
    BOUGHT_CATEGORY = "BOUGHT_CATEGORY"
    IS_REGISTERED = "IS_REGISTERED"
    OPEN_TICKETS = "OPEN_TICKETS"
    SATISFACTION = "SATISFACTION"
    EMAIL_CONSENT = "EMAIL_CONSENT"


class InvalidValue(ValueError):
    """A value its field does not take; the message says what it takes."""


# --- value parsers: text as given -> the typed value compared in SQL ---------


def _text(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise InvalidValue("Must not be empty.")
    if len(value) > MAX_TEXT:
        raise InvalidValue(f"At most {MAX_TEXT} characters.")
    return value


def _choice(choices: type) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices.values:
            names = ", ".join(v.upper() for v in choices.values)
            raise InvalidValue(f"Must be one of {names}.")
        return value

    return parse


def _consent_status(raw: str) -> str:
    from .models import ConsentStatus

    return _choice(ConsentStatus)(raw)


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise InvalidValue("Must be a whole number.") from None
        if not low <= value <= high:
            raise InvalidValue(f"Must be between {low} and {high}.")
        return value

    return parse


def _decimal(low: Decimal, high: Decimal) -> Callable[[str], Decimal]:
    def parse(raw: str) -> Decimal:
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise InvalidValue("Must be a number, such as 120.50.") from None
        if not value.is_finite() or not low <= value <= high:
            raise InvalidValue(f"Must be between {low} and {high}.")
        return value

    return parse


@dataclass(frozen=True)
class Moment:
    """A date (the whole day, UTC) or an exact time: ``start <= t < end``
    for a day, ``start == end`` for a time.
    """

    start: datetime
    end: datetime

    @property
    def is_day(self) -> bool:
        return self.end > self.start


def _moment(raw: str) -> Moment:
    raw = raw.strip()
    try:
        day = parse_date(raw) if len(raw) == 10 else None
        moment = None if day else parse_datetime(raw)
    except ValueError:
        day = moment = None
    if day is not None and EARLIEST <= day <= LATEST:
        start = datetime.combine(day, time.min, tzinfo=UTC)
        return Moment(start, start + timedelta(days=1))
    if moment is None or not EARLIEST <= moment.date() <= LATEST:
        raise InvalidValue("Must be a date (2026-01-31) or a date and time with its zone.")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return Moment(moment, moment)


def _country(raw: str) -> str:
    value = raw.strip().upper()
    if len(value) != 2 or not value.isalpha() or not value.isascii():
        raise InvalidValue("Must be a two-letter country code (ISO 3166-1), such as DE.")
    return value


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise InvalidValue("Must be true or false.")
    return value == "true"


def _saleor_id(type_name: str) -> Callable[[str], str]:
    """The primary key inside a Saleor global ID of ``type_name``: what the
    CRM's order lines keep (``OrderLineFact.product_id`` holds Saleor's
    ``Product.pk`` as text, ``category_id`` ``Category.pk``).
    """

    def parse(raw: str) -> str:
        try:
            decoded_type, pk = from_global_id(raw.strip())
        except Exception:  # noqa: BLE001 - any undecodable ID is invalid input
            decoded_type, pk = "", ""
        if decoded_type != type_name or not pk or not pk.isdigit() or len(pk) > 20:
            raise InvalidValue(f"Must be the Saleor global ID of a {type_name}.")
        return pk

    return parse


# --- the field table ---------------------------------------------------------

EQUALITY = frozenset({Operator.EQ, Operator.NEQ, Operator.IN, Operator.NOT_IN})
SET = frozenset({Operator.IS_SET, Operator.IS_NOT_SET})
ORDERING = frozenset(
    {Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.BETWEEN, Operator.EQ}
)
NUMBER = ORDERING | {Operator.NEQ}
DATE = ORDERING | SET | {Operator.WITHIN_LAST_DAYS, Operator.BEFORE_LAST_DAYS}
DAYS = frozenset({Operator.WITHIN_LAST_DAYS, Operator.BEFORE_LAST_DAYS})


@dataclass(frozen=True)
class FieldSpec:
    """One field of :data:`FIELDS`.

    ``column``: the profile column compared (scalar fields); fields with a
    ``compiler`` build their own condition. ``parse`` turns one value into
    what is compared; ``unset``: the column's "no value" (IS_SET / IS_NOT_SET).
    """

    description: str
    operators: frozenset[Operator]
    parse: Callable[[str], Any]
    column: str | None = None
    unset: Any = None
    compiler: str | None = None


FIELDS: dict[Field, FieldSpec] = {
    Field.TAG: FieldSpec(
        "A tag staff gave the profile (exact, case-sensitive). EQ: has it; NEQ: has not; "
        "IN: has any; NOT_IN: has none; IS_SET: has any tag.",
        EQUALITY | SET,
        _text,
        compiler="tags",
    ),
    Field.LIFECYCLE_STAGE: FieldSpec(
        "Lifecycle stage (PROSPECT, NEW, ACTIVE, LOYAL, AT_RISK, LAPSED).",
        EQUALITY,
        _choice(LifecycleStage),
        column="lifecycle_stage",
    ),
    Field.RFM_SEGMENT: FieldSpec(
        "Named RFM segment (CHAMPIONS, LOYAL, …, HIBERNATING); IS_NOT_SET: not scored yet.",
        EQUALITY | SET,
        _choice(RFMSegment),
        column="rfm_segment",
        unset="",
    ),
    Field.RFM_RECENCY: FieldSpec(
        "RFM recency score, 1-5.", NUMBER | EQUALITY | SET, _integer(1, 5), column="rfm_recency"
    ),
    Field.RFM_FREQUENCY: FieldSpec(
        "RFM frequency score, 1-5.",
        NUMBER | EQUALITY | SET,
        _integer(1, 5),
        column="rfm_frequency",
    ),
    Field.RFM_MONETARY: FieldSpec(
        "RFM monetary score, 1-5.", NUMBER | EQUALITY | SET, _integer(1, 5), column="rfm_monetary"
    ),
    Field.ORDERS_COUNT: FieldSpec(
        "Number of orders placed.", NUMBER, _integer(0, 2**31 - 1), column="orders_count"
    ),
    Field.TOTAL_SPENT: FieldSpec(
        "Total spent in the reporting currency.",
        NUMBER,
        _decimal(Decimal(0), Decimal("1e17")),
        column="total_spent",
    ),
    Field.AVERAGE_ORDER_VALUE: FieldSpec(
        "Average order value in the reporting currency.",
        NUMBER,
        _decimal(Decimal(0), Decimal("1e17")),
        column="average_order_value",
    ),
    Field.FIRST_ORDER_AT: FieldSpec(
        "First order: a date (2026-01-31, the whole day in UTC) or a date and time; "
        "WITHIN_LAST_DAYS / BEFORE_LAST_DAYS take a number of days.",
        DATE,
        _moment,
        column="first_order_at",
        compiler="moment",
    ),
    Field.LAST_ORDER_AT: FieldSpec(
        "Last order: as FIRST_ORDER_AT.", DATE, _moment, column="last_order_at", compiler="moment"
    ),
    Field.COUNTRY: FieldSpec(
        "Country code from the addresses (ISO 3166-1 alpha-2).",
        EQUALITY | SET,
        _country,
        column="country",
        unset="",
    ),
    Field.CITY: FieldSpec(
        "City from the addresses (case-insensitive); CONTAINS: part of the name.",
        EQUALITY | SET | {Operator.CONTAINS},
        _text,
        column="city",
        unset="",
        compiler="text",
    ),
    Field.LANGUAGE: FieldSpec(
        "Preferred language code, such as en or pt-BR (case-insensitive).",
        EQUALITY | SET,
        _text,
        column="language_code",
        unset="",
        compiler="text",
    ),
    Field.CHANNEL: FieldSpec(
        "Slug of a sales channel the customer bought in (sales only: not drafts, cancelled "
        "or fully refunded orders). NEQ / NOT_IN: never bought there.",
        EQUALITY,
        _text,
        compiler="channel",
    ),
    Field.BOUGHT_PRODUCT: FieldSpec(
        "Saleor global ID of a product the customer bought (sales only). NEQ / NOT_IN: never "
        "bought it.",
        EQUALITY,
        _saleor_id("Product"),
        compiler="product",
    ),
    Field.BOUGHT_CATEGORY: FieldSpec(
        "Saleor global ID of a category the customer bought from (sales only).",
        EQUALITY,
        _saleor_id("Category"),
        compiler="category",
    ),
    Field.IS_REGISTERED: FieldSpec(
        "Has an account in the store (true) or is a guest (false). EQ only.",
        frozenset({Operator.EQ}),
        _boolean,
        compiler="registered",
    ),
    Field.OPEN_TICKETS: FieldSpec(
        "Number of the customer's open tickets (new, open, pending customer, on hold).",
        NUMBER,
        _integer(0, 2**31 - 1),
        compiler="tickets",
    ),
    Field.SATISFACTION: FieldSpec(
        "Average of the customer's satisfaction ratings, 1-5; IS_NOT_SET: never rated.",
        ORDERING | SET,
        _decimal(Decimal(1), Decimal(5)),
        column="satisfaction_average",
    ),
    Field.EMAIL_CONSENT: FieldSpec(
        "Marketing consent of the profile's email (SUBSCRIBED, UNSUBSCRIBED, "
        "NEVER_SUBSCRIBED, PENDING). A suppressed address (hard bounce, complaint) counts as "
        "UNSUBSCRIBED, so SUBSCRIBED is exactly who campaigns are sent to; profiles with "
        "nothing recorded are NEVER_SUBSCRIBED.",
        EQUALITY,
        _consent_status,
        compiler="consent",
    ),
}


# --- validation --------------------------------------------------------------


@dataclass(frozen=True)
class RuleError:
    """What is wrong, where: ``path`` such as ``rules.groups.0.conditions.2``."""

    path: str
    message: str
    code: SegmentErrorCode


@dataclass(frozen=True)
class Condition:
    field: Field
    operator: Operator
    # One parsed value, a list of them, a (low, high) pair, or None.
    value: Any


@dataclass(frozen=True)
class Group:
    match: Match
    conditions: tuple[Condition, ...]
    groups: tuple[Group, ...]


class InvalidRules(ValueError):
    """The rule tree has errors; ``errors`` lists each with its path."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


def parse_rules(rules: Any, path: str = "rules") -> Group:
    """The checked tree of ``rules``, or :class:`InvalidRules` naming every
    bad condition by its path. An empty top level matches every profile;
    an empty group below it is refused.
    """
    errors: list[RuleError] = []
    counter = [0, 0]  # conditions, groups
    group = _parse_group(rules, path, 0, errors, counter)
    if counter[0] > MAX_CONDITIONS:
        errors.append(
            RuleError(
                path,
                f"At most {MAX_CONDITIONS} conditions in all; there are {counter[0]}.",
                SegmentErrorCode.TOO_COMPLEX,
            )
        )
    if counter[1] > MAX_GROUPS:
        errors.append(
            RuleError(
                path,
                f"At most {MAX_GROUPS} groups in all; there are {counter[1]}.",
                SegmentErrorCode.TOO_COMPLEX,
            )
        )
    if errors:
        raise InvalidRules(errors)
    assert group is not None
    return group


def _parse_group(
    data: Any, path: str, depth: int, errors: list[RuleError], counter: list[int]
) -> Group | None:
    if not isinstance(data, dict):
        errors.append(RuleError(path, "Must be a group of rules.", SegmentErrorCode.INVALID))
        return None
    if unknown := set(data) - {"match", "conditions", "groups"}:
        names = ", ".join(sorted(str(key)[:40] for key in unknown))
        errors.append(RuleError(path, f"Unknown keys: {names}.", SegmentErrorCode.INVALID))
    match = data.get("match") or Match.ALL
    if not isinstance(match, str) or match not in Match.__members__:
        errors.append(RuleError(f"{path}.match", "Must be ALL or ANY.", SegmentErrorCode.INVALID))
        match = Match.ALL
    conditions_data = data.get("conditions") or []
    groups_data = data.get("groups") or []
    for key, items in (("conditions", conditions_data), ("groups", groups_data)):
        if not isinstance(items, list):
            errors.append(RuleError(f"{path}.{key}", "Must be a list.", SegmentErrorCode.INVALID))
    if not isinstance(conditions_data, list) or not isinstance(groups_data, list):
        return None
    if depth > 0 and not conditions_data and not groups_data:
        errors.append(
            RuleError(
                path, "A group needs at least one condition or group.", SegmentErrorCode.REQUIRED
            )
        )
    if groups_data and depth >= MAX_DEPTH:
        errors.append(
            RuleError(
                f"{path}.groups",
                f"Groups nest at most {MAX_DEPTH} levels deep.",
                SegmentErrorCode.TOO_COMPLEX,
            )
        )
        groups_data = []
    counter[0] += len(conditions_data)
    counter[1] += len(groups_data)
    if counter[0] > MAX_CONDITIONS or counter[1] > MAX_GROUPS:
        # Reported once for the tree; parsing the rest would only cost time.
        return None
    conditions = [
        _parse_condition(item, f"{path}.conditions.{i}", errors)
        for i, item in enumerate(conditions_data)
    ]
    groups = [
        _parse_group(item, f"{path}.groups.{i}", depth + 1, errors, counter)
        for i, item in enumerate(groups_data)
    ]
    if any(c is None for c in conditions) or any(g is None for g in groups):
        return None
    return Group(Match(match), tuple(conditions), tuple(groups))  # type: ignore[arg-type]


def _parse_condition(data: Any, path: str, errors: list[RuleError]) -> Condition | None:
    def fail(message: str, code: SegmentErrorCode = SegmentErrorCode.INVALID_VALUE) -> None:
        errors.append(RuleError(path, message, code))

    if not isinstance(data, dict):
        fail("Must be a condition.", SegmentErrorCode.INVALID)
        return None
    if find_unstorable(data) is not None:
        fail("Must not contain NUL characters or invalid Unicode.")
        return None
    field, operator = data.get("field"), data.get("operator")
    if not isinstance(field, str) or field not in Field.__members__:
        fail(f"Unknown field {str(field)[:40]!r}.", SegmentErrorCode.INVALID)
        return None
    if not isinstance(operator, str) or operator not in Operator.__members__:
        fail(f"Unknown operator {str(operator)[:40]!r}.", SegmentErrorCode.INVALID_OPERATOR)
        return None
    spec, operator = FIELDS[Field(field)], Operator(operator)
    if operator not in spec.operators:
        allowed = ", ".join(sorted(spec.operators))
        fail(
            f"{field} does not take {operator}; it takes {allowed}.",
            SegmentErrorCode.INVALID_OPERATOR,
        )
        return None
    value, values = data.get("value"), data.get("values")
    arity = ARITY[operator]
    if operator in DAYS:
        parse = _integer(1, MAX_DAYS)
    else:
        parse = spec.parse
    try:
        if arity == NONE:
            if value is not None or values:
                raise InvalidValue(f"{operator} takes no value.")
            return Condition(Field(field), operator, None)
        if arity == ONE:
            if values:
                raise InvalidValue(f"{operator} takes one `value`, not `values`.")
            if not isinstance(value, str):
                raise InvalidValue(f"{operator} needs a `value`.")
            return Condition(Field(field), operator, parse(value))
        if value is not None:
            raise InvalidValue(f"{operator} takes `values`, not `value`.")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidValue(f"{operator} needs `values`.")
        if arity == PAIR:
            if len(values) != 2:
                raise InvalidValue("BETWEEN takes two `values`: the lowest and the highest.")
            low, high = parse(values[0]), parse(values[1])
            if _start(low) > _start(high):
                raise InvalidValue("BETWEEN: the first value must not exceed the second.")
            return Condition(Field(field), operator, (low, high))
        if not values or len(values) > MAX_VALUES:
            raise InvalidValue(f"{operator} takes 1 to {MAX_VALUES} `values`.")
        return Condition(Field(field), operator, tuple(dict.fromkeys(parse(v) for v in values)))
    except InvalidValue as error:
        fail(str(error))
        return None


def _start(value: Any) -> Any:
    return value.start if isinstance(value, Moment) else value


def clean_rules(rules: Any) -> dict:
    """``rules`` checked and in the stored form: only the keys that mean
    something, values as given (the clock is applied when evaluated).
    """
    parse_rules(rules)

    def clean(group: dict) -> dict:
        return {
            "match": group.get("match") or Match.ALL.value,
            "conditions": [
                {
                    "field": c["field"],
                    "operator": c["operator"],
                    **({"value": c["value"]} if c.get("value") is not None else {}),
                    **({"values": list(c["values"])} if c.get("values") else {}),
                }
                for c in group.get("conditions") or []
            ],
            "groups": [clean(g) for g in group.get("groups") or []],
        }

    return clean(rules)


# --- compilation -------------------------------------------------------------

_COMPARE = {
    Operator.GT: "gt",
    Operator.GTE: "gte",
    Operator.LT: "lt",
    Operator.LTE: "lte",
}
_HOLDS = {
    Operator.EQ: op.eq,
    Operator.NEQ: op.ne,
    Operator.GT: op.gt,
    Operator.GTE: op.ge,
    Operator.LT: op.lt,
    Operator.LTE: op.le,
}


def compile_rules(rules: Any, now: datetime | None = None) -> Q:
    """The ``Q`` selecting the profiles ``rules`` describe (erased profiles
    never: see :func:`members`); :class:`InvalidRules` when they are not valid.
    """
    return _compile_group(parse_rules(rules), now or timezone.now())


def members(rules: Any, now: datetime | None = None):
    """The queryset of the (not erased) profiles matching ``rules``."""
    return CustomerProfile.objects.filter(
        compile_rules(rules, now), erased_at__isnull=True
    ).order_by()


def count_members(rules: Any, now: datetime | None = None) -> int:
    """How many profiles match ``rules`` now: one query. Rules only on what
    was bought (EQ / IN of channels, products, categories, in any groups) are
    counted from :class:`CustomerPurchases` alone, one narrow table: it holds
    no erased profile, so no profile row is read. Mixed with other fields,
    they are counted in :func:`evaluating`'s transaction (one statement more).
    """
    group = parse_rules(rules)
    if _only_bought(group):
        return CustomerPurchases.objects.filter(
            _compile_group(group, now or timezone.now(), _items)
        ).count()
    with evaluating(rules):
        return members(rules, now).count()


BOUGHT = frozenset({"channel", "product", "category"})  # compilers reading CustomerPurchases


def _only_bought(group: Group) -> bool:
    return (
        bool(group.conditions or group.groups)
        and all(
            FIELDS[c.field].compiler in BOUGHT and c.operator in (Operator.EQ, Operator.IN)
            for c in group.conditions
        )
        and all(_only_bought(g) for g in group.groups)
    )


def _reads_buyers(group: Group) -> bool:
    return any(FIELDS[c.field].compiler in BOUGHT for c in group.conditions) or any(
        _reads_buyers(g) for g in group.groups
    )


@contextmanager
def evaluating(rules: Any) -> Iterator[None]:
    """Run the statements of an evaluation of valid ``rules``. When they test
    what customers bought (a channel, a product, a category), run them in a
    transaction with ``work_mem`` at SALEOR_CRM_SEGMENT_WORK_MEM and JIT off
    (``set_config(…, true)``: the settings end with the transaction, the
    connection keeps its own). Other rules need neither and pay no
    statement for it.

    The buyers of a channel or of a product are read once into a hash when
    they fit in ``work_mem``; PostgreSQL's default (4 MB) holds about 100,000
    of them. Beyond it, a condition on them inside an ``ANY`` group or under
    ``NOT`` is checked per profile by its purchases' primary key instead
    (:func:`_bought`).
    """
    if connection.vendor != "postgresql" or not _reads_buyers(parse_rules(rules)):
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                [str(crm_setting("SALEOR_CRM_SEGMENT_WORK_MEM"))],
            )
        yield


def _compile_group(
    group: Group, now: datetime, compile_condition: Callable[[Condition, datetime], Q] | None = None
) -> Q:
    compile_condition = compile_condition or _compile_condition
    parts = [compile_condition(c, now) for c in group.conditions]
    parts += [_compile_group(g, now, compile_condition) for g in group.groups]
    if not parts:
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if group.match == Match.ALL else combined | part
    return combined


def _compile_condition(condition: Condition, now: datetime) -> Q:
    spec = FIELDS[condition.field]
    compiler = _COMPILERS[spec.compiler or "scalar"]
    return compiler(spec, condition.operator, condition.value, now)


def _scalar(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    column = spec.column
    match operator:
        case Operator.EQ:
            return Q(**{column: value})
        case Operator.NEQ:
            return ~Q(**{column: value})
        case Operator.IN:
            return Q(**{f"{column}__in": value})
        case Operator.NOT_IN:
            return ~Q(**{f"{column}__in": value})
        case Operator.BETWEEN:
            return Q(**{f"{column}__gte": value[0], f"{column}__lte": value[1]})
        case Operator.IS_SET | Operator.IS_NOT_SET:
            is_set = Q(**{f"{column}__isnull": False})
            if spec.unset is not None:
                is_set &= ~Q(**{column: spec.unset})
            return is_set if operator == Operator.IS_SET else ~is_set
    return Q(**{f"{column}__{_COMPARE[operator]}": value})


def _text_column(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    column = spec.column
    match operator:
        case Operator.EQ | Operator.NEQ:
            condition = Q(**{f"{column}__iexact": value})
            return condition if operator == Operator.EQ else ~condition
        case Operator.IN | Operator.NOT_IN:
            condition = Q()
            for item in value:
                condition |= Q(**{f"{column}__iexact": item})
            return condition if operator == Operator.IN else ~condition
        case Operator.CONTAINS:
            return Q(**{f"{column}__icontains": value})
    return _scalar(spec, operator, value, now)


def _moment_column(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    column = spec.column
    match operator:
        case Operator.WITHIN_LAST_DAYS:
            return Q(**{f"{column}__gte": now - timedelta(days=value)})
        case Operator.BEFORE_LAST_DAYS:
            return Q(**{f"{column}__lt": now - timedelta(days=value)})
        case Operator.IS_SET | Operator.IS_NOT_SET:
            return Q(**{f"{column}__isnull": operator == Operator.IS_NOT_SET})
        case Operator.BETWEEN:
            low, high = value
            return Q(**{f"{column}__gte": low.start, f"{column}__{_until(high)}": high.end})
        case Operator.EQ:
            if not value.is_day:
                return Q(**{column: value.start})
            return Q(**{f"{column}__gte": value.start, f"{column}__lt": value.end})
        case Operator.GT:
            # After the day: from the next day on.
            return Q(**{f"{column}__{'gte' if value.is_day else 'gt'}": value.end})
        case Operator.GTE:
            return Q(**{f"{column}__gte": value.start})
        case Operator.LT:
            return Q(**{f"{column}__lt": value.start})
        case Operator.LTE:
            return Q(**{f"{column}__{_until(value)}": value.end})
    raise AssertionError(operator)


def _until(moment: Moment) -> str:
    """Up to a day's end (exclusive) or a time (inclusive)."""
    return "lt" if moment.is_day else "lte"


def _tags(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    # ``@>`` and ``&&`` on the array use the tags' GIN index.
    match operator:
        case Operator.EQ:
            return Q(tags__contains=[value])
        case Operator.NEQ:
            return ~Q(tags__contains=[value])
        case Operator.IN:
            return Q(tags__overlap=list(value))
        case Operator.NOT_IN:
            return ~Q(tags__overlap=list(value))
        case Operator.IS_SET:
            return ~Q(tags=[])
    return Q(tags=[])


def _held(kind: str, operator: Operator, value: Any) -> Q:
    """On CustomerPurchases: holds the item (EQ, NEQ) or any of them (IN,
    NOT_IN); ``@>`` and ``&&`` use its GIN index.
    """
    if operator in (Operator.EQ, Operator.NEQ):
        return Q(items__contains=[f"{kind}:{value}"])
    return Q(items__overlap=[f"{kind}:{v}" for v in value])


def _items(condition: Condition, now: datetime) -> Q:
    # A condition of a rule only on what was bought (see count_members).
    return _held(FIELDS[condition.field].compiler or "", condition.operator, condition.value)


def _bought(kind: str, operator: Operator, value: Any) -> Q:
    # A correlated EXISTS: at the top level PostgreSQL joins it (a semi or
    # anti hash join, which spills to disk when large); inside an ANY group or
    # under NOT it becomes a subplan with two plans, the buyers hashed once
    # when they fit in work_mem (see :func:`evaluating`), else a probe of the
    # purchases' primary key per profile. An uncorrelated ``id IN (SELECT …)``
    # has no such fallback: past work_mem its subquery ran again for every
    # profile.
    among = Exists(
        CustomerPurchases.objects.filter(_held(kind, operator, value), profile_id=OuterRef("pk"))
    )
    return Q(among) if operator in (Operator.EQ, Operator.IN) else ~Q(among)


def _purchases(kind: str) -> Callable[[FieldSpec, Operator, Any, datetime], Q]:
    def compile_bought(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
        return _bought(kind, operator, value)

    return compile_bought


def _registered(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    return Q(user__isnull=not value)


def holds(operator: Operator, value: Any, number: Any) -> bool:
    """Whether ``number`` satisfies the (numeric) condition, in Python."""
    if operator == Operator.BETWEEN:
        return value[0] <= number <= value[1]
    return _HOLDS[operator](number, value)


def _open_tickets(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    # Profiles without open tickets have none in the grouped subquery: when
    # 0 satisfies the condition, members are those *not* among the profiles
    # whose count fails it; otherwise those among the ones whose count holds.
    counts = (
        Ticket.objects.filter(status__in=ACTIVE_STATUSES, profile__isnull=False)
        .values("profile_id")
        .annotate(open_tickets=Count("pk"))
    )
    satisfied = _scalar(
        FieldSpec("", spec.operators, spec.parse, column="open_tickets"), operator, value, now
    )
    if holds(operator, value, 0):
        return ~Q(pk__in=counts.filter(~satisfied).values("profile_id"))
    return Q(pk__in=counts.filter(satisfied).values("profile_id"))


def _consent(spec: FieldSpec, operator: Operator, value: Any, now: datetime) -> Q:
    from .models import ConsentChannel, ConsentStatus, MarketingConsent

    given = {value} if operator in (Operator.EQ, Operator.NEQ) else set(value)
    wanted = given if operator in (Operator.EQ, Operator.IN) else set(ConsentStatus.values) - given
    rows = MarketingConsent.objects.filter(channel=ConsentChannel.EMAIL).exclude(email="")
    # The status as campaigns see it: a suppressed subscriber is not subscribed.
    effective = Q(status__in=sorted(wanted - {ConsentStatus.SUBSCRIBED}))
    if ConsentStatus.UNSUBSCRIBED in wanted:
        effective |= Q(status=ConsentStatus.SUBSCRIBED, suppressed_at__isnull=False)
    if ConsentStatus.SUBSCRIBED in wanted:
        effective |= Q(status=ConsentStatus.SUBSCRIBED, suppressed_at__isnull=True)
    matching = Q(email__in=rows.filter(effective).values("email"))
    if ConsentStatus.NEVER_SUBSCRIBED in wanted:
        # Nothing recorded is never subscribed.
        matching |= ~Q(email__in=rows.values("email"))
    return matching


_COMPILERS: dict[str, Callable[[FieldSpec, Operator, Any, datetime], Q]] = {
    "scalar": _scalar,
    "text": _text_column,
    "moment": _moment_column,
    "tags": _tags,
    "channel": _purchases("channel"),
    "product": _purchases("product"),
    "category": _purchases("category"),
    "registered": _registered,
    "consent": _consent,
    "tickets": _open_tickets,
}
