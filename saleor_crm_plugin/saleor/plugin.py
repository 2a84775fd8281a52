"""Saleor adapter: the CRM as a Saleor plugin.

Each hook only notes, in memory and with no query, which Saleor object
changed and what the store announced (see
:mod:`saleor_crm_plugin.ingestion.recorder`): the five hooks of a paid
checkout become one event, written in one INSERT at the end of the
request, and a worker builds the snapshot. Hooks never raise: Saleor does
not catch plugin exceptions, and a CRM failure must not fail a checkout or
an order mutation. The plugin's HTTP route serves the
CRM API at ``/plugins/global/saleor.crm/graphql/``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotFound
from saleor.plugins.base_plugin import BasePlugin, ConfigurationTypeField

from ..configuration.services import update_configuration, validate_options
from ..ingestion.events import EventType
from ..ingestion.recorder import note_store_event
from .snapshots import checkout_snapshot, deleted_customer_snapshot

logger = logging.getLogger(__name__)

# Configuration names, in the order the Dashboard shows them.
AT_RISK = "at_risk_after_days"
LAPSED = "lapsed_after_days"
ABANDONED = "checkout_abandoned_after_hours"
CURRENCY = "reporting_currency"
RATES = "exchange_rates"
SUPPORT_EMAIL = "support_email"
INBOUND_SECRET = "inbound_secret"
INBOUND_SECRET_PREVIOUS = "inbound_secret_previous"
CONSENT_METADATA_KEY = "consent_metadata_key"


class CRMPlugin(BasePlugin):
    PLUGIN_ID = "saleor.crm"
    PLUGIN_NAME = "CRM"
    PLUGIN_DESCRIPTION = (
        "Customer 360 profiles for every buyer, guests included: orders, spend, "
        "lifecycle stage, RFM and a timeline, kept live from store events. "
        "API: /plugins/global/saleor.crm/graphql/"
    )
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = False
    DEFAULT_CONFIGURATION = [
        {"name": AT_RISK, "value": "90"},
        {"name": LAPSED, "value": "180"},
        {"name": ABANDONED, "value": "24"},
        {"name": CURRENCY, "value": "USD"},
        {"name": RATES, "value": ""},
        {"name": SUPPORT_EMAIL, "value": ""},
        {"name": INBOUND_SECRET, "value": ""},
        {"name": INBOUND_SECRET_PREVIOUS, "value": ""},
        {"name": CONSENT_METADATA_KEY, "value": ""},
    ]
    CONFIG_STRUCTURE = {
        AT_RISK: {
            "type": ConfigurationTypeField.STRING,
            "label": "Days until a customer is at risk",
            "help_text": "A customer whose last order is this many days old is 'at risk'.",
        },
        LAPSED: {
            "type": ConfigurationTypeField.STRING,
            "label": "Days until a customer has lapsed",
            "help_text": "After this many days without an order a customer has 'lapsed'. "
            "Must be more than the at-risk threshold.",
        },
        ABANDONED: {
            "type": ConfigurationTypeField.STRING,
            "label": "Hours until a checkout counts as abandoned",
            "help_text": "A checkout with items, untouched this long, is abandoned.",
        },
        CURRENCY: {
            "type": ConfigurationTypeField.STRING,
            "label": "Reporting currency",
            "help_text": "ISO 4217 code. Totals across channels are reported in it.",
        },
        RATES: {
            "type": ConfigurationTypeField.STRING,
            "label": "Exchange rates to the reporting currency",
            "help_text": "E.g. 'EUR=1.08, GBP=1.27'. Orders in currencies without a rate "
            "count only in per-currency figures.",
        },
        SUPPORT_EMAIL: {
            "type": ConfigurationTypeField.STRING,
            "label": "Help desk email address",
            "help_text": "Ticket replies are sent from it; customers' answers come back to "
            "its plus-address (support+t<ref>@…), which your mail relay forwards to "
            "/plugins/global/saleor.crm/tickets/inbound-email/.",
        },
        INBOUND_SECRET: {
            "type": ConfigurationTypeField.SECRET,
            "label": "Inbound signing secret",
            "help_text": "At least 24 characters, shared with chat/social tools and the mail "
            "relay: they sign what they send with HMAC-SHA256.",
        },
        INBOUND_SECRET_PREVIOUS: {
            "type": ConfigurationTypeField.SECRET,
            "label": "Previous inbound signing secret",
            "help_text": "While rotating: the secret senders used until now, still accepted "
            "next to the new one. Clear it once every tool and the mail relay sign with the "
            "new secret.",
        },
        CONSENT_METADATA_KEY: {
            "type": ConfigurationTypeField.STRING,
            "label": "Marketing consent metadata key",
            "help_text": "Key in the public metadata of customers and checkouts where your "
            "storefront stores newsletter consent (e.g. 'marketing_consent': 'true' or "
            "'false'). The CRM records it in the consent ledger. Empty: not imported.",
        },
    }

    # --- configuration -----------------------------------------------------

    @staticmethod
    def _options(plugin_configuration) -> dict[str, Any]:
        return {item["name"]: item["value"] for item in plugin_configuration.configuration}

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **kwargs):
        try:
            validate_options(cls._options(plugin_configuration))
        except ValidationError as error:
            raise ValidationError(
                {
                    field: ValidationError(" ".join(e.messages), code="invalid")
                    for field, errors in error.error_dict.items()
                    for e in errors
                }
            ) from error

    @classmethod
    def save_plugin_configuration(cls, plugin_configuration, cleaned_data):
        plugin_configuration = super().save_plugin_configuration(plugin_configuration, cleaned_data)
        # Workers read the options from the CRM's own table (no plugin there).
        try:
            update_configuration(**cls._options(plugin_configuration))
        except Exception:  # noqa: BLE001 - the saved configuration stays valid
            logger.exception("CRM could not store its configuration")
        return plugin_configuration

    # --- hooks -------------------------------------------------------------

    @staticmethod
    def _note(event_type: str, obj: Any, snapshot: Callable[[Any], Any] | None = None) -> None:
        try:
            note_store_event(
                event_type,
                str(obj.pk),
                snapshot=snapshot(obj) if snapshot is not None else None,
            )
        except Exception:  # noqa: BLE001 - never break the store
            logger.exception("CRM could not note %s for %r", event_type, obj)

    def order_created(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_CREATED, order)
        return previous_value

    def order_confirmed(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_CONFIRMED, order)
        return previous_value

    def order_updated(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_UPDATED, order)
        return previous_value

    def order_paid(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_PAID, order)
        return previous_value

    def order_fully_paid(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_FULLY_PAID, order)
        return previous_value

    def order_cancelled(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_CANCELLED, order)
        return previous_value

    def order_fulfilled(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_FULFILLED, order)
        return previous_value

    def order_refunded(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_REFUNDED, order)
        return previous_value

    def order_fully_refunded(self, order, previous_value, webhooks=None):
        self._note(EventType.ORDER_FULLY_REFUNDED, order)
        return previous_value

    def _consent_key(self) -> str:
        """The consent metadata key, from the configuration Saleor loaded
        with the plugin (no query).
        """
        for item in self.configuration or ():
            if item.get("name") == CONSENT_METADATA_KEY:
                return (item.get("value") or "").strip()
        return ""

    def _checkout_snapshot(self, checkout) -> Callable[[], Any]:
        key = self._consent_key()
        return lambda: checkout_snapshot(checkout, key)

    # Saleor deletes a checkout when it completes, maybe before a worker
    # looks: its snapshot is built when the request's notes are written.
    def checkout_created(self, checkout, previous_value, webhooks=None):
        self._note(EventType.CHECKOUT_CREATED, checkout, self._checkout_snapshot)
        return previous_value

    def checkout_updated(self, checkout, previous_value, webhooks=None):
        self._note(EventType.CHECKOUT_UPDATED, checkout, self._checkout_snapshot)
        return previous_value

    # updateMetadata on a checkout or a user fires only these (unless the
    # shop keeps Saleor's legacy emission, which adds *_updated: one event
    # all the same). Saleor bumps last_change / updated_at with the change,
    # which dates the consent read from it.
    def checkout_metadata_updated(self, checkout, previous_value, webhooks=None):
        self._note(EventType.CHECKOUT_UPDATED, checkout, self._checkout_snapshot)
        return previous_value

    def customer_metadata_updated(self, customer, previous_value, webhooks=None):
        self._note(EventType.CUSTOMER_UPDATED, customer)
        return previous_value

    def customer_created(self, customer, previous_value):
        self._note(EventType.CUSTOMER_CREATED, customer)
        return previous_value

    def customer_updated(self, customer, previous_value, webhooks=None):
        # Also how staff confirm an account (isConfirmed in customerUpdate).
        self._note(EventType.CUSTOMER_UPDATED, customer)
        return previous_value

    def account_confirmed(self, user, previous_value):
        # confirmAccount: the customer proved the email; now the account links
        # to its profile (customer_created came before, unconfirmed).
        self._note(EventType.ACCOUNT_CONFIRMED, user)
        return previous_value

    def customer_deleted(self, customer, previous_value, webhooks=None):
        # The account is gone when a worker looks: keep what erasure needs now.
        self._note(EventType.CUSTOMER_DELETED, customer, deleted_customer_snapshot)
        return previous_value

    def account_deleted(self, user, previous_value):
        self._note(EventType.ACCOUNT_DELETED, user, deleted_customer_snapshot)
        return previous_value

    # --- HTTP --------------------------------------------------------------

    def webhook(self, request, path, previous_value):
        # The legacy /plugins/<id>/ route reaches here even when inactive.
        if not self.active:
            return HttpResponseNotFound()
        from ..http.routing import handle
        from .auth import authenticate

        return handle(request, path, authenticator=authenticate)
