"""`make bench`: the numbers in docs/benchmarks.md, measured on the machine that runs it.
Development tooling: not part of the `bot` package, and not in the production image."""
