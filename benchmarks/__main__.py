"""`python -m benchmarks` (make bench): train, evaluate and load-test -> docs/benchmarks.md."""

import argparse
import sys

from benchmarks.main import run_benchmarks


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only",
        choices=["nlu", "speed", "conversations", "load", "rescore"],
        help="nlu: accuracy of this project's pipelines only; speed: training time, the "
        "stock baseline's accuracy, speed and the conversations; conversations: only the "
        "whole-conversation evaluation of the current model on the first-contact sets "
        "(tests/eval/); load: the production topology under load, against the in-memory one "
        "and stock Rasa on the same stores; rescore: recompute scores from stored predictions "
        "at the current "
        "thresholds",
    )
    parser.add_argument(
        "--without-spacy",
        action="store_true",
        help="skip the spaCy pipeline variant (measured and rejected, docs/architecture.md); "
        "halves the time of the accuracy part",
    )
    args = parser.parse_args()
    return run_benchmarks(args.only, with_spacy=not args.without_spacy)


if __name__ == "__main__":
    sys.exit(main())
