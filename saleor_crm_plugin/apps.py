from django.apps import AppConfig


class SaleorCRMConfig(AppConfig):
    name = "saleor_crm_plugin"
    label = "saleor_crm"
    verbose_name = "Saleor CRM"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Plugin hooks note changes per request and write them when the
        # request ends (see ingestion.recorder).
        from .ingestion.recorder import connect_request_scope

        connect_request_scope()
