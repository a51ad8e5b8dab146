"""The grader's side of judging: the student's results come from the sandboxed child, the answers
from the exercise's own definition, computed here in the grader's process.

A submission's inputs are drawn from a seed made of its content hash and the exercise: a regrade
gives the same scores, two submissions get different inputs, and none is one of ``make check``'s
public inputs.
"""
import zlib

import numpy as np

from assignment_checks.framework import Context, Failed


def seeded(digest, exercise):
    """The Generator of one exercise's hidden cases for one submission: same content, same inputs (but
    the speed test's timed rounds, drawn from fresh randomness: ``grade.timed_rounds``)."""
    return np.random.default_rng([int.from_bytes(digest[:8], "little"), zlib.crc32(exercise.key.encode())])


def error_text(error):
    """What the student's code raised, as feedback."""
    if "NotImplementedError" in error:
        return f"not written yet ({error})"
    return error


class GraderContext(Context):
    """Judging with the child's outcomes (``sandbox.Run``) and the definition's answers.

    - baseline: {case name: processor seconds} of the timed cases' baselines, measured by the grader.
    """

    def __init__(self, exercise, cases, run, options=None, source=None, baseline=None):
        super().__init__(exercise, cases, options, source)
        self.outcomes = {case.name: outcome for case, outcome in zip(cases, run.outcomes)}
        self.baselines = baseline or {}
        self._answers = {}

    def result(self, name):
        outcome = self.outcomes[name]
        if outcome.error is not None:
            raise Failed(error_text(outcome.error))
        if not isinstance(outcome.out, dict):
            raise Failed("the result could not be read")
        return outcome.out

    def answers(self, name, key):
        return self._all_answers(name).get(key)

    def answer_keys(self, name):
        return list(self._all_answers(name))

    def _all_answers(self, name):
        if name not in self._answers:
            self._answers[name] = self.exercise.answers(self.cases[name])
        return self._answers[name]

    def seconds(self, name):
        self.result(name)
        seconds = self.outcomes[name].cpu_seconds
        if not isinstance(seconds, float) or not seconds > 0:
            raise Failed("the timing could not be read")
        return seconds

    def baseline_seconds(self, name):
        return self.baselines[name]
