"""CS231n's ``cs231n.layer_utils``: the affine-ReLU sandwich layers, and the layers, which CS231n's
layer_utils imports with ``*`` (this package keeps all of them in ``classifiers.layers``)."""
from classifiers.layers import affine_relu_backward, affine_relu_forward

from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers

__all__ = ["affine_relu_forward", "affine_relu_backward", *_layers]
