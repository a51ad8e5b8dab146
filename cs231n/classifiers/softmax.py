"""CS231n's ``cs231n.classifiers.softmax`` (this package's ``classifiers.softmax``)."""
from classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized

__all__ = ["softmax_loss_naive", "softmax_loss_vectorized"]
