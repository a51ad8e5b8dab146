"""CS231n's ``cs231n.classifiers.linear_classifier`` (this package's ``classifiers.linear_classifier``)."""
from classifiers.linear_classifier import LinearClassifier, LinearSVM, Softmax

__all__ = ["LinearClassifier", "LinearSVM", "Softmax"]
