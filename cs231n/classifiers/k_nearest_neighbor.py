"""CS231n's ``cs231n.classifiers.k_nearest_neighbor`` (this package's ``classifiers.k_nearest_neighbor``)."""
from classifiers.k_nearest_neighbor import KNearestNeighbor

__all__ = ["KNearestNeighbor"]
