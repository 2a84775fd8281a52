"""Every contact with a customer, whatever the channel, on one timeline."""
