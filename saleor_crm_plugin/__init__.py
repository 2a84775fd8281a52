"""saleor-crm-plugin: a CRM that lives inside a Saleor store.

The core (models, services, tasks) works on plain snapshots and knows nothing
of Saleor; the Saleor adapter (``plugin.py`` and the ``saleor_*`` modules)
is the only code that imports ``saleor``.
"""

__version__ = "0.1.0"
