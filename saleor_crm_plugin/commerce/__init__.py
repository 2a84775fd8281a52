"""The CRM's own facts about orders and checkouts."""
