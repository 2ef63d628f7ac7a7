"""Benchmarks, run as `debate bench ...`; apart from the product's code paths."""
