"""Settings of ``campaign_send.py`` and its Celery workers: the host
project's, with real Celery on a broker and mail over SMTP to the sink.

Every value comes from the environment ``campaign_send.py`` sets; the
phase timers of the workers are installed here because the workers import
nothing else of the benchmark's.
"""

import os

from tests.host.settings import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CRM_BENCH_BROKER"]
CELERY_TASK_ALWAYS_EAGER = False
SALEOR_CRM_DISPATCH = "inline"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["CRM_BENCH_SMTP_PORT"])
EMAIL_USE_TLS = False
DEFAULT_FROM_EMAIL = "news@shop.example.com"
SALEOR_CRM_PUBLIC_URL = "https://api.shop.example.com"
SALEOR_CRM_SHOP_NAME = "Bean Shop"
SALEOR_CRM_CAMPAIGN_BATCH_SIZE = int(os.environ.get("CRM_BENCH_BATCH_SIZE", "200"))
SALEOR_CRM_CAMPAIGN_SEND_WORKERS = int(os.environ.get("CRM_BENCH_WORKERS", "2"))
SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW = int(os.environ.get("CRM_BENCH_WINDOW", "20"))
SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = int(os.environ.get("CRM_BENCH_CONNECTIONS", "4"))
LOGGING = {"version": 1, "disable_existing_loggers": False}

if os.environ.get("CRM_BENCH_TIMINGS"):
    from campaign_timers import install  # noqa: E402

    install(os.environ["CRM_BENCH_TIMINGS"])
