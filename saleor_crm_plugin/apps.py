from django.apps import AppConfig


class SaleorCRMConfig(AppConfig):
    name = "saleor_crm_plugin"
    label = "saleor_crm"
    verbose_name = "Saleor CRM"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Plugin hooks note changes per request and write them when the
        # request ends (see ingestion.recorder).
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401 - registers the system checks
        from .ingestion.recorder import connect_request_scope

        connect_request_scope()
        # Like django.contrib.auth's permissions: schedule rows are data the
        # app keeps in step after every migrate.
        post_migrate.connect(_register_periodic_tasks, sender=self)


def _register_periodic_tasks(sender, using="default", **kwargs):
    from .hosting import writer
    from .schedule import register_periodic_tasks

    with writer():
        register_periodic_tasks()
