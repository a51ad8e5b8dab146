"""The assignment's tests: one per exercise, run by `make test`.

An exercise you have not written yet is skipped with the message that says where
to write it; a written one must pass its self-checks (`make check` shows the details).
"""
import pytest

import checks


@pytest.mark.parametrize("exercise", checks.EXERCISES, ids=lambda ex: ex.name)
def test_exercise(exercise):
    outcome = checks.run(exercise)
    if outcome.verdict == checks.TODO:
        pytest.skip(outcome.message)
    assert outcome.verdict == checks.OK, outcome.report()
