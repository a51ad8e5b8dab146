"""Self-checks for the exercises: ``python -m checks`` (or ``make check``) runs them in seconds.

Each exercise (defined once in ``checks/exercises/``) is judged on its public cases with the
grader's own properties, so a failed check names the mistake in the grader's words. See
``checks/local.py`` for the verdicts.
"""
from .exercises import EXERCISES
from .framework import BLOCKED, FAIL, OK, TODO
from .local import Outcome, run
from .workspace import check, hand_in, setup    # what the notebooks' cells call

__all__ = ["BLOCKED", "EXERCISES", "FAIL", "OK", "TODO", "Outcome", "run", "run_all", "check", "setup", "hand_in"]


def run_all(names=()):
    """Outcomes of the exercises whose name or file contains one of ``names`` (all when empty)."""
    chosen = [ex for ex in EXERCISES if not names or any(n in ex.name or n in ex.path for n in names)]
    return [run(ex) for ex in chosen]
