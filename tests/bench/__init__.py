"""The performance bench (``make bench``): see tests/bench/run.py and docs/performance.md."""
