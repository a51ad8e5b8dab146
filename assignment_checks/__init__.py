"""Self-checks for the exercises: ``python -m assignment_checks`` (or ``make check``) runs them in seconds.

Each exercise (defined once in ``assignment_checks/exercises/``) is judged on its public cases with the
grader's own properties, so a failed check names the mistake in the grader's words. See
``assignment_checks/local.py`` for the verdicts.
"""
from .exercises import EXERCISES
from .framework import BLOCKED, FAIL, OK, TODO
from .local import ExerciseOutcome, run
from .workspace import check, hand_in, setup    # what the notebooks' cells call

__all__ = ["BLOCKED", "EXERCISES", "FAIL", "OK", "TODO", "ExerciseOutcome", "run", "run_all", "check", "setup", "hand_in"]


def matches(name, exercise):
    """Whether ``name`` picks ``exercise``: its exact name, or else a part of its name or file (so an
    exercise whose name is part of others' names is picked alone by its name)."""
    if any(ex.name == name for ex in EXERCISES):
        return exercise.name == name
    return name in exercise.name or name in exercise.path


def run_all(names=()):
    """Outcomes of the exercises that one of ``names`` picks (all when empty)."""
    return [run(ex) for ex in EXERCISES if not names or any(matches(n, ex) for n in names)]
