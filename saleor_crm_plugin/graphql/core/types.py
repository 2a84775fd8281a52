"""Small shared GraphQL types. Names carry a ``Crm`` prefix where Saleor's
schema already uses the plain name (Money, PageInfo, ranges).
"""

from decimal import Decimal, InvalidOperation

import graphene
from graphql.language import ast


class CrmMoney(graphene.ObjectType):
    amount = graphene.Float(required=True, description="Amount of money.")
    currency = graphene.String(required=True, description="Currency code (ISO 4217).")

    class Meta:
        description = "An amount of money in a currency."


def money(amount, currency):
    if currency is None or amount is None:
        return None
    return CrmMoney(amount=float(amount), currency=currency)


class CrmIntRangeInput(graphene.InputObjectType):
    gte = graphene.Int(description="Value greater than or equal to.")
    lte = graphene.Int(description="Value less than or equal to.")

    class Meta:
        description = "A range of whole numbers; either end may be omitted."


class CrmDecimalRangeInput(graphene.InputObjectType):
    gte = graphene.Float(description="Value greater than or equal to.")
    lte = graphene.Float(description="Value less than or equal to.")

    class Meta:
        description = "A range of amounts; either end may be omitted."


class CrmDateTimeRangeInput(graphene.InputObjectType):
    gte = graphene.DateTime(description="Start of the range (inclusive).")
    lte = graphene.DateTime(description="End of the range (inclusive).")

    class Meta:
        description = (
            "A range of date-times; either end may be omitted. A date-time without a time "
            "zone is read as UTC."
        )


class CrmDecimal(graphene.Scalar):
    """An exact decimal number, as a string ("12.50") or a number. Input that
    is not a finite number is refused by GraphQL's own validation (graphene's
    ``Decimal`` raises on it instead).
    """

    @staticmethod
    def serialize(value):
        return str(value)

    @staticmethod
    def parse_value(value):
        if isinstance(value, bool):
            return None
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError, TypeError):
            return None
        return number if number.is_finite() else None

    @classmethod
    def parse_literal(cls, node):
        if isinstance(node, (ast.StringValue, ast.IntValue, ast.FloatValue)):
            return cls.parse_value(node.value)
        return None
