"""Throttling of what anonymous visitors and customers may do: open, answer
and rate tickets, and what the signed inbound endpoints receive. See
:mod:`.services`.
"""
