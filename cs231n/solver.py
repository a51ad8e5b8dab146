"""CS231n's ``cs231n.solver`` (this package's ``classifiers.solver``)."""
from classifiers.solver import Solver

__all__ = ["Solver"]
