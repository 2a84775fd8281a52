"""The help desk: tickets with SLA, assignment, order context and surveys."""
