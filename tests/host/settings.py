import os

from .database import database_config

SECRET_KEY = os.environ.get("SECRET_KEY", "crm-host-not-secret")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
USE_TZ = True
# The calendar runs of scripts/test-calendar set another zone (DST days).
TIME_ZONE = os.environ.get("CRM_TIME_ZONE", "UTC")
ROOT_URLCONF = "tests.host.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.postgres",
    "django_celery_beat",
    "saleor_crm_plugin",
    "tests.host",
]
# The CRM's routes answer a Host Django refuses in JSON (as README says for Saleor).
MIDDLEWARE = [
    "saleor_crm_plugin.http.middleware.bad_host_middleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {"default": database_config()}

SALEOR_CRM_AUTHENTICATOR = "tests.host.auth.authenticate"
# Storefronts whose pages a guest's emailed ticket link may open (Saleor:
# ALLOWED_CLIENT_HOSTS).
SALEOR_CRM_ALLOWED_CLIENT_HOSTS = ["localhost", "127.0.0.1", "shop.example"]
# Who may frame the Dashboard extension (the e2e tests' stand-in Dashboard).
SALEOR_CRM_DASHBOARD_ORIGINS = os.environ.get("SALEOR_CRM_DASHBOARD_ORIGINS", "")
# Tests count on a task having run when the call that asked for it returns
# (their database transaction is invisible to a background thread).
SALEOR_CRM_DISPATCH = os.environ.get("SALEOR_CRM_DISPATCH", "inline")
if "SALEOR_CRM_BATCH_SIZE" in os.environ:  # benchmarks/ingest.py --batch-size
    SALEOR_CRM_BATCH_SIZE = int(os.environ["SALEOR_CRM_BATCH_SIZE"])

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = False

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "saleor_crm_plugin": {"handlers": ["console"], "level": "WARNING"},
        # graphql-core logs every resolver error, expected ones included;
        # the CRM view logs the unexpected ones itself (as Saleor does).
        "graphql.execution.utils": {"handlers": [], "propagate": False},
        "graphql.execution.executor": {"handlers": [], "propagate": False},
    },
}
