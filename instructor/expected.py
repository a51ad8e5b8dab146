"""The answers on the public cases, for ``make check``: ``python -m instructor.expected`` rewrites
assignment_checks/expected.json from each exercise's definition.

For every case of every exercise that has answers, the right value of each output and what each
known mistake gives, so the student's checks can name a mistake without computing an answer.
tests/test_expected.py fails while the file and the definitions disagree.
"""
import json
import sys
from pathlib import Path

import numpy as np

from assignment_checks.exercises import EXERCISES
from assignment_checks.local import EXPECTED, public_rng

DIGITS = 9         # significant digits kept: the checks compare to a relative 1e-5


def _plain(value):
    """A float, or nested lists of floats, with DIGITS significant digits."""
    array = np.asarray(value, np.float64)
    rounded = np.vectorize(lambda v: float(f"{v:.{DIGITS}g}"), otypes=[float])(array) if array.size else array
    return rounded.tolist()


def distinct(found):
    """[[labels], value] of each distinct value once, under its first labels with the fewest mistakes,
    which is the one the checks name (Context.name_mistake), so nothing they say changes."""
    kept = {}
    for labels, value in found:
        plain = _plain(value)
        key = json.dumps(plain)
        if key not in kept or len(labels) < len(kept[key][0]):
            kept[key] = [list(labels), plain]
    return list(kept.values())


def expected():
    """{"exercises": {family or name: {case: {output: [[labels], value]}}}} computed by the solution; the
    exercises of a family (naive and vectorized) share their cases, the vectorized one has more."""
    out = {}
    for exercise in EXERCISES:
        if exercise.answers is None:
            continue
        cases = out.setdefault(exercise.key, {})
        for case in exercise.cases(public_rng(exercise), True):
            answers = exercise.answers(case)
            if answers and case.name not in cases:
                cases[case.name] = {key: distinct(found) for key, found in answers.items()}
    return {"exercises": out}


def text():
    return json.dumps(expected(), sort_keys=True, separators=(",", ":")) + "\n"


def main(argv=None):
    Path(EXPECTED).write_text(text())
    print(f"wrote {Path(EXPECTED).relative_to(Path(EXPECTED).parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
