"""Benchmarks of the gateway beside Apollo Gateway and Hive Gateway, on the standard workload.

Nothing here is imported by `gateway/`; it drives real processes over 127.0.0.1 and measures them.
"""
