"""Small shared GraphQL types. Names carry a ``Crm`` prefix where Saleor's
schema already uses the plain name (Money, PageInfo, ranges).
"""

import graphene


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
