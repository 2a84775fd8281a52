"""The CRM's GraphQL API (graphene 2), served through the plugin's route.

Laid out as Saleor's ``saleor/graphql/``: one package per core domain
(``profiles``, ``tickets``, ``interactions``, ``analytics``, ``ingestion``),
each with ``types``, ``enums``, ``filters``/``sorters``, ``resolvers``,
``schema`` (its Queries/Mutations) and ``mutations/`` with one file per
mutation; ``core`` holds what they share (connections, ``BaseMutation``, the
permission table). ``schema.py`` here composes the root types.

Conventions are Saleor's: Relay connections with ``totalCount``, global IDs,
filter and sort inputs, and ``errors { field code message }`` on every mutation,
with codes from the domain's ``error_codes.py``.
"""
