"""CS231n's ``cs231n.classifiers.linear_svm`` (this package's ``classifiers.linear_svm``)."""
from classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized

__all__ = ["svm_loss_naive", "svm_loss_vectorized"]
