"""Linear classifiers for CIFAR-10 in numpy: softmax and SVM losses, SGD training, and
cross-entropy functions with PyTorch's semantics (``classifiers.losses``).

The names below are imported from their modules when first used, so that importing one
module of the package (``classifiers.validation``, as data_utils does) never runs the
others: a syntax error in a half-written softmax.py does not stop the data from loading.
"""
import importlib

_WHERE = {  # name -> the module of this package that defines it
    "LinearClassifier": "linear_classifier", "LinearSVM": "linear_classifier", "Softmax": "linear_classifier",
    "TrainingDiverged": "linear_classifier", "TrainingDivergedWarning": "linear_classifier",
    "svm_loss_naive": "linear_svm", "svm_loss_vectorized": "linear_svm",
    "softmax_loss_naive": "softmax", "softmax_loss_vectorized": "softmax",
    # BEGIN SOLUTION
    "softmax_loss_fast": "softmax",   # not in the student edition
    # END SOLUTION
}
__all__ = list(_WHERE)
__version__ = "0.1.0"


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


def __dir__():
    return sorted(list(globals()) + __all__)
