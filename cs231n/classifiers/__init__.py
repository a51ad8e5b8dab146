"""CS231n's ``cs231n.classifiers``: the k-nearest-neighbour and linear classifiers (this package's ``classifiers``)."""
from classifiers.k_nearest_neighbor import KNearestNeighbor
from classifiers.linear_classifier import LinearClassifier, LinearSVM, Softmax

__all__ = ["KNearestNeighbor", "LinearClassifier", "LinearSVM", "Softmax"]
