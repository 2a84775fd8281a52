from decimal import Decimal

from django.db import models


class CRMConfiguration(models.Model):
    """The merchant's CRM options; a single row (pk=1).

    The Saleor adapter writes it whenever staff save the plugin's
    configuration, so Celery workers read it without a plugin instance.
    """

    SINGLETON_PK = 1

    at_risk_after_days = models.PositiveIntegerField(default=90)
    lapsed_after_days = models.PositiveIntegerField(default=180)
    checkout_abandoned_after_hours = models.PositiveIntegerField(default=24)
    reporting_currency = models.CharField(max_length=3, default="USD")
    # {"EUR": "1.08"}: one unit of EUR is worth 1.08 of the reporting currency.
    exchange_rates = models.JSONField(default=dict, blank=True)
    # Help desk mail: From address of replies; replies to the customer come
    # back to its plus-address (support+t<token>@…) and thread into the ticket.
    support_email = models.CharField(max_length=254, blank=True, default="")
    # Shared with chat/social tools and the mail relay: HMAC-SHA256 key that
    # signs what they send to the CRM's inbound endpoints.
    inbound_secret = models.CharField(max_length=255, blank=True, default="")
    # While integrators move to a new secret, signatures with the one before
    # are accepted too; empty once every sender signs with the new one.
    inbound_secret_previous = models.CharField(max_length=255, blank=True, default="")
    # The host's id of the App that carries the CRM's Dashboard extensions,
    # kept by crm_install_dashboard: third-party tokens are accepted only
    # when issued for that App (any App can be given the same identifier).
    dashboard_app_id = models.CharField(max_length=64, blank=True, default="")
    # Metadata key on Saleor users and checkouts where storefronts keep the
    # customer's newsletter consent ("marketing_consent"); "" imports none.
    consent_metadata_key = models.CharField(max_length=255, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "CRM configuration"

    def rate_for(self, currency: str) -> Decimal | None:
        if currency == self.reporting_currency:
            return Decimal(1)
        rate = self.exchange_rates.get(currency)
        return Decimal(str(rate)) if rate is not None else None
