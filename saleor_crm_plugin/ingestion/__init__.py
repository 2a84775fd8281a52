"""From store events to CRM state: the inbound event log and its processing."""
