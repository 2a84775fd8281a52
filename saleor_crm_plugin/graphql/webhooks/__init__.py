"""Outbound webhooks: endpoints, their delivery log, replays."""
