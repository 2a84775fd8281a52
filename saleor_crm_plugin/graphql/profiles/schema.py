from datetime import UTC, datetime

import graphene
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from graphql_relay import from_global_id

from ...commerce.models import OrderFact
from ...profiles import models
from ...snapshots import normalize_email
from ..core.connection import connection_args, paginate
from ..core.enums import CrmSortDirection
from ..core.errors import InvalidInput
from ..core.types import (
    CrmDateTimeRangeInput,
    CrmDecimalRangeInput,
    CrmIntRangeInput,
)
from .enums import (
    CustomerLifecycleStageEnum,
    CustomerProfileErrorCode,
    CustomerProfileSortField,
    CustomerRfmSegmentEnum,
)
from .types import CustomerProfile, CustomerProfileCountableConnection

MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_NOTE_LENGTH = 20_000
# Profiles without orders sort as if their last order were at the epoch.
NO_ORDER = datetime(1970, 1, 1, tzinfo=UTC)


class CustomerProfileFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Matches email, name or city (case-insensitive).")
    lifecycle_stages = graphene.List(
        graphene.NonNull(CustomerLifecycleStageEnum), description="Any of these stages."
    )
    rfm_segments = graphene.List(
        graphene.NonNull(CustomerRfmSegmentEnum), description="Any of these RFM segments."
    )
    countries = graphene.List(
        graphene.NonNull(graphene.String), description="Any of these country codes."
    )
    tags = graphene.List(graphene.NonNull(graphene.String), description="Having all these tags.")
    is_guest = graphene.Boolean(description="Only guests (true) or only account holders (false).")
    orders_count = graphene.Field(CrmIntRangeInput, description="Number of orders.")
    total_spent = graphene.Field(
        CrmDecimalRangeInput, description="Total spent in the reporting currency."
    )
    last_order_at = graphene.Field(CrmDateTimeRangeInput, description="Date of the last order.")

    class Meta:
        description = "Filter customer profiles; all given conditions must hold."


class CustomerProfileSortingInput(graphene.InputObjectType):
    direction = graphene.Field(CrmSortDirection, required=True, description="Sort direction.")
    field = graphene.Field(CustomerProfileSortField, required=True, description="Sort by.")

    class Meta:
        description = "Order of customer profiles."


def _range(queryset, field: str, bounds) -> object:
    if not bounds:
        return queryset
    if bounds.get("gte") is not None:
        queryset = queryset.filter(**{f"{field}__gte": bounds["gte"]})
    if bounds.get("lte") is not None:
        queryset = queryset.filter(**{f"{field}__lte": bounds["lte"]})
    return queryset


def filter_profiles(queryset, data: dict):
    if search := (data.get("search") or "").strip().lower():
        queryset = queryset.filter(search_document__contains=search)
    if stages := data.get("lifecycle_stages"):
        queryset = queryset.filter(lifecycle_stage__in=stages)
    if segments := data.get("rfm_segments"):
        queryset = queryset.filter(rfm_segment__in=segments)
    if countries := data.get("countries"):
        queryset = queryset.filter(country__in=[c.upper() for c in countries])
    if tags := data.get("tags"):
        queryset = queryset.filter(tags__contains=tags)
    if data.get("is_guest") is not None:
        queryset = queryset.filter(user__isnull=data["is_guest"])
    queryset = _range(queryset, "orders_count", data.get("orders_count"))
    queryset = _range(queryset, "total_spent", data.get("total_spent"))
    return _range(queryset, "last_order_at", data.get("last_order_at"))


def sort_keys(sort_by: dict | None) -> tuple[dict, list[tuple[str, bool]]]:
    """Annotations and (key, descending) pairs for the connection."""
    field = (sort_by or {}).get("field") or CustomerProfileSortField.LAST_ORDER_AT.value
    descending = (sort_by or {}).get("direction", "DESC") == "DESC"
    if field == CustomerProfileSortField.LAST_ORDER_AT.value:
        return (
            {"sort_last_order_at": Coalesce(F("last_order_at"), Value(NO_ORDER))},
            [("sort_last_order_at", descending)],
        )
    return {}, [(field, descending)]


class CustomerProfileQueries(graphene.ObjectType):
    customer_profile = graphene.Field(
        CustomerProfile,
        id=graphene.Argument(graphene.ID, description="ID of the profile."),
        email=graphene.Argument(graphene.String, description="Email of the customer."),
        user_id=graphene.Argument(
            graphene.ID,
            description=(
                "Saleor global ID of the customer's account (`User`); what Dashboard "
                "customer extensions receive as `customerId`."
            ),
        ),
        order_id=graphene.Argument(
            graphene.ID,
            description=(
                "Saleor global ID of an order (`Order`); the profile of the customer who "
                "placed it, guest or not."
            ),
        ),
        description=(
            "Look up one customer profile by ID, email, Saleor customer or Saleor order. Give "
            "exactly one argument. Requires MANAGE_USERS."
        ),
    )
    customer_profiles = graphene.Field(
        CustomerProfileCountableConnection,
        filter=graphene.Argument(CustomerProfileFilterInput, description="Filtering options."),
        sort_by=graphene.Argument(CustomerProfileSortingInput, description="Sort order."),
        description="List customer profiles. Requires MANAGE_USERS.",
        **connection_args(),
    )

    @staticmethod
    def resolve_customer_profile(root, info, id=None, email=None, user_id=None, order_id=None):
        given = [value for value in (id, email, user_id, order_id) if value]
        if len(given) != 1:
            raise InvalidInput("Provide exactly one of `id`, `email`, `userId` or `orderId`.")
        if id:
            pk = decode_profile_id(id)
            return models.CustomerProfile.objects.filter(pk=pk).first() if pk else None
        if user_id:
            pk = _saleor_pk(user_id, "User")
            return models.CustomerProfile.objects.filter(user_id=pk).first() if pk else None
        if order_id:
            pk = _saleor_pk(order_id, "Order")
            order = (
                OrderFact.objects.filter(pk=pk).select_related("profile").first() if pk else None
            )
            return order.profile if order else None
        return models.CustomerProfile.objects.filter(email=normalize_email(email)).first()

    @staticmethod
    def resolve_customer_profiles(root, info, filter=None, sort_by=None, **pagination):
        annotations, keys = sort_keys(sort_by)
        queryset = filter_profiles(models.CustomerProfile.objects.all(), filter or {})
        return paginate(queryset.annotate(**annotations), keys, **pagination)


def _saleor_pk(global_id: str, type_name: str) -> str | None:
    """The primary key in a Saleor global ID of ``type_name``, else None."""
    try:
        decoded_type, pk = from_global_id(global_id)
    except Exception:  # noqa: BLE001 - any undecodable ID is simply unknown
        return None
    return pk if decoded_type == type_name and pk else None


def decode_profile_id(global_id: str):
    """The profile's UUID, or None when the ID is not a profile ID."""
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:  # noqa: BLE001 - any undecodable ID is simply unknown
        return None
    if type_name != "CustomerProfile":
        return None
    try:
        return models.CustomerProfile._meta.pk.to_python(pk)
    except ValidationError:
        return None


class CustomerProfileError(graphene.ObjectType):
    field = graphene.String(description="Input field the error is about; null for the whole input.")
    code = graphene.Field(CustomerProfileErrorCode, required=True, description="Error code.")
    message = graphene.String(description="What went wrong.")

    class Meta:
        description = "An error from a customer profile mutation."


class CustomerProfileUpdateInput(graphene.InputObjectType):
    tags = graphene.List(
        graphene.NonNull(graphene.String), description="Replaces the profile's tags."
    )
    note = graphene.String(description="Replaces the profile's note.")

    class Meta:
        description = "Staff-editable parts of a customer profile."


class CustomerProfileUpdate(graphene.Mutation):
    profile = graphene.Field(CustomerProfile, description="The updated profile.")
    errors = graphene.List(
        graphene.NonNull(CustomerProfileError), required=True, description="Errors, if any."
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the profile.")
        input = CustomerProfileUpdateInput(required=True, description="Fields to change.")

    class Meta:
        description = "Edit a customer profile's tags and note. Requires MANAGE_USERS."

    @classmethod
    def mutate(cls, root, info, id, input):
        try:
            profile = cls.perform_mutation(id, input)
        except ValidationError as error:
            return cls(profile=None, errors=validation_errors(error))
        return cls(profile=profile, errors=[])

    @staticmethod
    def clean_input(data: dict) -> dict:
        cleaned = {}
        if data.get("tags") is not None:
            tags = []
            for tag in data["tags"]:
                tag = tag.strip()
                if not tag:
                    continue
                if len(tag) > MAX_TAG_LENGTH:
                    raise ValidationError(
                        {
                            "tags": ValidationError(
                                f"Tags are at most {MAX_TAG_LENGTH} characters.",
                                code=CustomerProfileErrorCode.INVALID.value,
                            )
                        }
                    )
                if tag not in tags:
                    tags.append(tag)
            if len(tags) > MAX_TAGS:
                raise ValidationError(
                    {
                        "tags": ValidationError(
                            f"A profile has at most {MAX_TAGS} tags.",
                            code=CustomerProfileErrorCode.INVALID.value,
                        )
                    }
                )
            cleaned["tags"] = tags
        if data.get("note") is not None:
            if len(data["note"]) > MAX_NOTE_LENGTH:
                raise ValidationError(
                    {
                        "note": ValidationError(
                            f"The note is at most {MAX_NOTE_LENGTH} characters.",
                            code=CustomerProfileErrorCode.INVALID.value,
                        )
                    }
                )
            cleaned["note"] = data["note"]
        return cleaned

    @classmethod
    def perform_mutation(cls, id: str, data: dict) -> models.CustomerProfile:
        pk = decode_profile_id(id)
        with transaction.atomic():
            profile = (
                models.CustomerProfile.objects.select_for_update().filter(pk=pk).first()
                if pk
                else None
            )
            if profile is None:
                raise ValidationError(
                    {
                        "id": ValidationError(
                            "Couldn't resolve to a customer profile.",
                            code=CustomerProfileErrorCode.NOT_FOUND.value,
                        )
                    }
                )
            if profile.is_erased:
                raise ValidationError(
                    {
                        "id": ValidationError(
                            "This customer's data has been erased.",
                            code=CustomerProfileErrorCode.INVALID.value,
                        )
                    }
                )
            cleaned = cls.clean_input(data)
            for name, value in cleaned.items():
                setattr(profile, name, value)
            if cleaned:
                profile.save(update_fields=[*cleaned, "updated_at"])
        return profile


def validation_errors(error: ValidationError) -> list[CustomerProfileError]:
    result = []
    for field, errors in (
        error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    ):
        for item in errors:
            result.append(
                CustomerProfileError(
                    field=field,
                    code=item.code or CustomerProfileErrorCode.INVALID.value,
                    message=" ".join(item.messages),
                )
            )
    return result


class CustomerProfileMutations(graphene.ObjectType):
    customer_profile_update = CustomerProfileUpdate.Field()
