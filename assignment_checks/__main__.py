"""python -m assignment_checks [NAME ...]: run the self-checks of every exercise, or of those matching NAME.

Exit status 1 when a check fails or a file does not import, 0 otherwise (exercises not written yet do not fail).
"""
import argparse
import sys

from . import BLOCKED, FAIL, OK, TODO, EXERCISES, run_all
from .exercises import counted


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m assignment_checks", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"only the exercises whose name or file contains NAME (e.g. {EXERCISES[0].name})")
    args = parser.parse_args(argv)
    outcomes = run_all(args.names)
    if not outcomes:
        known = ", ".join(ex.name for ex in EXERCISES)
        print(f"no exercise matches {' '.join(args.names)}; the exercises are: {known}", file=sys.stderr)
        return 2
    for broken in dict.fromkeys(o.broken for o in outcomes if o.broken):      # each broken file once
        print(f"error: {broken}\n")
    for outcome in outcomes:
        print(outcome.report())
    counts = {v: sum(o.verdict == v for o in outcomes) for v in (OK, FAIL, TODO, BLOCKED)}
    blocked = f", {counts[BLOCKED]} cannot run" if counts[BLOCKED] else ""
    print(f"\n{counted([o.exercise for o in outcomes])}: {counts[OK]} ok, {counts[FAIL]} failed{blocked}, "
          f"{counts[TODO]} not written yet")
    return 1 if counts[FAIL] or counts[BLOCKED] else 0


if __name__ == "__main__":
    sys.exit(main())
