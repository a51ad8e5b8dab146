"""The assignment's tests: one per exercise, run by `make test`.

An exercise you have not written yet is skipped with the message that says where
to write it; a written one must pass its self-checks (`make check` shows the details).
"""
import pytest

import assignment_checks


@pytest.mark.parametrize("exercise", assignment_checks.EXERCISES, ids=lambda ex: ex.name)
def test_exercise(exercise):
    outcome = assignment_checks.run(exercise)
    if outcome.verdict == assignment_checks.TODO:
        pytest.skip(outcome.message)
    assert outcome.verdict == assignment_checks.OK, outcome.report()
