import graphene

from ...privacy.audit import record_profile_read
from ..core.connection import connection_args
from .filters import CustomerProfileFilterInput
from .mutations.customer_profile_update import CustomerProfileUpdate
from .resolvers import resolve_customer_profile, resolve_customer_profiles
from .sorters import CustomerProfileSortingInput
from .types import CustomerProfile, CustomerProfileCountableConnection


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
            "exactly one argument. Requires MANAGE_USERS; by `orderId`, MANAGE_ORDERS too "
            "(null for an order of a channel the requestor has no access to)."
        ),
    )
    customer_profiles = graphene.Field(
        CustomerProfileCountableConnection,
        filter=graphene.Argument(CustomerProfileFilterInput, description="Filtering options."),
        sort_by=graphene.Argument(CustomerProfileSortingInput, description="Sort order."),
        description=(
            "List customer profiles. Requires MANAGE_USERS; filtering or sorting by total "
            "spent, MANAGE_ORDERS with access to all channels."
        ),
        **connection_args(),
    )

    @staticmethod
    def resolve_customer_profile(root, info, id=None, email=None, user_id=None, order_id=None):
        profile = resolve_customer_profile(
            id=id,
            email=email,
            user_id=user_id,
            order_id=order_id,
            requestor=info.context.requestor,
        )
        if profile is not None:
            # Opening one profile is a read staff can audit, recorded at once
            # (its ``reads`` show this opening); not again at the request's end.
            record_profile_read(profile.pk, info.context.requestor)
            info.context.profiles_recorded.add(profile.pk)
        return profile

    @staticmethod
    def resolve_customer_profiles(root, info, filter=None, sort_by=None, **pagination):
        return resolve_customer_profiles(filter, sort_by, **pagination)


class CustomerProfileMutations(graphene.ObjectType):
    customer_profile_update = CustomerProfileUpdate.Field()
