"""Merchant-editable CRM options (set through the plugin configuration)."""
