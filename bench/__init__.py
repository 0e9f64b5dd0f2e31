"""Benchmarks: ``python -m bench.pages`` (see bench/README.md)."""
