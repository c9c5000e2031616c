"""Benchmarks: how fast the rules and pages are as the club grows. Run with `make bench`."""
