"""CS231n's ``cs231n.classifiers``: the linear classifiers (this package's ``classifiers``)."""
from classifiers.linear_classifier import LinearClassifier, LinearSVM, Softmax

__all__ = ["LinearClassifier", "LinearSVM", "Softmax"]
