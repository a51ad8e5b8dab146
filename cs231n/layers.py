"""CS231n's ``cs231n.layers`` (this package's ``classifiers.layers``)."""
from classifiers.layers import (affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss,
                                svm_loss)

__all__ = ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss", "svm_loss"]
