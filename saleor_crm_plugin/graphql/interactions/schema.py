import graphene

from ..core.connection import connection_args
from .filters import InteractionFilterInput
from .mutations.interaction_create import InteractionCreate
from .resolvers import resolve_interactions
from .types import InteractionCountableConnection


class InteractionQueries(graphene.ObjectType):
    interactions = graphene.Field(
        InteractionCountableConnection,
        filter=graphene.Argument(InteractionFilterInput, description="Filtering options."),
        description="Interactions, newest first. Requires MANAGE_USERS.",
        **connection_args(),
    )

    @staticmethod
    def resolve_interactions(root, info, filter=None, **pagination):
        return resolve_interactions(info.context.requestor, filter, **pagination)


class InteractionMutations(graphene.ObjectType):
    interaction_create = InteractionCreate.Field()
