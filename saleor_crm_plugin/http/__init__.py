"""The CRM's HTTP surface, below the plugin route ``/plugins/global/saleor.crm``.

Saleor calls :func:`routing.handle` from the plugin's ``webhook()``; a host
project that is not Saleor mounts :func:`routing.crm_view` in its URLconf.
One module per job:

- :mod:`.routing`: the dispatcher and the table of paths below the route.
- :mod:`.graphql_view`: ``/graphql/``, the staff and storefront API (POST
  JSON, GET GraphiQL).
- :mod:`.static`: ``/dashboard/``, the built Dashboard extension.
- :mod:`.inbound`: signed endpoints for other tools (chat, social, phone,
  the mail relay).
- :mod:`.pages`: pages customers open from their email (the survey).
- :mod:`.responses`: the JSON error bodies they share.
"""
