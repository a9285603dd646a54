"""Benchmarks, run with `make bench` (`python -m bench`). Timings are printed, never asserted in tests."""
