"""The performance harness: ``uv run python -m benchmarks.run`` writes docs/benchmarks.md."""
