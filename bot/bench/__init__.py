"""`make bench`: the numbers in docs/benchmarks.md, measured on the machine that runs it."""
