"""Incremental export of the CRM's tables for a data warehouse (``crm_export``)."""
