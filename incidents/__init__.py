"""Concerns and cases: the welfare officer's confidential queue."""
