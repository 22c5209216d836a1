"""Placeholder; filled by the simulator work."""
