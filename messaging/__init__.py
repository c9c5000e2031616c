"""Outbound messages, the policy rules the worker enforces, delivery and replies."""
