"""Linear classifiers for CIFAR-10 in numpy: softmax and SVM losses, SGD training, and
cross-entropy functions with PyTorch's semantics (``classifiers.losses``)."""
from .linear_classifier import LinearClassifier, LinearSVM, Softmax, TrainingDiverged, TrainingDivergedWarning
from .linear_svm import svm_loss_naive, svm_loss_vectorized
from .softmax import softmax_loss_naive, softmax_loss_vectorized

__all__ = ["LinearClassifier", "LinearSVM", "Softmax", "TrainingDiverged", "TrainingDivergedWarning",
           "softmax_loss_naive",
           "softmax_loss_vectorized", "svm_loss_naive", "svm_loss_vectorized"]
# BEGIN SOLUTION
from .softmax import softmax_loss_fast  # noqa: E402  (not in the student edition)

__all__.insert(7, "softmax_loss_fast")
# END SOLUTION
__version__ = "0.1.0"
