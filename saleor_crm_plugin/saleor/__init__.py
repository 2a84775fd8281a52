"""The Saleor adapter: the only code of the CRM that imports ``saleor``.

It turns Saleor objects into the core's snapshots, serves the plugin's HTTP
route and authenticates Saleor tokens.
"""
