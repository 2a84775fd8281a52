"""Privacy: what the CRM does for the people it holds data on.

- :mod:`.scrub`: erasure reaches the event log and the mail copies too.
- :mod:`.export`: everything the CRM holds on a person, as one JSON document
  (an access request).
- :mod:`.audit`: which staff member or app opened which profile, and when.
- :mod:`.names`: how staff are named to customers (never by email).
"""
