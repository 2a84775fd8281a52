"""Outbound webhooks: CRM events delivered, signed, to the merchant's other systems."""
