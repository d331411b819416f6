"""Benchmarks that print figures. Run as modules: ``python -m bench.bench_grading``."""
