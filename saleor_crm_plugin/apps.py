from django.apps import AppConfig


class SaleorCRMConfig(AppConfig):
    name = "saleor_crm_plugin"
    label = "saleor_crm"
    verbose_name = "Saleor CRM"
    default_auto_field = "django.db.models.BigAutoField"
