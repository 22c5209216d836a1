"""Simulated Microsoft Graph v1.0 (calendar subset) served under /m365/graph/."""
