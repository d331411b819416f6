"""Benchmarks that print figures (not tests): ``python bench/run.py --scale county``."""
