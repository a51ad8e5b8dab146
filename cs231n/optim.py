"""CS231n's ``cs231n.optim``: the update rules (this package's ``classifiers.optim``)."""
from classifiers.optim import adam, rmsprop, sgd, sgd_momentum

__all__ = ["sgd", "sgd_momentum", "rmsprop", "adam"]
