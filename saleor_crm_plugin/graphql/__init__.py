"""The CRM's GraphQL API (graphene 2), served through the plugin's route.

Mirrors the core's domains: ``profiles`` now, more to come. Conventions are
Saleor's: Relay connections with ``totalCount``, global IDs, filter and sort
inputs, and ``errors { field code message }`` on every mutation.
"""
