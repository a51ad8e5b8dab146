"""Self-checks for the exercises: ``python -m checks`` (or ``make check``) runs them in seconds.

Each exercise gets a verdict, "ok", "FAIL" or "not written yet", and, when it
fails, a message that says what is likely wrong. The checks use properties
(W = 0 gives log C, analytic gradient = numerical gradient, ...) and expected
values for public inputs only; the grader draws fresh inputs.
"""
# importing a module registers its exercises; this order is the order a student works in
from . import loss_checks  # noqa: F401
from . import classifier_checks  # noqa: F401
from . import softmax_function_checks  # noqa: F401
from . import notebook_checks  # noqa: F401
from .framework import BLOCKED, EXERCISES, FAIL, OK, TODO, Outcome, run
from .workspace import check, hand_in, setup    # what the notebooks' cells call

__all__ = ["BLOCKED", "EXERCISES", "FAIL", "OK", "TODO", "Outcome", "run", "run_all", "check", "setup", "hand_in"]


def run_all(names=()):
    """Outcomes of the exercises whose name or file contains one of ``names`` (all when empty)."""
    chosen = [ex for ex in EXERCISES if not names or any(n in ex.name or n in ex.path for n in names)]
    return [run(ex) for ex in chosen]
