"""Operator pages of the simulator: mailbox week calendar, fault injection, request log."""
